"""The server side of a door station: the offline snapshot it downloads, the replay of its offline admits, and
the conflicts that replay finds (for managers).

The door itself (online with a timeout, offline by signature, its journal) is core.client.door_station: it runs
on the door device and reaches these functions through its client, in this process or over HTTPS.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import checkin_sync
from core.db import device_keys as keys_db
from core.db import site as site_db
from core.db.actors import ensure_active
from core.domain.door import (
    CheckinConflict,
    DoorSnapshot,
    OfflineAdmit,
    Replay,
    SnapshotHeader,
    SnapshotKey,
    SnapshotTicket,
)
from core.domain.errors import ErrorCode, InputError
from core.domain.ids import ConcertId, TicketId
from core.domain.staff import Actor, Permission
from core.domain.validation import check_id
from core.security.permissions import require
from core.services.checkin import check_gate
from core.services.common import concert_not_found, origin_of
from core.services.context import ServiceContext

__all__ = ["MAX_REPLAY", "download_snapshot", "list_conflicts", "replay_offline_admits"]

log = logging.getLogger(__name__)

MAX_REPLAY = 200
"""Offline admits one replay call may carry: a door sends its journal in batches of this size or fewer."""
_JOURNAL_ID = re.compile(r"[0-9A-Za-z-]{8,64}")


async def download_snapshot(ctx: ServiceContext, actor: Actor, concert_id: ConcertId) -> DoorSnapshot:
    """What a door copies to check this concert's tickets offline: the trusted public keys, the void list and
    the valid tickets (with who is inside already). Public keys only: nothing in it can make a ticket."""
    require(actor, Permission.CHECK_IN)
    concert_id = ConcertId(check_id("concert", concert_id))

    async def read(conn: AsyncConnection) -> DoorSnapshot:
        await ensure_active(conn, actor)
        doors = await checkin_sync.concert_doors(conn, concert_id)
        if doors is None:
            raise concert_not_found(concert_id)
        keys = tuple(SnapshotKey(k.key_id, k.public_key) for k in await keys_db.trusted_keys(conn))
        found = await checkin_sync.snapshot_tickets(conn, concert_id)
        demo = await site_db.get(conn, site_db.DEMO) == "true"
        header = SnapshotHeader(concert_id, doors[0], doors[1], ctx.clock.now(), demo_database=demo)
        return DoorSnapshot(
            header,
            keys,
            void=tuple(t.id for t in found if t.void),
            tickets=tuple(
                SnapshotTicket(
                    t.id,
                    t.serial,
                    t.place,
                    t.last_scan_at if t.inside else None,
                    t.last_gate,
                    t.key_id,
                    t.demo,
                    t.place_name,
                )
                for t in found
                if not t.void
            ),
        )

    return await ctx.db.read(read)


def _check_admits(admits: Sequence[OfflineAdmit]) -> list[OfflineAdmit]:
    if not isinstance(admits, Sequence) or len(admits) > MAX_REPLAY:
        raise InputError(
            "admits",
            f"send 0 to {MAX_REPLAY} offline admits at a time.",
            code=ErrorCode.OFFLINE_ADMITS_INVALID,
        )
    checked = []
    for admit in admits:
        if not isinstance(admit, OfflineAdmit) or not isinstance(admit.journal_id, str):
            raise InputError(
                "admits", "each entry must be an offline admit.", code=ErrorCode.OFFLINE_ADMITS_INVALID
            )
        if not _JOURNAL_ID.fullmatch(admit.journal_id):
            raise InputError(
                "journal_id", "must be 8 to 64 letters, digits or '-'.", code=ErrorCode.OFFLINE_ADMITS_INVALID
            )
        if not isinstance(admit.scanned_at, datetime) or admit.scanned_at.tzinfo is None:
            raise InputError(
                "scanned_at",
                "must be a date and time with its time zone.",
                code=ErrorCode.OFFLINE_ADMITS_INVALID,
            )
        ticket_id = TicketId(check_id("ticket", admit.ticket_id))
        checked.append(OfflineAdmit(admit.journal_id, ticket_id, check_gate(admit.gate), admit.scanned_at))
    return checked


async def replay_offline_admits(
    ctx: ServiceContext, actor: Actor, admits: Sequence[OfflineAdmit]
) -> list[Replay]:
    """Record a door's offline admits, in the order given (the door sends them in scan-time order), in one
    transaction: each at most once per journal id, a second admit of a ticket reported as a conflict. The
    answer has one Replay per admit. Safe to send again after a lost reply."""
    require(actor, Permission.CHECK_IN)
    checked = _check_admits(admits)
    device_id = origin_of(actor)

    async def work(conn: AsyncConnection) -> list[Replay]:
        await ensure_active(conn, actor)
        now = ctx.clock.now()
        return [await checkin_sync.replay_admit(conn, admit, device_id, now) for admit in checked]

    if not checked:
        return []
    replayed = await ctx.db.write(work)
    if Replay.UNKNOWN_TICKET in replayed:
        log.warning(
            "%d offline admits name tickets the server does not know", replayed.count(Replay.UNKNOWN_TICKET)
        )
    return replayed


async def list_conflicts(
    ctx: ServiceContext, actor: Actor, concert_id: ConcertId | None = None
) -> list[CheckinConflict]:
    """Tickets admitted twice while doors were offline (or admitted offline while void), for managers."""
    require(actor, Permission.VIEW_REPORTS)
    if concert_id is not None:
        check_id("concert", concert_id)

    async def work(conn: AsyncConnection) -> list[CheckinConflict]:
        await ensure_active(conn, actor)
        return await checkin_sync.open_conflicts(conn, concert_id)

    return await ctx.db.read(work)
