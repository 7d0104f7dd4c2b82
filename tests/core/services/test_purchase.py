"""pay_and_checkout on both engines: the charge, the order and the void in core, so a kiosk (or the server for a
remote kiosk) can neither sell unpaid nor keep money for places it did not sell."""

from __future__ import annotations

from typing import Any

import pytest

from core.domain.errors import HoldExpired, InputError, NotAllowed, SalesClosed, WrongPin
from core.domain.orders import OrderStatus
from core.domain.payments import StaffPin
from core.domain.staff import Role, StaffActor
from core.services import concerts, purchase, sales, staff
from core.services.context import ServiceContext
from tests.builders import ROOT, Stage, build_stage
from tests.core.services.admin_support import audit_entries
from tests.dbstate import snapshot

PIN = "331759"
BO = 51  # the box-office member's staff number


@pytest.fixture
async def stage(ctx: ServiceContext) -> Stage:
    stage = await build_stage(ctx)
    await staff.create_staff(
        ctx, ROOT, email="bo@venue.test", display_name="Bo", role=Role.BOX_OFFICE, pin=PIN, staff_number=BO
    )
    return stage


def _actions(entries: list[tuple[str, str, str, dict[str, Any]]]) -> list[str]:
    return [action for _, action, _, _ in entries]


async def _without_audit(ctx: ServiceContext) -> dict[str, Any]:
    """Everything but the audit log and the PIN counters: a refused PIN is audited and counted on purpose."""
    tables = await snapshot(ctx)
    return {k: v for k, v in tables.items() if k not in {"audit_log", "pin_attempts", "attempt_guards"}}


async def test_pays_sells_and_a_retry_with_the_key_returns_the_order_without_charging_again(ctx, stage):
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2])
    order = await purchase.pay_and_checkout(
        ctx, stage.kiosk, hold.id, StaffPin(BO, PIN), idempotency_key="sale-1", buyer_email="a@b.test"
    )
    assert order.status is OrderStatus.PAID
    assert order.total == hold.total
    assert order.payment_method == "attended"
    assert order.buyer_email == "a@b.test"
    assert _actions(await audit_entries(ctx)).count("payment_confirmed") == 1

    before = await snapshot(ctx)
    again = await purchase.pay_and_checkout(
        ctx, stage.kiosk, hold.id, StaffPin(BO, PIN), idempotency_key="sale-1"
    )
    assert again == order
    assert await snapshot(ctx) == before  # no second charge, no second order


async def test_a_refusal_after_the_charge_voids_the_payment(ctx, stage):
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:1])
    # The hold still stands, so the charge goes through; then checkout refuses the cancelled concert.
    await concerts.cancel_concert(ctx, ROOT, stage.id)
    with pytest.raises(SalesClosed) as refused:
        await purchase.pay_and_checkout(
            ctx, stage.kiosk, hold.id, StaffPin(BO, PIN), idempotency_key="sale-2"
        )
    assert refused.value.code == "sales_closed"
    entries = await audit_entries(ctx)
    assert _actions(entries)[-2:] == ["payment_confirmed", "payment_voided"]
    _, _, subject, details = entries[-1]
    assert subject.startswith("payment:sale-2")
    assert details["reason"] == "sales_closed"
    assert (details["amount"], details["currency"]) == (4500, "EUR")


async def test_a_wrong_pin_charges_and_sells_nothing(ctx, stage):
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:1])
    before = await _without_audit(ctx)
    with pytest.raises(WrongPin) as wrong:
        await purchase.pay_and_checkout(
            ctx, stage.kiosk, hold.id, StaffPin(BO, "999999"), idempotency_key="k3"
        )
    assert wrong.value.code == "wrong_pin"
    assert await _without_audit(ctx) == before
    assert "payment_voided" not in _actions(await audit_entries(ctx))


async def test_a_hold_whose_places_went_to_another_buyer_is_refused_before_the_charge(ctx, clock, stage):
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:1], request_key="first")
    clock.advance(400)  # past hold_seconds (300): the seat is takeable again
    await sales.hold_places(ctx, stage.other_kiosk, stage.id, stage.seats[:1])
    before = await snapshot(ctx)
    with pytest.raises(HoldExpired) as lapsed:
        await purchase.pay_and_checkout(ctx, stage.kiosk, hold.id, StaffPin(BO, PIN), idempotency_key="k4")
    assert lapsed.value.code == "hold_expired"
    assert "nothing was charged" in lapsed.value.message
    assert await snapshot(ctx) == before  # no PIN asked, nothing audited


@pytest.mark.parametrize(
    ("email", "key", "code"),
    [("not an address", "k5", "email_invalid"), (None, "", "idempotency_key_invalid")],
)
async def test_bad_input_is_refused_before_the_charge(ctx, stage, email, key, code):
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:1])
    before = await snapshot(ctx)
    with pytest.raises(InputError) as bad:
        await purchase.pay_and_checkout(
            ctx, stage.kiosk, hold.id, StaffPin(BO, PIN), idempotency_key=key, buyer_email=email
        )
    assert bad.value.code == code
    assert await snapshot(ctx) == before


async def test_another_kiosks_hold_cannot_be_paid_here(ctx, stage):
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:1])
    before = await snapshot(ctx)
    with pytest.raises(NotAllowed) as theirs:
        await purchase.pay_and_checkout(
            ctx, stage.other_kiosk, hold.id, StaffPin(BO, PIN), idempotency_key="k6"
        )
    assert theirs.value.code == "hold_not_yours"
    assert await snapshot(ctx) == before


async def test_staff_without_the_sell_permission_are_refused(ctx, stage):
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:1])
    door = await staff.create_staff(ctx, ROOT, email="d@venue.test", display_name="D", role=Role.DOOR)
    before = await snapshot(ctx)
    with pytest.raises(NotAllowed) as refused:
        await purchase.pay_and_checkout(
            ctx,
            StaffActor(door.id, door.role, door.display_name),
            hold.id,
            StaffPin(BO, PIN),
            idempotency_key="k7",
        )
    assert refused.value.code == "not_allowed"
    assert await snapshot(ctx) == before
