"""The admin app's dashboard and door monitor: today's and upcoming concerts, their places, sales over time,
check-ins by gate and minute, device health, and settling offline door conflicts (audited)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit, checkin_sync
from core.db import catalog as catalog_db
from core.db import dashboard as db
from core.db import devices as devices_db
from core.db.actors import ensure_active
from core.domain.catalog import ConcertSummary, SeatMap
from core.domain.dashboard import (
    RATE_WINDOW,
    CheckinActivity,
    ConflictResolution,
    DeviceStatusRow,
    GateTotal,
    SalesSeries,
    cumulative_sales,
    minute_of,
    per_minute,
)
from core.domain.errors import Conflict, ErrorCode, InputError, NotFound
from core.domain.ids import ConcertId
from core.domain.staff import Actor, Permission
from core.domain.validation import check_id, clean_text
from core.security.permissions import require
from core.services import catalog
from core.services.common import concert_not_found
from core.services.context import ServiceContext

__all__ = [
    "CURRENT_LIMIT",
    "MONITOR_MINUTES",
    "checkin_activity",
    "device_health",
    "get_places",
    "list_current_concerts",
    "resolve_conflict",
    "sales_over_time",
]

CURRENT_LIMIT = 8
"""Today's and the next concerts the dashboard follows live (each is one live subscription)."""
MONITOR_MINUTES = 30
"""The per-minute check-in chart covers the last half hour."""
NOTE_LIMIT = 500


async def list_current_concerts(ctx: ServiceContext, actor: Actor) -> list[ConcertSummary]:
    """Concerts whose doors opened up to 12 hours ago or open later, soonest first, at most CURRENT_LIMIT:
    the dashboard's and the door monitor's choice (door staff too: they see the monitor)."""
    require(actor, Permission.CHECK_IN)
    now = ctx.clock.now()

    async def work(conn: AsyncConnection) -> list[ConcertSummary]:
        await ensure_active(conn, actor)
        found = await catalog_db.concerts_with_doors_from(conn, now - catalog.DOORS_STILL_OPEN, CURRENT_LIMIT)
        return await catalog.summaries(conn, found, now)

    return await ctx.db.read(work)


async def get_places(ctx: ServiceContext, actor: Actor, concert_id: ConcertId) -> SeatMap:
    """Every place of a concert with its state now: what the dashboard's live counts are made of."""
    require(actor, Permission.VIEW_REPORTS)
    concert_id = ConcertId(check_id("concert", concert_id))

    async def work(conn: AsyncConnection) -> None:
        await ensure_active(conn, actor)

    await ctx.db.read(work)
    return await catalog.get_seat_map(ctx, concert_id)


async def sales_over_time(ctx: ServiceContext, actor: Actor, concert_id: ConcertId) -> SalesSeries:
    """Valid tickets sold up to each hour (or day, for a long sale), cumulative."""
    require(actor, Permission.VIEW_REPORTS)
    concert_id = ConcertId(check_id("concert", concert_id))

    async def work(conn: AsyncConnection) -> SalesSeries:
        await ensure_active(conn, actor)
        if await checkin_sync.concert_doors(conn, concert_id) is None:
            raise concert_not_found(concert_id)
        return cumulative_sales(concert_id, await db.sales_by_order(conn, concert_id), now=ctx.clock.now())

    return await ctx.db.read(work)


async def checkin_activity(
    ctx: ServiceContext, actor: Actor, concert_id: ConcertId, *, minutes: int = MONITOR_MINUTES
) -> CheckinActivity:
    """Who is in and how fast they come: admitted and inside, entries per gate, per minute and gate over the
    last ``minutes`` (1 to 240), and the rate over the last five minutes."""
    require(actor, Permission.CHECK_IN)
    concert_id = ConcertId(check_id("concert", concert_id))
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 240:
        raise InputError(
            "minutes", "must be a whole number of minutes from 1 to 240.", code=ErrorCode.VALUE_INVALID
        )
    now = ctx.clock.now()
    since = minute_of(now) - timedelta(minutes=minutes - 1)

    async def work(conn: AsyncConnection) -> CheckinActivity:
        await ensure_active(conn, actor)
        if await checkin_sync.concert_doors(conn, concert_id) is None:
            raise concert_not_found(concert_id)
        valid, admitted, inside = await db.checkin_counts(conn, concert_id)
        gates = tuple(GateTotal(g, n, last) for g, n, last in await db.gate_totals(conn, concert_id))
        entries = await db.entries_since(conn, concert_id, min(since, now - RATE_WINDOW))
        recent = sum(1 for _, at in entries if at > now - RATE_WINDOW)
        return CheckinActivity(
            concert_id=concert_id,
            as_of=now,
            tickets=valid,
            admitted=admitted,
            inside=inside,
            rate_per_minute=recent / (RATE_WINDOW.total_seconds() / 60),
            gates=gates,
            minutes=per_minute([(g, at) for g, at in entries if at >= since]),
            window_minutes=minutes,
        )

    return await ctx.db.read(work)


async def device_health(ctx: ServiceContext, actor: Actor) -> list[DeviceStatusRow]:
    """Every device that is not revoked, with when it last signed in and its latest health report (from MQTT,
    as this server heard it; None when it has not reported)."""
    require(actor, Permission.VIEW_REPORTS)

    async def work(conn: AsyncConnection) -> list[DeviceStatusRow]:
        await ensure_active(conn, actor)
        found = await devices_db.list_devices(conn)
        heard = ctx.health.latest()
        rows = []
        for device in found:
            if device.status.value == "revoked":
                continue
            report = heard.get(device.id)
            rows.append(
                DeviceStatusRow(
                    device,
                    None if report is None else report.health,
                    None if report is None else report.received_at,
                )
            )
        return rows

    return await ctx.db.read(work)


async def resolve_conflict(
    ctx: ServiceContext, actor: Actor, conflict_id: int, resolution: ConflictResolution, note: str = ""
) -> None:
    """Settle an offline door conflict: it leaves the open list and the audit log says who found what."""
    require(actor, Permission.RESOLVE_CONFLICTS)
    conflict_id = check_id("conflict", conflict_id)
    try:
        resolution = ConflictResolution(resolution)
    except ValueError:
        choices = ", ".join(r.value for r in ConflictResolution)
        raise InputError("resolution", f"must be one of {choices}.", code=ErrorCode.VALUE_INVALID) from None
    note = clean_text("note", note, limit=NOTE_LIMIT, code=ErrorCode.REASON_INVALID, required=False)

    async def work(conn: AsyncConnection) -> None:
        await ensure_active(conn, actor)
        now = ctx.clock.now()
        ticket_id = await db.resolve_conflict(conn, conflict_id, now)
        if ticket_id is None:
            if await db.conflict_exists(conn, conflict_id):
                raise Conflict(
                    f"Door conflict {conflict_id} was resolved already (by someone else a moment ago?). "
                    "The list is read again.",
                    code=ErrorCode.CHECKIN_CONFLICT_RESOLVED,
                )
            raise NotFound(
                f"There is no door conflict number {conflict_id}. Reload the list and choose again.",
                code=ErrorCode.CHECKIN_CONFLICT_NOT_FOUND,
            )
        await audit.record(
            conn,
            at=now,
            actor=actor,
            action="checkin_conflict.resolve",
            subject=f"checkin_conflict:{conflict_id}",
            ticket_id=int(ticket_id),
            resolution=resolution.value,
            note=note,
        )

    await ctx.db.write(work)
