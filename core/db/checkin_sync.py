"""Server side of offline doors: what a door copies for offline checks, the replay of its admits, the conflicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import checkin as checkin_db
from core.db.signing_keys import signed_by
from core.db.tables import (
    checkin_conflicts,
    checkins,
    concerts,
    orders,
    places,
    seats,
    sections,
    tickets,
    venues,
)
from core.domain.door import CheckinConflict, OfflineAdmit, Replay
from core.domain.ids import ConcertId, DeviceId, TicketId
from core.domain.names import translations_from
from core.domain.orders import TicketState
from core.domain.places import PlaceName, place_label


@dataclass(frozen=True, slots=True)
class SnapshotRow:
    id: TicketId
    serial: str
    place_name: PlaceName
    void: bool
    last_scan_at: datetime | None
    last_gate: str | None
    inside: bool
    key_id: int | None = None
    """The key that signed it at checkout: offline, only that key vouches for this ticket."""
    demo: bool = False
    """Sold as a DEMO ticket: offline too, valid only while the database is a demo."""

    @property
    def place(self) -> str:
        return self.place_name.label


async def concert_doors(conn: AsyncConnection, concert_id: ConcertId) -> tuple[datetime, str] | None:
    """(when check-in opens, the venue's timezone) of a concert, or None if there is no such concert."""
    row = (
        await conn.execute(
            select(concerts.c.doors_at, concerts.c.checkin_opens_at, venues.c.timezone)
            .join(venues, venues.c.id == concerts.c.venue_id)
            .where(concerts.c.id == concert_id)
        )
    ).first()
    return None if row is None else (row.checkin_opens_at or row.doors_at, row.timezone)


async def snapshot_tickets(conn: AsyncConnection, concert_id: ConcertId) -> list[SnapshotRow]:
    rows = await conn.execute(
        select(
            tickets.c.id,
            tickets.c.serial,
            tickets.c.state,
            tickets.c.inside,
            tickets.c.last_scan_at,
            tickets.c.last_gate,
            signed_by(),
            orders.c.demo,
            sections.c.name.label("section"),
            sections.c.translations.label("section_names"),
            seats.c.row_label,
            seats.c.number,
        )
        .join(orders, orders.c.id == tickets.c.order_id)
        .join(places, places.c.id == tickets.c.place_id)
        .join(sections, sections.c.id == places.c.section_id)
        .outerjoin(seats, seats.c.id == places.c.seat_id)
        .where(tickets.c.concert_id == concert_id)
        .order_by(tickets.c.id)
    )
    return [
        SnapshotRow(
            id=TicketId(r.id),
            serial=r.serial,
            place_name=PlaceName(r.section, r.row_label, r.number, translations_from(r.section_names)),
            void=r.state == TicketState.VOID.value,
            last_scan_at=r.last_scan_at,
            last_gate=r.last_gate,
            inside=bool(r.inside),
            key_id=r.key_id,
            demo=bool(r.demo),
        )
        for r in rows
    ]


async def replay_admit(
    conn: AsyncConnection, entry: OfflineAdmit, device_id: DeviceId | None, now: datetime
) -> Replay:
    """Record one offline admit, at most once per journal id; a second admit of the ticket becomes a conflict.

    The earlier scan (by scan time) stays the admit whichever door synced first, so the outcome does not
    depend on the order in which doors come back online.
    """
    # Lock the ticket first: replays of one ticket (even of the same entry, from two syncs) then run one by one,
    # and the journal check below sees what the other committed.
    found = (
        await conn.execute(
            select(tickets.c.concert_id, tickets.c.state)
            .where(tickets.c.id == entry.ticket_id)
            .with_for_update()
        )
    ).first()
    if found is None:
        return Replay.UNKNOWN_TICKET
    known = await conn.execute(select(checkins.c.id).where(checkins.c.journal_id == entry.journal_id))
    if known.first() is not None:
        return Replay.ALREADY_KNOWN
    admitted = await checkin_db.admit(conn, entry.ticket_id, entry.gate, entry.scanned_at)
    ours = await _insert_checkin(conn, entry, device_id, ConcertId(found.concert_id))
    if admitted:
        return Replay.RECORDED
    void = found.state == TicketState.VOID.value  # refunded after the door's snapshot: still reported
    kept = None if void else await _kept_admit(conn, entry.ticket_id, ours)
    duplicate = ours
    if kept is not None and entry.scanned_at < kept.scanned_at:
        # This door scanned first: its admit is the one kept; the later one is the duplicate.
        duplicate = kept.id
        await conn.execute(
            update(tickets)
            .where(tickets.c.id == entry.ticket_id)
            .values(last_scan_at=entry.scanned_at, last_gate=entry.gate)
        )
    await conn.execute(
        checkin_conflicts.insert().values(ticket_id=entry.ticket_id, checkin_id=duplicate, detected_at=now)
    )
    return Replay.CONFLICT


async def _insert_checkin(
    conn: AsyncConnection, entry: OfflineAdmit, device_id: DeviceId | None, concert_id: ConcertId
) -> int:
    return int(
        (
            await conn.execute(
                checkins.insert()
                .values(
                    ticket_id=entry.ticket_id,
                    concert_id=concert_id,
                    direction="in",
                    gate=entry.gate,
                    device_id=device_id,
                    scanned_at=entry.scanned_at,
                    offline=True,
                    journal_id=entry.journal_id,
                )
                .returning(checkins.c.id)
            )
        ).scalar_one()
    )


@dataclass(frozen=True, slots=True)
class _Admit:
    id: int
    scanned_at: datetime


def _standing_admits(ticket_ids: Any) -> Any:
    """Admits of these tickets that count: entries, not undone, not already reported as duplicates."""
    duplicates = select(checkin_conflicts.c.checkin_id)
    return select(
        checkins.c.id, checkins.c.ticket_id, checkins.c.gate, checkins.c.scanned_at, checkins.c.offline
    ).where(
        checkins.c.ticket_id.in_(ticket_ids),
        checkins.c.direction == "in",
        checkins.c.undone_at.is_(None),
        checkins.c.id.not_in(duplicates),
    )


async def _kept_admit(conn: AsyncConnection, ticket_id: TicketId, ours: int) -> _Admit | None:
    """The admit that put the ticket inside: its latest standing entry other than ours."""
    row = (
        await conn.execute(
            _standing_admits([ticket_id])
            .where(checkins.c.id != ours)
            .order_by(checkins.c.scanned_at.desc(), checkins.c.id.desc())
            .limit(1)
        )
    ).first()
    return None if row is None else _Admit(int(row.id), row.scanned_at)


async def open_conflicts(conn: AsyncConnection, concert_id: ConcertId | None) -> list[CheckinConflict]:
    """Unresolved conflicts with the duplicate and the admit that was kept, oldest duplicate first."""
    dup = checkins.alias("dup")
    query = (
        select(
            checkin_conflicts.c.id,
            checkin_conflicts.c.detected_at,
            tickets.c.id.label("ticket_id"),
            tickets.c.concert_id,
            tickets.c.serial,
            tickets.c.state,
            sections.c.name.label("section"),
            seats.c.row_label,
            seats.c.number,
            dup.c.gate,
            dup.c.scanned_at,
            dup.c.offline,
        )
        .join(dup, dup.c.id == checkin_conflicts.c.checkin_id)
        .join(tickets, tickets.c.id == checkin_conflicts.c.ticket_id)
        .join(places, places.c.id == tickets.c.place_id)
        .join(sections, sections.c.id == places.c.section_id)
        .outerjoin(seats, seats.c.id == places.c.seat_id)
        .where(checkin_conflicts.c.resolved_at.is_(None))
        .order_by(dup.c.scanned_at, checkin_conflicts.c.id)
    )
    if concert_id is not None:
        query = query.where(tickets.c.concert_id == concert_id)
    rows = (await conn.execute(query)).all()
    if not rows:
        return []
    admits = (await conn.execute(_standing_admits({r.ticket_id for r in rows}))).all()
    result = []
    for r in rows:
        # The kept admit: the ticket's latest standing entry not after the duplicate (re-entries come later).
        earlier = [a for a in admits if a.ticket_id == r.ticket_id and a.scanned_at <= r.scanned_at]
        kept = max(earlier, key=lambda a: (a.scanned_at, a.id), default=None)
        result.append(
            CheckinConflict(
                id=int(r.id),
                ticket_id=TicketId(r.ticket_id),
                concert_id=ConcertId(r.concert_id),
                serial=r.serial,
                place=place_label(r.section, r.row_label, r.number),
                duplicate_gate=r.gate,
                duplicate_at=r.scanned_at,
                duplicate_offline=bool(r.offline),
                admitted_gate=None if kept is None else kept.gate,
                admitted_at=None if kept is None else kept.scanned_at,
                admitted_offline=None if kept is None else bool(kept.offline),
                ticket_void=r.state == TicketState.VOID.value,
                detected_at=r.detected_at,
            )
        )
    return result
