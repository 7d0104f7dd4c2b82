"""The sale flow view-model without Qt, on the real demo database (both engines): a buyer's whole journey."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from core.client.local import LocalClient
from core.domain.catalog import SeatMap
from core.domain.devices import DeviceKind
from core.domain.payments import TerminalKind
from core.domain.places import PlaceState
from core.ops import seed
from core.services import catalog, concerts, devices, orders, sales
from core.services.context import ServiceContext
from kiosk.devices.print_folder import FolderPrinter
from kiosk.viewmodels.flow_state import PrintPhase, Step
from kiosk.viewmodels.printing import TicketPrinting
from kiosk.viewmodels.sale_flow import WARN_SECONDS, SaleFlow
from tests.builders import ROOT, decode_qr_texts, signing_kiosk
from tests.core.services.admin_support import audit_entries
from tests.dbstate import snapshot
from tests.kiosk.conftest import ManualMonotonic, until


@pytest.fixture
def printed(tmp_path: Path) -> Path:
    folder = tmp_path / "printed"
    folder.mkdir()
    return folder


@pytest.fixture
def idle_clock() -> ManualMonotonic:
    """The idle timer's clock, moved by the test (the hold clock is ctx.clock, a ManualClock)."""
    return ManualMonotonic()


@pytest.fixture
async def flow(demo: ServiceContext, printed: Path, idle_clock: ManualMonotonic) -> AsyncIterator[SaleFlow]:
    flow = SaleFlow(
        LocalClient.over(demo),
        printing=TicketPrinting(FolderPrinter(printed)),
        idle_timeout_s=60,
        idle_warning_s=20,
        monotonic=idle_clock,
        poll_s=0.05,
    )
    await flow.start()  # not approved yet: ENROLMENT
    assert flow.state.step is Step.ENROLMENT
    device = await _this_device(demo)
    await devices.approve_device(demo, ROOT, device)
    await until(lambda: flow.state.step is Step.WELCOME)
    yield flow
    await flow.aclose()


async def _this_device(ctx: ServiceContext):
    enrolment = await devices.enrol_this_device(ctx, kind=DeviceKind.KIOSK, name="Kiosk")
    return enrolment.device.id


async def _to_seats(flow: SaleFlow, index: int = 0) -> SeatMap:
    flow.request_begin()
    await until(lambda: flow.state.step is Step.CONCERTS and not flow.state.busy)
    assert len(flow.state.concerts) == 4
    concert_id = flow.state.concerts[index].concert.id
    flow.request_choose_concert(concert_id)
    await until(lambda: flow.state.step is Step.SEATS and not flow.state.busy)
    return await catalog.get_seat_map(_ctx(flow), concert_id)


def _ctx(flow: SaleFlow) -> ServiceContext:
    """The test's own view of the database the flow's in-process client works on."""
    assert isinstance(flow.client, LocalClient)
    return flow.client.ctx


def _free_seats(seat_map: SeatMap, n: int):
    return [p.id for p in seat_map.places if p.row is not None and p.state is PlaceState.FREE][:n]


async def _held(flow: SaleFlow, seats) -> None:
    assert flow.seat_map is not None
    for seat in seats:
        assert flow.seat_map.toggle(seat)
    flow.request_hold_selection()
    await until(lambda: flow.state.step is Step.REVIEW and not flow.state.busy)


async def test_enrolment_shows_the_fingerprint_until_a_manager_approves(demo, printed, idle_clock):
    flow = SaleFlow(
        LocalClient.over(demo),
        printing=TicketPrinting(FolderPrinter(printed)),
        monotonic=idle_clock,
        poll_s=0.05,
    )
    await flow.start()
    info = flow.state.enrolment
    assert flow.state.step is Step.ENROLMENT
    assert info is not None
    assert info.status == "pending"
    assert len(info.fingerprint) >= 16
    await devices.approve_device(demo, ROOT, await _this_device(demo))
    await until(lambda: flow.state.step is Step.WELCOME)
    assert flow.state.terminal == "demo"
    assert flow.state.venue_name == seed.VENUE
    await flow.aclose()


async def test_a_whole_purchase_ends_in_printed_tickets_that_scan(flow, printed):
    seat_map = await _to_seats(flow)
    seats = _free_seats(seat_map, 2)
    await _held(flow, seats)
    hold = flow.state.hold
    assert hold is not None
    assert {p.place_id for p in hold.places} == set(seats)
    assert flow.state.countdown is not None
    assert flow.state.countdown.seconds_left > WARN_SECONDS
    assert "held" in str(flow.state.spoken)

    flow.set_email("buyer@example.org")
    flow.request_to_payment()
    await until(lambda: flow.state.step is Step.PAYMENT and not flow.state.busy)
    flow.request_pay_demo(True)
    await until(lambda: flow.state.step is Step.DONE)

    order = flow.state.order
    assert order is not None
    assert len(order.tickets) == 2
    assert order.buyer_email == "buyer@example.org"
    assert flow.state.print_phase is PrintPhase.PRINTED
    assert flow.state.mailed_to == "buyer@example.org"
    pdfs = list(printed.glob("*.pdf"))
    assert len(pdfs) == 1
    assert len(decode_qr_texts(pdfs[0].read_bytes())) == 2
    found = await orders.find_order(_ctx(flow), ROOT, order.code)
    assert found.id == order.id

    flow.request_finish()
    await until(lambda: flow.state.step is Step.WELCOME)
    assert flow.state.hold is None
    assert flow.state.order is None


async def test_a_declined_payment_sells_nothing_and_lets_the_buyer_retry(flow):
    seat_map = await _to_seats(flow)
    await _held(flow, _free_seats(seat_map, 1))
    flow.request_to_payment()
    await until(lambda: flow.state.step is Step.PAYMENT and not flow.state.busy)
    before = await snapshot(_ctx(flow))
    flow.request_pay_demo(False)
    await until(lambda: flow.state.notice is not None and not flow.state.busy)
    assert flow.state.notice.code == "payment_declined"
    assert flow.state.step is Step.PAYMENT
    assert flow.state.order is None
    after = await snapshot(_ctx(flow))
    assert after["orders"] == before["orders"]
    assert after["tickets"] == before["tickets"]
    flow.request_pay_demo(True)  # the retry works
    await until(lambda: flow.state.step is Step.DONE)


async def test_a_seat_taken_between_choosing_and_holding_gets_a_clear_message(flow):
    seat_map = await _to_seats(flow)
    seats = _free_seats(seat_map, 2)
    assert flow.seat_map is not None
    for seat in seats:
        flow.seat_map.toggle(seat)
    await flow.seat_map.aclose()  # its live view stalls: the map still shows both seats free
    other = await signing_kiosk(_ctx(flow), "Other kiosk")
    await sales.hold_places(_ctx(flow), other, seat_map.concert.id, [seats[1]])
    before = await snapshot(_ctx(flow))
    flow.request_hold_selection()
    await until(lambda: flow.state.notice is not None and not flow.state.busy)
    assert flow.state.step is Step.SEATS
    assert flow.state.notice.code == "seats_taken"
    assert "someone else took" in str(flow.state.notice.text)
    assert (await snapshot(_ctx(flow)))["places"] == before[
        "places"
    ]  # all or nothing: the free seat stays free


async def test_countdown_warns_extends_and_expiry_returns_to_the_seat_map(flow, clock):
    seat_map = await _to_seats(flow)
    seats = _free_seats(seat_map, 2)
    await _held(flow, seats)
    hold = flow.state.hold
    assert hold is not None
    clock.advance((hold.expires_at - clock.now() - timedelta(seconds=30)).total_seconds())
    await until(lambda: flow.state.countdown is not None and flow.state.countdown.warning)
    assert "nearly up" in str(flow.state.spoken)

    flow.request_extend()
    await until(lambda: flow.state.notice is not None and flow.state.notice.code == "extended")
    assert flow.state.countdown is not None
    assert not flow.state.countdown.warning
    assert flow.state.hold is not None
    assert flow.state.hold.extensions_used == 1

    clock.advance((flow.state.hold.expires_at - clock.now() + timedelta(seconds=1)).total_seconds())
    await until(lambda: flow.state.step is Step.SEATS and flow.state.notice is not None)
    assert flow.state.notice.code == "hold_expired"
    assert flow.state.hold is None
    fresh = await catalog.get_seat_map(_ctx(flow), seat_map.concert.id)
    assert all(p.state is PlaceState.FREE for p in fresh.places if p.id in seats)


async def test_the_buyer_can_extend_at_least_ten_times(flow, clock):
    seat_map = await _to_seats(flow)
    await _held(flow, _free_seats(seat_map, 1))
    for n in range(1, 11):
        clock.advance(30)
        flow.request_extend()
        await until(lambda n=n: flow.state.hold is not None and flow.state.hold.extensions_used == n)
    assert flow.state.step is Step.REVIEW


async def test_idle_warns_then_starts_over_and_releases_the_hold(flow, idle_clock):
    seat_map = await _to_seats(flow)
    seats = _free_seats(seat_map, 2)
    await _held(flow, seats)
    idle_clock.now += 45
    await until(lambda: flow.state.idle_seconds_left is not None)
    assert flow.state.idle_seconds_left <= 20
    assert "still there" in str(flow.state.spoken)
    flow.still_here()
    assert flow.state.idle_seconds_left is None
    idle_clock.now += 61
    await until(lambda: flow.state.step is Step.WELCOME)
    assert flow.state.notice is not None
    assert flow.state.notice.code == "idle"
    await until(lambda: not flow._tasks.busy or flow.state.hold is None)

    async def released() -> bool:
        fresh = await catalog.get_seat_map(_ctx(flow), seat_map.concert.id)
        return all(p.state is PlaceState.FREE for p in fresh.places if p.id in seats)

    async with asyncio.timeout(5):
        while not await released():  # noqa: ASYNC110 - a database read, no event to wait for
            await asyncio.sleep(0.02)


async def test_cancel_releases_the_places_at_once(flow):
    seat_map = await _to_seats(flow)
    seats = _free_seats(seat_map, 2)
    await _held(flow, seats)
    flow.request_cancel()
    await until(lambda: flow.state.step is Step.SEATS and not flow.state.busy)
    assert flow.state.notice is not None
    assert flow.state.notice.code == "cancelled"
    fresh = await catalog.get_seat_map(_ctx(flow), seat_map.concert.id)
    assert all(p.state is PlaceState.FREE for p in fresh.places if p.id in seats)


async def test_attended_payment_needs_a_staff_pin(flow):
    _ctx(flow).settings = replace(_ctx(flow).settings, payment_terminal="attended")
    flow._terminal = TerminalKind.ATTENDED  # as the next enrolment would say
    seat_map = await _to_seats(flow)
    await _held(flow, _free_seats(seat_map, 1))
    flow.request_to_payment()
    await until(lambda: flow.state.step is Step.PAYMENT and not flow.state.busy)
    box_office = next(a for a in seed.DEMO_ACCOUNTS if a.role.value == "box_office")
    flow.request_pay_with_pin(box_office.staff_number, "999999")
    await until(lambda: flow.state.notice is not None and not flow.state.busy)
    assert flow.state.notice.code == "wrong_pin"
    assert flow.state.order is None
    flow.request_pay_with_pin(box_office.staff_number, box_office.pin)
    await until(lambda: flow.state.step is Step.DONE, within=20)
    assert flow.state.order is not None
    assert flow.state.order.payment_method == "attended"


async def test_a_failed_print_keeps_the_order_and_a_reprint_finishes_the_sale(demo, tmp_path, idle_clock):
    jammed = tmp_path / "jammed"
    jammed.write_text("a file where the printer's folder should be")  # every print fails
    flow = SaleFlow(
        LocalClient.over(demo),
        printing=TicketPrinting(FolderPrinter(jammed)),
        monotonic=idle_clock,
        poll_s=0.05,
    )
    await flow.start()
    await devices.approve_device(demo, ROOT, await _this_device(demo))
    await until(lambda: flow.state.step is Step.WELCOME)
    seat_map = await _to_seats(flow)
    await _held(flow, _free_seats(seat_map, 1))
    flow.request_to_payment()
    await until(lambda: flow.state.step is Step.PAYMENT and not flow.state.busy)
    flow.request_pay_demo(True)
    await until(lambda: flow.state.print_phase is PrintPhase.FAILED and not flow.state.busy)
    assert flow.state.step is Step.PRINTING
    assert flow.state.can_reprint
    assert flow.state.print_error is not None
    order = flow.state.order
    assert order is not None
    assert (await orders.find_order(demo, ROOT, order.code)).id == order.id  # the sale stands

    jammed.unlink()
    jammed.mkdir()  # staff cleared the jam
    flow.request_reprint()
    await until(lambda: flow.state.step is Step.DONE)
    assert len(list(jammed.glob("*.pdf"))) == 1
    await flow.aclose()


async def test_a_kiosk_revoked_mid_sale_stops_selling_and_says_so(flow):
    seat_map = await _to_seats(flow)
    assert flow.seat_map is not None
    flow.seat_map.toggle(_free_seats(seat_map, 1)[0])
    await devices.revoke_device(_ctx(flow), ROOT, await _this_device(_ctx(flow)))
    flow.request_hold_selection()
    await until(lambda: flow.state.step is Step.ENROLMENT and not flow.state.busy)
    assert flow.state.enrolment is not None
    assert flow.state.enrolment.status == "revoked"
    assert flow.state.hold is None


async def _at_payment(flow: SaleFlow, seats: int = 1) -> None:
    seat_map = await _to_seats(flow)
    await _held(flow, _free_seats(seat_map, seats))
    flow.request_to_payment()
    await until(lambda: flow.state.step is Step.PAYMENT and not flow.state.busy)


async def test_a_double_tap_on_pay_sells_and_prints_once(flow, printed):
    await _at_payment(flow)
    flow.request_pay_demo(True)
    flow.request_pay_demo(True)  # the same finger, a moment later, before the first tap's task has run
    await until(lambda: flow.state.step is Step.DONE)
    await until(lambda: not flow.state.busy)
    order = flow.state.order
    assert order is not None
    assert len(list(printed.glob("*.pdf"))) == 1
    assert (await orders.find_order(_ctx(flow), ROOT, order.code)).tickets[0].print_count == 1


async def test_the_hold_running_out_as_the_buyer_pays_does_not_undo_the_sale(flow, clock):
    await _at_payment(flow)
    hold = flow.state.hold
    assert hold is not None
    clock.advance((hold.expires_at - clock.now()).total_seconds() + 1)  # the last second passes...
    flow.request_pay_demo(True)  # ...as the buyer taps Pay,
    flow._tick_hold()  # and the countdown notices in the same pass of the loop
    await until(lambda: flow.state.step is Step.DONE)
    assert flow.state.notice is None or flow.state.notice.code != "hold_expired"
    assert flow.state.order is not None


async def test_a_payment_whose_checkout_is_refused_is_voided_for_staff(flow):
    await _at_payment(flow)
    hold = flow.state.hold
    assert hold is not None
    await concerts.cancel_concert(_ctx(flow), ROOT, hold.concert_id)  # behind the screen's back
    flow.request_pay_demo(True)
    await until(lambda: flow.state.notice is not None and not flow.state.busy)
    assert flow.state.notice.code == "sales_closed"
    assert flow.state.order is None
    entries = await audit_entries(_ctx(flow))
    voided = [details for _actor, action, _subject, details in entries if action == "payment_voided"]
    assert len(voided) == 1
    assert voided[0]["reason"] == "sales_closed"


async def test_a_hold_cancelled_behind_the_screen_is_refused_before_any_charge(flow):
    await _at_payment(flow)
    hold = flow.state.hold
    assert hold is not None
    await flow.client.release_hold(hold.id)
    before = await snapshot(_ctx(flow))
    flow.request_pay_demo(True)
    await until(lambda: flow.state.notice is not None and not flow.state.busy)
    assert flow.state.notice.code == "hold_released"
    assert flow.state.order is None
    assert await snapshot(_ctx(flow)) == before  # nothing charged, nothing voided, nothing sold


async def test_a_failed_print_times_out_and_hides_the_reprint_from_the_next_person(
    demo, tmp_path, idle_clock
):
    jammed = tmp_path / "jammed"
    jammed.write_text("not a folder")
    flow = SaleFlow(
        LocalClient.over(demo),
        printing=TicketPrinting(FolderPrinter(jammed)),
        idle_timeout_s=60,
        idle_warning_s=20,
        monotonic=idle_clock,
        poll_s=0.05,
    )
    await flow.start()
    await devices.approve_device(demo, ROOT, await _this_device(demo))
    await until(lambda: flow.state.step is Step.WELCOME)
    await _at_payment(flow)
    flow.request_pay_demo(True)
    await until(lambda: flow.state.print_phase is PrintPhase.FAILED and not flow.state.busy)
    idle_clock.now += 61
    await until(lambda: flow.state.step is Step.WELCOME)
    assert flow.state.order is None
    assert not flow.state.can_reprint
    flow.request_reprint()  # nothing to reprint on Welcome
    await until(lambda: not flow.state.busy)
    assert flow.state.step is Step.WELCOME
    await flow.aclose()


@pytest.mark.parametrize("configured", ["Foyer kiosk 3", ""])
async def test_the_kiosk_enrols_under_device_name_or_its_hostname(
    demo: ServiceContext, printed: Path, configured: str
) -> None:
    settings = replace(demo.settings, device_name=configured)
    flow = SaleFlow(
        LocalClient.over(demo), printing=TicketPrinting(FolderPrinter(printed)), settings=settings
    )
    await flow.start()
    try:
        await until(lambda: flow.state.enrolment is not None)
        expected = configured or f"Kiosk {socket.gethostname()}"[:100]
        assert flow.state.enrolment is not None
        assert flow.state.enrolment.device_name == expected
        pending = [d.name for d in await devices.list_devices(demo, ROOT) if d.id == await _this_device(demo)]
        assert pending == [expected]
    finally:
        await flow.aclose()


async def test_a_kiosk_on_a_door_stations_key_is_out_of_service_and_says_why_in_its_log(
    demo: ServiceContext, printed: Path, expect_log
) -> None:
    await devices.enrol_this_device(demo, kind=DeviceKind.DOOR, name="Door")  # this key is now a door's
    flow = SaleFlow(LocalClient.over(demo), printing=TicketPrinting(FolderPrinter(printed)), poll_s=0.05)
    with expect_log("kiosk.viewmodels.sale_flow", "out of service: device_kind_mismatch"):
        await flow.start()
        assert flow.state.step is Step.OUT_OF_SERVICE
        await asyncio.sleep(0.3)  # polls go on trying, quietly (one log line per outage)
    assert flow.state.step is Step.OUT_OF_SERVICE
    await flow.aclose()
