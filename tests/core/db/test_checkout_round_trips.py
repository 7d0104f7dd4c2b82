"""Round trips of a checkout on PostgreSQL, counted on the socket: a regression in the hot path shows here.

A checkout is its look (checks, ticket ids) and its sale (one statement): two round trips, no BEGIN or COMMIT.
The attended terminal's staff PIN adds its own transaction, counted apart."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.db import site as site_db
from core.domain.money import Money
from core.domain.orders import Payment
from core.domain.payments import SimulatedCard, StaffPin
from core.domain.staff import Role
from core.services import checkout, payments, purchase, sales, staff
from core.services.context import ServiceContext
from tests.builders import ROOT, Stage, build_stage
from tests.support.round_trips import RoundTrips

pytestmark = pytest.mark.postgres

PIN = "331759"
BO = 51
PIN_TRIPS = 7
"""The staff PIN, checked and counted in one transaction (its fingerprint takes microseconds): BEGIN, the device's
status with the PIN holder, each guard's locking upsert, one look at their reservations, the audit, COMMIT; a
clear guard is not written again. Not part of the checkout; pinned so that a change shows (it was 25, then 13
while an argon2 verify sat between two transactions; a PIN set before fingerprints still takes those 13)."""


async def _setup(ctx: ServiceContext) -> tuple[Stage, RoundTrips]:
    stage = await build_stage(ctx, standing=40)
    await staff.create_staff(
        ctx, ROOT, email="bo@venue.test", display_name="Bo", role=Role.BOX_OFFICE, pin=PIN, staff_number=BO
    )
    await ctx.db.write(lambda conn: site_db.put(conn, site_db.DEMO, "true"))
    trips = RoundTrips()
    trips.attach(ctx.db.engine)
    return stage, trips


async def test_a_checkout_is_two_round_trips_whichever_way_it_is_paid(pg_ctx: ServiceContext) -> None:
    stage, trips = await _setup(pg_ctx)
    attended = replace(pg_ctx, settings=replace(pg_ctx.settings, payment_terminal="attended"))
    demo = replace(pg_ctx, settings=replace(pg_ctx.settings, payment_terminal="demo", demo_mode=True))
    counts: dict[str, list[int]] = {"checkout": [], "demo": [], "attended": [], "pin": []}
    for i in range(3):  # the first of each prepares its statements on the connection: not counted
        hold = await sales.hold_standing(pg_ctx, stage.kiosk, stage.id, stage.standing, 2)
        with trips.counting():
            order = await checkout.checkout_hold(
                pg_ctx,
                stage.kiosk,
                hold.id,
                idempotency_key=f"c-{i}",
                payment=Payment("card", "t", hold.total),
            )
        counts["checkout"].append(trips.count)
        assert len(order.tickets) == 2
        hold = await sales.hold_standing(demo, stage.kiosk, stage.id, stage.standing, 2)
        with trips.counting():
            await purchase.pay_and_checkout(
                demo, stage.kiosk, hold.id, SimulatedCard(True), idempotency_key=f"d-{i}"
            )
        counts["demo"].append(trips.count)
        hold = await sales.hold_standing(attended, stage.kiosk, stage.id, stage.standing, 2)
        with trips.counting():
            await purchase.pay_and_checkout(
                attended, stage.kiosk, hold.id, StaffPin(BO, PIN), idempotency_key=f"a-{i}"
            )
        counts["attended"].append(trips.count)
        terminal = payments.open_terminal(attended)
        with trips.counting():
            await terminal.charge(stage.kiosk, Money(100, "EUR"), f"pin-{i}", StaffPin(BO, PIN))
        counts["pin"].append(trips.count)
    steady = {name: values[1:] for name, values in counts.items()}
    assert steady["checkout"] == [2, 2], counts
    assert steady["demo"] == [2, 2], counts  # the look also answers the demo terminal's question
    assert steady["pin"] == [PIN_TRIPS, PIN_TRIPS], counts
    assert steady["attended"] == [2 + PIN_TRIPS, 2 + PIN_TRIPS], counts


async def test_a_retry_and_a_refusal_cost_more_but_still_answer(pg_ctx: ServiceContext) -> None:
    """The fast path is only for a sale that goes through: a retried key and a refused checkout take the
    transaction (the control: the counter sees the difference)."""
    stage, trips = await _setup(pg_ctx)
    hold = await sales.hold_standing(pg_ctx, stage.kiosk, stage.id, stage.standing, 1)
    pay = Payment("card", "t", hold.total)
    first = await checkout.checkout_hold(pg_ctx, stage.kiosk, hold.id, idempotency_key="r", payment=pay)
    with trips.counting():
        again = await checkout.checkout_hold(pg_ctx, stage.kiosk, hold.id, idempotency_key="r", payment=pay)
    assert again == first
    assert trips.count > 2
