"""Payment terminals on both engines: staff PINs (count-down, lockout that survives a restart), the demo card."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

import pytest

from core.db import site as site_db
from core.domain.clock import ManualClock
from core.domain.errors import ConfigError, InputError, NotAllowed, PaymentDeclined, PinLockedOut, WrongPin
from core.domain.money import Money
from core.domain.orders import Payment
from core.domain.staff import DeviceActor, Role, StaffActor
from core.services import checkout, payments, sales, staff, tickets
from core.services.context import ServiceContext
from core.services.payments import SimulatedCard, StaffPin, TerminalKind
from tests.builders import ROOT, Stage, build_stage, signing_kiosk
from tests.core.services.admin_support import audit_entries
from tests.core.tickets.test_pdf import page_texts
from tests.dbstate import snapshot
from tests.support.context import open_context
from tests.support.logfail import ExpectLog

AMOUNT = Money(9000, "EUR")
BOX_PIN = "331700"
DOOR_PIN = "444400"
GONE_PIN = "555500"
NOBODY = 777  # a staff number nobody has


@dataclass(frozen=True)
class Till:
    stage: Stage
    kiosk: DeviceActor
    box_office: StaffActor
    terminal: payments.PaymentTerminal
    numbers: dict[str, int]
    """Staff number by role: box_office, door, gone (deactivated)."""

    def pin(self, pin: str, who: str = "box_office") -> StaffPin:
        return StaffPin(self.numbers[who], pin)


async def _staff(ctx: ServiceContext, role: Role, email: str, pin: str | None) -> tuple[StaffActor, int]:
    member = await staff.create_staff(ctx, ROOT, email=email, display_name=email, role=role, pin=pin)
    return StaffActor(member.id, member.role, member.display_name), member.staff_number


@pytest.fixture
async def till(ctx: ServiceContext) -> Till:
    stage = await build_stage(ctx)
    box_office, box_number = await _staff(ctx, Role.BOX_OFFICE, "bo@venue.test", BOX_PIN)
    _, door_number = await _staff(ctx, Role.DOOR, "door@venue.test", DOOR_PIN)  # may not confirm payments
    gone, gone_number = await _staff(ctx, Role.BOX_OFFICE, "gone@venue.test", GONE_PIN)
    await staff.set_staff_active(ctx, ROOT, gone.staff_id, False)
    terminal = payments.open_terminal(ctx)
    assert terminal.kind is TerminalKind.ATTENDED  # auto on a database that is not a demo
    numbers = {"box_office": box_number, "door": door_number, "gone": gone_number, "nobody": NOBODY}
    return Till(stage, stage.kiosk, box_office, terminal, numbers)


async def _wrong(till: Till, pin: str = "999999", who: str = "box_office") -> WrongPin:
    with pytest.raises(WrongPin) as info:
        await till.terminal.charge(till.kiosk, AMOUNT, "sale-1", till.pin(pin, who))
    assert info.value.code == "wrong_pin"
    return info.value


async def test_the_right_pin_confirms_and_names_the_staff_member(ctx: ServiceContext, till: Till) -> None:
    payment = await till.terminal.charge(till.kiosk, AMOUNT, "sale-1", till.pin(BOX_PIN))
    assert payment == Payment("attended", f"sale-1 staff:{till.box_office.staff_id}", AMOUNT)
    actor, action, subject, details = (await audit_entries(ctx))[-1]
    assert (actor, action, subject) == (
        f"staff:{till.box_office.staff_id}",
        "payment_confirmed",
        "payment:sale-1",
    )
    assert details["terminal"] == f"device:{till.kiosk.device_id}"
    assert (details["amount"], details["currency"]) == (9000, "EUR")
    assert details["staff_number"] == till.numbers["box_office"]
    assert BOX_PIN not in repr(till.pin(BOX_PIN))


async def test_wrong_pins_count_down_and_are_audited(ctx: ServiceContext, till: Till) -> None:
    # A door account's PIN, a deactivated account's PIN and a number nobody has are wrong PINs here, like any
    # other; each staff number is tried once, so the device's count is the one that runs down.
    tries = (("999999", "box_office"), (DOOR_PIN, "door"), (GONE_PIN, "gone"), ("123456", "nobody"))
    errors = [await _wrong(till, pin, who) for pin, who in tries]
    assert [e.tries_left for e in errors] == [4, 3, 2, 1]
    assert "4 more tries" in errors[0].message
    assert "1 more try " in errors[-1].message
    wrong = [e for e in await audit_entries(ctx) if e[1] == "payment_pin_wrong"]
    assert [e[3]["tries_left"] for e in wrong] == [4, 3, 2, 1]
    assert all(e[0] == f"device:{till.kiosk.device_id}" for e in wrong)
    assert all(DOOR_PIN not in repr(e) for e in wrong), "the audit never records a PIN"
    assert [e[3]["staff_number"] for e in wrong] == [till.numbers[who] for _, who in tries]


async def test_five_wrong_pins_lock_the_terminal_until_the_time_is_up(
    ctx: ServiceContext, clock: ManualClock, till: Till
) -> None:
    for _ in range(4):
        await _wrong(till)
    with pytest.raises(PinLockedOut) as locked:
        await till.terminal.charge(till.kiosk, AMOUNT, "sale-1", till.pin("999999"))
    assert locked.value.code == "pin_locked_out", "the device's lock, though the staff number locked too"
    assert locked.value.until == clock.now() + timedelta(minutes=5)
    assert "about 5 minutes" in locked.value.message
    assert "call a manager" in locked.value.message
    assert (await audit_entries(ctx))[-1][1] == "payment_pin_locked"

    clock.advance(4 * 60 + 30)
    with pytest.raises(PinLockedOut) as still:  # even the right PIN: it is not tried at all
        await till.terminal.charge(till.kiosk, AMOUNT, "sale-1", till.pin(BOX_PIN))
    assert "about a minute" in still.value.message
    assert (await audit_entries(ctx))[-1][1] == "payment_pin_refused"

    # Another kiosk is a different terminal: not locked (and the staff number's 1-minute lock is over).
    other = await till.terminal.charge(till.stage.other_kiosk, AMOUNT, "sale-2", till.pin(BOX_PIN))
    assert other.method == "attended"

    clock.advance(31)
    payment = await till.terminal.charge(till.kiosk, AMOUNT, "sale-1", till.pin(BOX_PIN))
    assert payment.reference == f"sale-1 staff:{till.box_office.staff_id}"
    assert (await _wrong(till)).tries_left == 4, "the lockout and the right PIN start a fresh count"


async def test_the_right_pin_resets_the_count(till: Till) -> None:
    for expected in (4, 3, 2):
        assert (await _wrong(till)).tries_left == expected
    await till.terminal.charge(till.kiosk, AMOUNT, "sale-1", till.pin(BOX_PIN))
    assert (await _wrong(till)).tries_left == 4


async def test_the_lockout_survives_a_restart(database_url: str, clock: ManualClock, till: Till) -> None:
    for _ in range(4):
        await _wrong(till)
    with pytest.raises(PinLockedOut):
        await till.terminal.charge(till.kiosk, AMOUNT, "sale-1", till.pin("999999"))
    async with open_context(database_url, clock) as restarted:
        terminal = payments.open_terminal(restarted)
        with pytest.raises(PinLockedOut):
            await terminal.charge(till.kiosk, AMOUNT, "sale-1", till.pin(BOX_PIN))


@pytest.mark.parametrize(
    "pin", ["", "123", "1234567890123", "12a456", " 123456", "123456\n", "١٢٣٤٥٦", 123456]
)
async def test_a_pin_of_the_wrong_form_changes_nothing(ctx: ServiceContext, till: Till, pin: object) -> None:
    before = await snapshot(ctx)
    with pytest.raises(InputError) as info:
        await till.terminal.charge(till.kiosk, AMOUNT, "sale-1", till.pin(pin))  # type: ignore[arg-type]
    assert (info.value.code, info.value.field) == ("pin_invalid", "pin")
    assert await snapshot(ctx) == before


@pytest.mark.parametrize("number", [0, -1, 1_000_000, "3", 3.0, True, None])
async def test_a_staff_number_of_the_wrong_form_changes_nothing(
    ctx: ServiceContext, till: Till, number: object
) -> None:
    before = await snapshot(ctx)
    with pytest.raises(InputError) as info:
        await till.terminal.charge(till.kiosk, AMOUNT, "sale-1", StaffPin(number, BOX_PIN))  # type: ignore[arg-type]
    assert (info.value.code, info.value.field) == ("staff_number_invalid", "staff_number")
    assert await snapshot(ctx) == before


async def test_wrong_input_and_bad_references_change_nothing(ctx: ServiceContext, till: Till) -> None:
    before = await snapshot(ctx)
    with pytest.raises(NotAllowed) as card:
        await till.terminal.charge(till.kiosk, AMOUNT, "sale-1", SimulatedCard(approve=True))
    assert card.value.code == "demo_terminal_refused"
    for reference in ("", "x" * 151, "a\x00b"):
        with pytest.raises(InputError) as ref:
            await till.terminal.charge(till.kiosk, AMOUNT, reference, till.pin(BOX_PIN))
        assert ref.value.code == "payment_invalid"
    with pytest.raises(InputError):
        await till.terminal.charge(till.kiosk, Money(-1, "EUR"), "sale-1", till.pin(BOX_PIN))
    assert await snapshot(ctx) == before


async def test_the_demo_card_approves_or_declines(ctx: ServiceContext, till: Till) -> None:
    with pytest.raises(ConfigError) as refused:
        payments.open_terminal(replace_settings(ctx, payment_terminal="demo"))
    assert refused.value.key == "payment_terminal"
    assert "demo database" in refused.value.problem

    demo = replace_settings(ctx, payment_terminal="auto", demo_mode=True)
    terminal = payments.open_terminal(demo)
    assert terminal.kind is TerminalKind.DEMO
    # The config alone (ENCORE_DEMO_MODE) does not make a real database free: the database must say so.
    before_mark = await snapshot(ctx)
    with pytest.raises(NotAllowed) as real_db:
        await terminal.charge(till.kiosk, AMOUNT, "sale-8", SimulatedCard(approve=True))
    assert real_db.value.code == "demo_terminal_refused"
    assert await snapshot(ctx) == before_mark
    await ctx.db.write(lambda conn: site_db.put(conn, site_db.DEMO, "true"))
    assert payments.open_terminal(
        replace_settings(ctx, payment_terminal="attended", demo_mode=True)
    ).kind is (TerminalKind.ATTENDED)
    before = await snapshot(ctx)
    with pytest.raises(PaymentDeclined) as declined:
        await terminal.charge(till.kiosk, AMOUNT, "sale-9", SimulatedCard(approve=False))
    assert declined.value.code == "payment_declined"
    assert "try again or use another card" in declined.value.message
    with pytest.raises(InputError):
        await terminal.charge(till.kiosk, AMOUNT, "sale-9", till.pin(BOX_PIN))
    assert await snapshot(ctx) == before
    assert await terminal.charge(till.kiosk, AMOUNT, "sale-9", SimulatedCard(approve=True)) == Payment(
        "demo", "sale-9", AMOUNT
    )


def replace_settings(ctx: ServiceContext, **changes: object) -> ServiceContext:
    return replace(ctx, settings=replace(ctx.settings, **changes))  # type: ignore[arg-type]


async def test_a_void_is_audited_for_staff_to_hand_the_money_back(ctx: ServiceContext, till: Till) -> None:
    payment = await till.terminal.charge(till.kiosk, AMOUNT, "sale-1", till.pin(BOX_PIN))
    await till.terminal.void(till.kiosk, payment, "the seats were taken\nmeanwhile")
    actor, action, _, details = (await audit_entries(ctx))[-1]
    assert (actor, action) == (f"device:{till.kiosk.device_id}", "payment_voided")
    assert details["reference"] == payment.reference
    assert details["reason"] == "the seats were taken meanwhile"
    assert (details["method"], details["amount"]) == ("attended", 9000)


async def test_a_void_that_cannot_be_recorded_is_logged_not_raised(
    ctx: ServiceContext, till: Till, tmp_path, expect_log: ExpectLog
) -> None:
    gone = f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'dir' / 'db.sqlite3'}"
    async with open_context(gone, ManualClock(ctx.clock.now())) as broken:
        terminal = payments.open_terminal(broken)
        with expect_log("core.services.payments", "hand the money back by hand"):
            await terminal.void(till.kiosk, Payment("attended", "sale-1", AMOUNT), "checkout failed")


async def test_a_simulated_payment_sells_nothing_on_a_real_database(ctx: ServiceContext) -> None:
    assert not ctx.settings.demo_mode
    stage = await build_stage(ctx, name="Demo Paid Hall")
    kiosk = await signing_kiosk(ctx, "Demo paid kiosk")
    hold = await sales.hold_places(ctx, kiosk, stage.id, stage.seats[1:2])
    before = await snapshot(ctx)
    simulated = Payment("demo", "demo-1", hold.total)
    with pytest.raises(NotAllowed) as refused:
        await checkout.checkout_hold(ctx, kiosk, hold.id, idempotency_key="demo-1", payment=simulated)
    assert refused.value.code == "demo_payment_refused"
    assert await snapshot(ctx) == before
    # The control: the same hold sells with a real payment.
    order = await checkout.checkout_hold(
        ctx, kiosk, hold.id, idempotency_key="card-1", payment=Payment("card", "c1", hold.total)
    )
    assert not any("DEMO" in page for page in page_texts(await tickets.render_order(ctx, kiosk, order.code)))
