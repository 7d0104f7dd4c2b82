"""Checkout and refunds: one order per idempotency key, lapsed holds, refunds free places — on both engines."""

from __future__ import annotations

import asyncio

import pytest

from core.domain.errors import Conflict, HoldExpired, InputError, NotAllowed, NotFound
from core.domain.ids import HoldId
from core.domain.money import Money
from core.domain.orders import OrderStatus, Payment, TicketState
from core.domain.places import PlaceState
from core.services import catalog, checkout, orders, sales
from tests.builders import build_stage
from tests.dbstate import snapshot


def _pay(minor: int, ref: str = "terminal-1") -> Payment:
    return Payment("card", ref, Money(minor, "EUR"))


async def _states(ctx, concert_id):
    return {p.id: p.state for p in (await catalog.get_seat_map(ctx, concert_id)).places}


async def test_checkout_sells_places_and_issues_tickets(ctx):
    stage = await build_stage(ctx)
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2])
    order = await checkout.checkout_hold(
        ctx, stage.kiosk, hold.id, idempotency_key="k1", payment=_pay(9000), buyer_email=" fan@example.org "
    )
    assert order.status is OrderStatus.PAID
    assert order.total == Money(9000, "EUR")
    assert order.buyer_email == "fan@example.org"
    assert len(order.code) == 8
    assert [t.place_id for t in order.tickets] == list(stage.seats[:2])
    assert len({t.serial for t in order.tickets}) == 2
    assert all(t.state is TicketState.VALID for t in order.tickets)
    states = await _states(ctx, stage.id)
    assert all(states[p] is PlaceState.SOLD for p in stage.seats[:2])
    assert (await orders.find_order(ctx, stage.manager, order.code.lower())).id == order.id


async def test_same_idempotency_key_twice_gives_one_order(ctx):
    stage = await build_stage(ctx)
    hold = await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 2)
    first = await checkout.checkout_hold(
        ctx, stage.kiosk, hold.id, idempotency_key="retry", payment=_pay(6000)
    )
    again = await checkout.checkout_hold(
        ctx, stage.kiosk, hold.id, idempotency_key="retry", payment=_pay(6000)
    )
    assert again == first
    other_hold = await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 1)
    before = await snapshot(ctx)
    with pytest.raises(Conflict) as err:
        await checkout.checkout_hold(
            ctx, stage.kiosk, other_hold.id, idempotency_key="retry", payment=_pay(3000)
        )
    assert err.value.code == "idempotency_key_reused"
    with pytest.raises(Conflict) as twice:
        await checkout.checkout_hold(ctx, stage.kiosk, hold.id, idempotency_key="another", payment=_pay(6000))
    assert twice.value.code == "hold_checked_out"
    assert await snapshot(ctx) == before


async def test_concurrent_retries_with_one_key_give_one_order(ctx):
    stage = await build_stage(ctx)
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:1])
    results = await asyncio.gather(
        *(
            checkout.checkout_hold(ctx, stage.kiosk, hold.id, idempotency_key="same", payment=_pay(4500))
            for _ in range(5)
        )
    )
    assert len({o.id for o in results}) == 1


async def test_lapsed_hold_still_ours_checks_out(ctx, clock):
    stage = await build_stage(ctx, hold_seconds=60)
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:1])
    clock.advance(600)
    order = await checkout.checkout_hold(
        ctx, stage.kiosk, hold.id, idempotency_key="late", payment=_pay(4500)
    )
    assert len(order.tickets) == 1


async def test_lapsed_and_taken_hold_fails_and_changes_nothing(ctx, clock):
    stage = await build_stage(ctx, hold_seconds=60)
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2])
    clock.advance(61)
    await sales.hold_places(ctx, stage.other_kiosk, stage.id, [stage.seats[1]])
    before = await snapshot(ctx)
    with pytest.raises(HoldExpired) as err:
        await checkout.checkout_hold(ctx, stage.kiosk, hold.id, idempotency_key="k", payment=_pay(9000))
    assert err.value.code == "hold_expired"
    assert await snapshot(ctx) == before


async def test_released_foreign_unknown_holds_and_bad_payment_are_refused(ctx):
    stage = await build_stage(ctx)
    released = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:1])
    await sales.release_hold(ctx, stage.kiosk, released.id)
    live = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[1:2])
    before = await snapshot(ctx)
    cases = [
        (released.id, stage.kiosk, _pay(4500), None, HoldExpired, "hold_released"),
        (live.id, stage.other_kiosk, _pay(4500), None, NotAllowed, "hold_not_yours"),
        (HoldId("0" * 32), stage.kiosk, _pay(4500), None, NotFound, "hold_not_found"),
        (live.id, stage.kiosk, _pay(100), None, InputError, "payment_amount_mismatch"),
        (live.id, stage.kiosk, Payment("", "x", Money(4500, "EUR")), None, InputError, "payment_invalid"),
        (live.id, stage.kiosk, _pay(4500), "not-an-email", InputError, "email_invalid"),
    ]
    for n, (hold_id, actor, payment, email, error, code) in enumerate(cases):
        with pytest.raises(error) as err:
            await checkout.checkout_hold(
                ctx, actor, hold_id, idempotency_key=f"case-{n}", payment=payment, buyer_email=email
            )
        assert err.value.code == code, (n, err.value)
    with pytest.raises(InputError) as key:
        await checkout.checkout_hold(ctx, stage.kiosk, live.id, idempotency_key="", payment=_pay(4500))
    assert key.value.code == "idempotency_key_invalid"
    assert await snapshot(ctx) == before


async def test_refund_some_then_all_frees_places_and_refuses_twice(ctx):
    stage = await build_stage(ctx)
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:3])
    order = await checkout.checkout_hold(ctx, stage.kiosk, hold.id, idempotency_key="r", payment=_pay(13500))
    first = order.tickets[0]
    partly = await orders.refund_tickets(
        ctx, stage.manager, order.code, reason="wrong date", ticket_ids=[first.id]
    )
    assert partly.status is OrderStatus.PARTLY_REFUNDED
    assert [t.state for t in partly.tickets] == [TicketState.VOID, TicketState.VALID, TicketState.VALID]
    assert (await _states(ctx, stage.id))[first.place_id] is PlaceState.FREE

    before = await snapshot(ctx)
    with pytest.raises(Conflict) as twice:
        await orders.refund_tickets(ctx, stage.manager, order.code, reason="again", ticket_ids=[first.id])
    assert twice.value.code == "ticket_already_void"
    with pytest.raises(Conflict) as all_of_it:
        await orders.refund_tickets(ctx, stage.manager, order.code, reason="all, including the void one")
    assert all_of_it.value.code == "ticket_already_void"
    with pytest.raises(NotAllowed):
        await orders.refund_tickets(ctx, stage.kiosk, order.code, reason="kiosks cannot refund")
    with pytest.raises(NotFound) as missing:
        await orders.refund_tickets(ctx, stage.manager, "ZZZZ2345", reason="x")
    assert missing.value.code == "order_not_found"
    for typo in ("NOPE2345", "AB\x00CDEFG", "short", ""):
        with pytest.raises(InputError) as bad_code:
            await orders.refund_tickets(ctx, stage.manager, typo, reason="x")
        assert bad_code.value.code == "order_code_invalid"
    with pytest.raises(InputError) as no_reason:
        await orders.refund_tickets(ctx, stage.manager, order.code, reason="  ")
    assert no_reason.value.code == "reason_missing"
    assert await snapshot(ctx) == before

    rest = [t.id for t in order.tickets[1:]]
    done = await orders.refund_tickets(
        ctx, stage.manager, order.code, reason="cancelled trip", ticket_ids=rest
    )
    assert done.status is OrderStatus.REFUNDED
    states = await _states(ctx, stage.id)
    assert all(states[p] is PlaceState.FREE for p in stage.seats[:3])
    # A refunded seat can be sold again.
    again = await sales.hold_places(ctx, stage.other_kiosk, stage.id, stage.seats[:3])
    assert len(again.places) == 3
