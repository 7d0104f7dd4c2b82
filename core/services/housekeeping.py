"""The scheduler's work on the sales: free the places of lapsed holds (and tell the seat maps), close sales at
each concert's sales end, queue the reminder mails the day before a concert. Each is safe to run again: a run
after a crash or on another replica finds only what is still to do."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit
from core.db import housekeeping as db
from core.domain.concerts import ConcertStatus
from core.domain.events import PlaceChange, PlacesChanged
from core.domain.ids import ConcertId
from core.domain.places import PlaceState
from core.domain.staff import SystemActor
from core.services.context import ServiceContext

__all__ = ["REMINDER_AHEAD", "TIDY_GRACE", "close_due_sales", "queue_reminders", "tidy_lapsed_holds"]

log = logging.getLogger(__name__)

_SCHEDULER = SystemActor("scheduler")
REMINDER_AHEAD = timedelta(hours=24)
"""A concert starting within this time gets its reminders."""
_TIDY_BATCH = 500
TIDY_GRACE = timedelta(seconds=60)
"""How long a lapsed hold's places stay as they are before the tidy frees them: checkout still sells a lapsed
hold whose places nobody took, so a card payment that was running as the hold ran out still gets its seats."""


async def tidy_lapsed_holds(ctx: ServiceContext, *, batch: int = _TIDY_BATCH) -> int:
    """Free the places of holds lapsed for longer than TIDY_GRACE and publish them as free, so live seat maps
    show them free without waiting for the next buyer to take them over. The count of takeable places does
    not move (a lapsed place is takeable already). Returns how many places were freed."""
    freed_total = 0
    while True:
        freed = await ctx.db.write(lambda conn: db.free_lapsed(conn, ctx.clock.now() - TIDY_GRACE, batch))
        by_concert: dict[ConcertId, list[PlaceChange]] = defaultdict(list)
        for place in freed:
            by_concert[place.concert_id].append(PlaceChange(place.id, PlaceState.FREE, None))
        for concert_id, changes in sorted(by_concert.items()):
            await ctx.publish(PlacesChanged(concert_id, tuple(changes)))
        freed_total += len(freed)
        if len(freed) < batch:
            return freed_total


async def close_due_sales(ctx: ServiceContext) -> list[ConcertId]:
    """Close the sales of each concert whose sales end has come (at most once: only one on sale closes)."""

    async def work(conn: AsyncConnection) -> list[ConcertId]:
        now = ctx.clock.now()
        closed = await db.close_due_sales(conn, now)
        for concert_id, _title in closed:
            await audit.record(
                conn,
                at=now,
                actor=_SCHEDULER,
                action="sales_closed",
                subject=f"concert:{concert_id}",
                reason="sales end",
                status=ConcertStatus.SALES_CLOSED.value,
            )
        return [c for c, _ in closed]

    closed = await ctx.db.write(work)
    for concert_id in closed:
        log.info("closed the sales of concert %s at its sales end", concert_id)
    return closed


async def queue_reminders(ctx: ServiceContext) -> int:
    """Queue one reminder mail per order with an address, for concerts starting within REMINDER_AHEAD; the
    mail job sends them. Runs under the scheduler's single-runner lock; the look and the queueing are two
    statements, so two runners at once would both queue but for the database's one-reminder-per-order index
    (the lock test's control drops it to show the race). Returns how many were queued."""

    async def work(conn: AsyncConnection) -> int:
        now = ctx.clock.now()
        due = await db.reminders_due(conn, now, now + REMINDER_AHEAD)
        return await db.queue_reminders(conn, due, now)

    return await ctx.db.write(work)
