"""A checkout already under way when a manager cancels the concert sells nothing (PostgreSQL).

The checkout statement reads the concert's status from its snapshot, taken before the cancellation commits;
what stops it is that cancelling frees the held places, which the checkout locks and re-reads. The control
runs the same interleaving without that step and shows the race: tickets sold for a cancelled concert.
The interleaving is forced, not hoped for: a second connection holds the hold's row lock, so the checkout's
statement starts (and takes its snapshot) and then waits until the cancellation has committed.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from core.db import concert_admin as admin_db
from core.db.tables import tickets
from core.domain.concerts import ConcertStatus
from core.domain.errors import EncoreError
from core.domain.money import Money
from core.domain.orders import Payment
from core.services import checkout, concert_admin, sales
from tests.builders import build_stage

pytestmark = pytest.mark.postgres


async def _valid_tickets(ctx, concert_id) -> int:  # type: ignore[no-untyped-def]
    async def work(conn):  # type: ignore[no-untyped-def]
        query = select(func.count()).where(tickets.c.concert_id == concert_id, tickets.c.state == "valid")
        return (await conn.execute(query)).scalar_one()

    return await ctx.db.read(work)


@pytest.mark.parametrize("protected", [True, False], ids=["freeing-holds", "control-without"])
async def test_a_checkout_under_way_sells_nothing_once_the_concert_is_cancelled(
    pg_ctx, pg_database_url: str, monkeypatch: pytest.MonkeyPatch, protected: bool
) -> None:
    ctx = pg_ctx
    stage = await build_stage(ctx)
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2])
    if not protected:

        async def nothing_released(conn, concert_id):  # type: ignore[no-untyped-def]
            return []

        monkeypatch.setattr(admin_db, "release_held", nothing_released)
    engine = create_async_engine(pg_database_url)
    try:
        async with engine.connect() as blocker:
            await blocker.begin()
            await blocker.execute(text("SELECT 1 FROM holds WHERE id = :h FOR UPDATE"), {"h": hold.id})
            payment = Payment("card", "race", Money(hold.total.minor, "EUR"))
            sale = asyncio.create_task(
                checkout.checkout_hold(ctx, stage.kiosk, hold.id, idempotency_key="race", payment=payment)
            )
            waiting = text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            for _ in range(500):
                if (await blocker.execute(waiting)).scalar_one():
                    break
                await asyncio.sleep(0.01)
            else:
                pytest.fail("the checkout never waited on the hold's lock")
            cancelled = await concert_admin.cancel_concert_refunding(
                ctx, stage.manager, stage.id, reason="Band ill", expect_orders=0, expect_tickets=0
            )
            assert cancelled.status is ConcertStatus.CANCELLED
            await blocker.rollback()
        outcome = (await asyncio.gather(sale, return_exceptions=True))[0]
    finally:
        await engine.dispose()

    if protected:
        assert isinstance(outcome, EncoreError), outcome
        assert (outcome.code, outcome.message) == (
            "sales_closed",
            "Night Music has been cancelled; nothing was sold.",
        )
        assert await _valid_tickets(ctx, stage.id) == 0
    else:
        assert not isinstance(outcome, BaseException), "the control should sell: the race it shows is gone"
        assert await _valid_tickets(ctx, stage.id) == 2, "tickets sold for a cancelled concert"
