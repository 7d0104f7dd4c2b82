"""LocalClient is the DeviceClient in this process: every method of the interface, the device and its actor found
by this machine's key (the app never names one), a whole sale and a door scan through it, and the ticket mail
it sends in the embedded mode."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from core.client import DeviceClient, DoorLink
from core.client.local import LocalClient, LocalDoorLink
from core.config import Settings
from core.domain.checkin import ScanResult
from core.domain.devices import DeviceKind
from core.domain.errors import DeviceNotApproved
from core.domain.payments import SimulatedCard, TerminalKind
from core.domain.tickets import Layout
from core.mail.smtp import SmtpMailer
from core.ops import seed
from core.ops.jobs import Runner, RunOutcome, standard_jobs
from core.services import devices
from core.services.context import ServiceContext
from tests.builders import ROOT, decode_qr_texts
from tests.dbstate import snapshot
from tests.support.context import open_context, signing_key_ref


def _members(protocol: type) -> dict[str, object]:
    return {
        name: value
        for name, value in vars(protocol).items()
        if not name.startswith("_") and (callable(value) or isinstance(value, property))
    }


def _implementations() -> list[type]:
    found: list[type] = [LocalClient]
    try:  # written beside this one by the API work; checked the same way once it is there
        from core.client.remote import RemoteClient
    except ImportError:
        return found
    return [*found, RemoteClient]


@pytest.mark.parametrize("impl", _implementations(), ids=lambda c: c.__name__)
def test_every_interface_method_exists_with_the_same_parameters(impl: type) -> None:
    members = _members(DeviceClient)
    assert {"enrol", "pay_and_checkout", "open_door_station", "watch_concert", "clock"} <= set(members)
    for name, declared in members.items():
        actual = inspect.getattr_static(impl, name, None)
        assert actual is not None, f"{impl.__name__} has no {name}"
        if isinstance(declared, property):
            assert isinstance(actual, property), f"{impl.__name__}.{name} must be a property"
            continue
        assert inspect.iscoroutinefunction(actual) == inspect.iscoroutinefunction(declared), name
        assert list(inspect.signature(actual).parameters) == list(inspect.signature(declared).parameters), (
            name
        )


def test_the_local_door_link_has_every_link_method() -> None:
    for name, declared in _members(DoorLink).items():
        actual = getattr(LocalDoorLink, name)
        assert list(inspect.signature(actual).parameters) == list(inspect.signature(declared).parameters)


@pytest.fixture
async def demo(ctx: ServiceContext, tmp_path: Path) -> ServiceContext:
    await seed.seed_demo(ctx)
    ctx.settings = replace(ctx.settings, device_key_ref=f"file:{tmp_path / 'kiosk.key'}", demo_mode=True)
    return ctx


def _as(ctx: ServiceContext, key_ref: str) -> ServiceContext:
    """The same database with another machine's key (a second device beside the first)."""
    return ServiceContext(
        settings=replace(ctx.settings, device_key_ref=key_ref),
        db=ctx.db,
        bus=ctx.bus,
        clock=ctx.clock,
        signer=ctx.signer,  # one server signs for every device
    )


async def test_a_pending_kiosk_may_do_nothing_until_a_manager_approves_it(demo):
    client = LocalClient.over(demo)
    enrolment = await client.enrol(DeviceKind.KIOSK, "Foyer kiosk")
    assert not enrolment.approved
    assert enrolment.terminal is None
    assert len(enrolment.fingerprint) >= 16
    [concert, *_] = await client.list_on_sale()  # the catalogue is public
    seat_map = await client.get_seat_map(concert.concert.id)
    before = await snapshot(demo)
    with pytest.raises(DeviceNotApproved) as refused:
        await client.hold_places(concert.concert.id, [seat_map.places[0].id], request_key="r1")
    assert refused.value.code == "device_not_approved"
    assert await snapshot(demo) == before

    await devices.approve_device(demo, ROOT, enrolment.device.id)
    again = await client.enrol(DeviceKind.KIOSK, "Foyer kiosk")
    assert (again.approved, again.device.id, again.terminal, again.demo) == (
        True,
        enrolment.device.id,
        TerminalKind.DEMO,
        True,
    )


async def test_a_sale_through_the_client_prints_tickets_that_a_door_admits(demo, clock, tmp_path):
    kiosk = LocalClient.over(demo)
    enrolment = await kiosk.enrol(DeviceKind.KIOSK, "Foyer kiosk")
    await devices.approve_device(demo, ROOT, enrolment.device.id)
    await kiosk.enrol(DeviceKind.KIOSK, "Foyer kiosk")
    [concert, *_] = await kiosk.list_on_sale()
    concert_id = concert.concert.id
    seat_map = await kiosk.get_seat_map(concert_id)
    seats = [p.id for p in seat_map.places if p.row is not None][:2]
    hold = await kiosk.hold_places(concert_id, seats, request_key="r1")
    hold = await kiosk.extend_hold(hold.id)
    order = await kiosk.pay_and_checkout(hold.id, SimulatedCard(approve=True), idempotency_key="pay-1")
    assert order.total == hold.total
    pdf = await kiosk.render_order(order.code, Layout.TICKET80)
    await kiosk.record_print([t.id for t in order.tickets], ok=True)
    [text, _] = decode_qr_texts(pdf)

    door = LocalClient.over(_as(demo, f"file:{tmp_path / 'door.key'}"))
    door_enrolment = await door.enrol(DeviceKind.DOOR, "North door")
    await devices.approve_device(demo, ROOT, door_enrolment.device.id)
    assert (await door.enrol(DeviceKind.DOOR, "North door")).terminal is None
    clock.advance((concert.concert.doors_at - clock.now()).total_seconds())
    async with await door.open_door_station(concert_id, "North", tmp_path / "door.sqlite3") as station:
        assert (await station.refresh_snapshot()).tickets == 2
        admit = await station.scan(text)
    assert admit.result is ScanResult.ADMIT
    assert (await door.undo_last_admit()).ticket_id == admit.ticket_id


async def test_live_availability_comes_through_the_client(demo):
    client = LocalClient.over(demo)
    [concert, *_] = await client.list_on_sale()
    views = client.watch_concert(concert.concert.id)
    assert isinstance(views, AsyncIterator)
    first = await anext(views)
    assert first.reloaded
    assert first.total_available == (await client.get_availability(concert.concert.id)).total
    await views.aclose()  # type: ignore[attr-defined]


async def test_the_client_opens_its_own_context_and_only_the_embedded_one_sends_ticket_mail(
    database_url, clock, start_smtp, tmp_path
):
    """On a laptop (SQLite) the app in this process sends the mail; on a server database the scheduler does
    (`encore-ops scheduler`), so a device with the relay configured still sends nothing."""
    server = start_smtp()
    settings = replace(
        server.settings,
        database_url=database_url,
        device_key_ref=f"file:{tmp_path / 'kiosk.key'}",
        ticket_signing_key_ref=signing_key_ref(database_url),  # on PostgreSQL the server's key is configured
    )
    async with open_context(database_url, clock) as seeding:
        await seed.seed_demo(seeding)  # before the client opens: it learns at start that this is a demo
    async with LocalClient(settings, clock=clock, mail_every_s=0.05) as client:
        enrolment = await client.enrol(DeviceKind.KIOSK, "Mail kiosk")
        await devices.approve_device(client.ctx, ROOT, enrolment.device.id)
        await client.enrol(DeviceKind.KIOSK, "Mail kiosk")
        [concert, *_] = await client.list_on_sale()
        seat_map = await client.get_seat_map(concert.concert.id)
        seat = next(p.id for p in seat_map.places if p.row is not None)
        hold = await client.hold_places(concert.concert.id, [seat], request_key="r1")
        order = await client.pay_and_checkout(
            hold.id, SimulatedCard(approve=True), idempotency_key="m1", buyer_email="fan@example.org"
        )
        if database_url.startswith("sqlite"):
            async with asyncio.timeout(10):
                while not server.recorder.envelopes:  # noqa: ASYNC110 - the client's own loop sends it
                    await asyncio.sleep(0.05)
        else:
            assert client._mail_task is None
            await asyncio.sleep(0.2)  # four of the loop's turns, had it started
            assert server.recorder.envelopes == []
            runner = Runner(client.ctx)
            [send] = [j for j in standard_jobs(SmtpMailer(server.settings)) if j.name == "send-mail"]
            assert await runner.run(send) is RunOutcome.RAN
    assert server.recorder.envelopes[0].rcpt_tos == ["fan@example.org"]
    assert order.code.encode() in server.recorder.envelopes[0].content
    with pytest.raises(RuntimeError):
        _ = client.ctx  # closed with the block


def test_settings_default_to_the_embedded_mode() -> None:
    assert Settings().server_url == ""
