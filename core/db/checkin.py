"""Check-in storage: the atomic admit, what the door needs to explain a refusal, and the journal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

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
from core.domain.ids import ConcertId, DeviceId, TicketId
from core.domain.names import translations_from
from core.domain.orders import TicketState
from core.domain.places import PlaceName


@dataclass(frozen=True, slots=True)
class DoorTicket:
    id: TicketId
    concert_id: ConcertId
    serial: str
    state: TicketState
    inside: bool
    last_scan_at: datetime | None
    last_gate: str | None
    place_name: PlaceName
    opens_at: datetime
    reentry_allowed: bool
    timezone: str
    key_id: int | None = None
    signature: bytes | None = None
    """What was signed at checkout (by the server, or by the selling kiosk before it): a scanned ticket must carry
    exactly this."""
    demo: bool = False
    """Sold as a DEMO ticket (its order carries the demo mark): valid only while the database is a demo."""
    concert_title: str = ""
    doors_at: datetime | None = None

    @property
    def place(self) -> str:
        """Core's English label ('Stalls, row A, seat 1')."""
        return self.place_name.label


async def door_ticket(conn: AsyncConnection, ticket_id: TicketId) -> DoorTicket | None:
    row = (
        await conn.execute(
            select(
                tickets.c.id,
                tickets.c.concert_id,
                tickets.c.serial,
                tickets.c.state,
                tickets.c.inside,
                tickets.c.last_scan_at,
                tickets.c.last_gate,
                signed_by(),
                tickets.c.signature,
                sections.c.name.label("section"),
                sections.c.translations.label("section_names"),
                seats.c.row_label,
                seats.c.number,
                concerts.c.title,
                concerts.c.doors_at,
                concerts.c.checkin_opens_at,
                concerts.c.reentry_allowed,
                venues.c.timezone,
                orders.c.demo,
            )
            .join(orders, orders.c.id == tickets.c.order_id)
            .join(places, places.c.id == tickets.c.place_id)
            .join(sections, sections.c.id == places.c.section_id)
            .outerjoin(seats, seats.c.id == places.c.seat_id)
            .join(concerts, concerts.c.id == tickets.c.concert_id)
            .join(venues, venues.c.id == concerts.c.venue_id)
            .where(tickets.c.id == ticket_id)
        )
    ).first()
    if row is None:
        return None
    place = PlaceName(row.section, row.row_label, row.number, translations_from(row.section_names))
    return DoorTicket(
        id=TicketId(row.id),
        concert_id=ConcertId(row.concert_id),
        serial=row.serial,
        state=TicketState(row.state),
        inside=bool(row.inside),
        last_scan_at=row.last_scan_at,
        last_gate=row.last_gate,
        place_name=place,
        opens_at=row.checkin_opens_at or row.doors_at,
        reentry_allowed=bool(row.reentry_allowed),
        timezone=row.timezone,
        key_id=row.key_id,
        signature=None if row.signature is None else bytes(row.signature),
        demo=bool(row.demo),
        concert_title=row.title,
        doors_at=row.doors_at,
    )


async def admit(conn: AsyncConnection, ticket_id: TicketId, gate: str, now: datetime) -> bool:
    """The one conditional UPDATE that admits: of two gates scanning at the same instant, exactly one wins."""
    result = await conn.execute(
        update(tickets)
        .where(
            tickets.c.id == ticket_id, tickets.c.state == TicketState.VALID.value, tickets.c.inside.is_(False)
        )
        .values(inside=True, entries=tickets.c.entries + 1, last_scan_at=now, last_gate=gate)
    )
    return result.rowcount == 1


async def leave(conn: AsyncConnection, ticket_id: TicketId, gate: str, now: datetime) -> bool:
    result = await conn.execute(
        update(tickets)
        .where(tickets.c.id == ticket_id, tickets.c.inside.is_(True))
        .values(inside=False, last_scan_at=now, last_gate=gate)
    )
    return result.rowcount == 1


async def journal(
    conn: AsyncConnection,
    *,
    ticket_id: TicketId,
    concert_id: ConcertId,
    direction: str,
    gate: str,
    device_id: DeviceId | None,
    at: datetime,
    offline: bool = False,
) -> int:
    return int(
        (
            await conn.execute(
                checkins.insert()
                .values(
                    ticket_id=ticket_id,
                    concert_id=concert_id,
                    direction=direction,
                    gate=gate,
                    device_id=device_id,
                    scanned_at=at,
                    offline=offline,
                )
                .returning(checkins.c.id)
            )
        ).scalar_one()
    )


@dataclass(frozen=True, slots=True)
class LastAdmit:
    checkin_id: int
    ticket_id: TicketId
    scanned_at: datetime
    gate: str


async def last_admit(conn: AsyncConnection, device_id: DeviceId) -> LastAdmit | None:
    """This device's latest admit that still stands: not undone, and not a duplicate filed as a conflict."""
    row = (
        await conn.execute(
            select(checkins.c.id, checkins.c.ticket_id, checkins.c.scanned_at, checkins.c.gate)
            .where(
                checkins.c.device_id == device_id,
                checkins.c.direction == "in",
                checkins.c.undone_at.is_(None),
                checkins.c.id.not_in(select(checkin_conflicts.c.checkin_id)),
            )
            .order_by(checkins.c.scanned_at.desc(), checkins.c.id.desc())
            .limit(1)
            .with_for_update()
        )
    ).first()
    return None if row is None else LastAdmit(int(row.id), TicketId(row.ticket_id), row.scanned_at, row.gate)


async def undo_admit(conn: AsyncConnection, admit_: LastAdmit, now: datetime) -> bool:
    """Undo the journal entry; let the ticket out only if this admit is what put it inside (not a later
    re-entry or another gate's admit). True when the ticket may be scanned again."""
    await conn.execute(update(checkins).where(checkins.c.id == admit_.checkin_id).values(undone_at=now))
    result = await conn.execute(
        update(tickets)
        .where(
            tickets.c.id == admit_.ticket_id,
            tickets.c.inside.is_(True),
            tickets.c.last_scan_at == admit_.scanned_at,
            tickets.c.last_gate == admit_.gate,
        )
        .values(inside=False, entries=tickets.c.entries - 1)
    )
    return result.rowcount == 1
