"""Round trips of a checkout on PostgreSQL, counted on the socket: a regression in the hot path shows here."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import event

from core.db import site as site_db
from core.domain.payments import SimulatedCard, StaffPin
from core.domain.staff import Role
from core.services import purchase, sales, staff
from core.services.context import ServiceContext
from tests.builders import ROOT, build_stage
from tests.support.round_trips import RoundTrips

PIN = "331759"
BO = 51


async def test_measure(pg_ctx: ServiceContext) -> None:
    ctx = pg_ctx
    stage = await build_stage(ctx)
    await staff.create_staff(
        ctx, ROOT, email="bo@venue.test", display_name="Bo", role=Role.BOX_OFFICE, pin=PIN, staff_number=BO
    )
    await ctx.db.write(lambda conn: site_db.put(conn, site_db.DEMO, "true"))
    trips = RoundTrips()
    trips.attach(ctx.db.engine)
    log: list[str] = []

    @event.listens_for(ctx.db.engine.sync_engine, "before_cursor_execute")
    def _sql(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
        if trips.enabled:
            log.append(f"[{trips.count}] {statement[:100]}")

    for kind, given, settings in (
        ("attended", StaffPin(BO, PIN), replace(ctx.settings, payment_terminal="attended")),
        ("demo", SimulatedCard(True), replace(ctx.settings, payment_terminal="demo", demo_mode=True)),
    ):
        c = replace(ctx, settings=settings)
        for i in range(3):
            hold = await sales.hold_standing(c, stage.kiosk, stage.id, stage.standing, 2)
            log.clear()
            with trips.counting():
                await purchase.pay_and_checkout(c, stage.kiosk, hold.id, given, idempotency_key=f"{kind}-{i}")
            print(kind, i, trips.count)
        print("\n".join(log))
    assert False
