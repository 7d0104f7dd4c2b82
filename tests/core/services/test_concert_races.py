"""Races between a manager's concert changes and what else runs at that moment (PostgreSQL).

A checkout already under way when a manager cancels the concert sells nothing.

The checkout statement reads the concert's status from its snapshot, taken before the cancellation commits;
what stops it is that cancelling frees the held places, which the checkout locks and re-reads. The control
runs the same interleaving without that step and shows the race: tickets sold for a cancelled concert.
The interleaving is forced, not hoped for: a second connection holds the hold's row lock, so the checkout's
statement starts (and takes its snapshot) and then waits until the cancellation has committed.

An edit of a draft racing its putting on sale never reprices the concert once on sale: the edit locks the
concert's row and reads the status after the other transaction; the control reads without the lock.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from core.db import catalog as catalog_db
from core.db import concert_admin as admin_db
from core.db.rows import load_concert
from core.db.tables import tickets
from core.domain.concert_bodies import ConcertDetails
from core.domain.concert_spec import NewCategory
from core.domain.concerts import Concert, ConcertStatus
from core.domain.errors import Conflict, EncoreError
from core.domain.money import Money
from core.domain.orders import Payment
from core.services import checkout, concert_admin, concerts, sales
from tests.builders import ROOT, build_stage

pytestmark = pytest.mark.postgres


async def _valid_tickets(ctx, concert_id) -> int:  # type: ignore[no-untyped-def]
    async def work(conn):  # type: ignore[no-untyped-def]
        query = select(func.count()).where(tickets.c.concert_id == concert_id, tickets.c.state == "valid")
        return (await conn.execute(query)).scalar_one()

    return await ctx.db.read(work)


async def _draft_of(ctx, stage) -> Concert:  # type: ignore[no-untyped-def]
    c = stage.concert
    return await concerts.create_concert(
        ctx,
        ROOT,
        venue_id=c.venue_id,
        plan_id=c.plan_id,
        title="Spring Gala",
        artist="The Quartet",
        doors_at=c.doors_at,
        starts_at=c.starts_at,
        sales_open_at=c.sales_open_at,
        sales_close_at=c.sales_close_at,
        currency="EUR",
        categories=[
            NewCategory("Stalls", 4500, "#3366cc", sections=("Stalls",)),
            NewCategory("Floor", 3000, "#cc6633", sections=("Floor",)),
        ],
    )


async def catalog_categories(ctx, concert_id):  # type: ignore[no-untyped-def]
    async def work(conn):  # type: ignore[no-untyped-def]
        return await catalog_db.categories(conn, [concert_id])

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


@pytest.mark.parametrize("protected", [True, False], ids=["locked", "control-without"])
async def test_an_edit_racing_put_on_sale_never_reprices_a_concert_on_sale(
    pg_ctx, pg_database_url: str, monkeypatch: pytest.MonkeyPatch, protected: bool
) -> None:
    """The other connection plays put_on_sale: it has moved the draft on sale and not committed yet."""
    ctx = pg_ctx
    stage = await build_stage(ctx)
    draft = await _draft_of(ctx, stage)
    if not protected:

        async def plain_read(conn, concert_id):  # type: ignore[no-untyped-def]
            return await load_concert(conn, concert_id)

        monkeypatch.setattr(admin_db, "lock_concert", plain_read)
    details = ConcertDetails(
        title="Spring Gala",
        artist="The Quartet",
        doors_at=draft.doors_at,
        starts_at=draft.starts_at,
        sales_open_at=draft.sales_open_at,
        sales_close_at=draft.sales_close_at,
        categories=[NewCategory("All", 1000, "#000000", sections=("Stalls", "Floor"))],
    )
    engine = create_async_engine(pg_database_url)
    try:
        async with engine.connect() as blocker:
            await blocker.begin()
            await blocker.execute(
                text("UPDATE concerts SET status = 'on_sale' WHERE id = :c"), {"c": draft.id}
            )
            edit = asyncio.create_task(concert_admin.update_concert(ctx, stage.manager, draft.id, details))
            waiting = text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            for _ in range(500):
                if (await blocker.execute(waiting)).scalar_one():
                    break
                await asyncio.sleep(0.01)
            else:
                pytest.fail("the edit never waited on the concert's row")
            await blocker.commit()
        outcome = (await asyncio.gather(edit, return_exceptions=True))[0]
    finally:
        await engine.dispose()

    prices = {c.name for c in await catalog_categories(ctx, draft.id)}
    if protected:
        assert isinstance(outcome, Conflict), outcome
        assert outcome.code == "prices_locked"
        assert prices == {"Stalls", "Floor"}
    else:
        assert not isinstance(outcome, BaseException), "the control should reprice: the race it shows is gone"
        assert prices == {"All"}, "a concert on sale repriced"
