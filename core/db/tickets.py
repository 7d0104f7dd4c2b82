"""What is printed on an order's tickets, and the print count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.signing_keys import signed_by
from core.db.tables import concerts, orders, places, price_categories, seats, sections, tickets, venues
from core.domain.ids import ConcertId, DeviceId, TicketId
from core.domain.money import Money
from core.domain.names import Translations, translations_from
from core.domain.orders import TicketState


@dataclass(frozen=True, slots=True)
class PrintRow:
    ticket_id: TicketId
    concert_id: ConcertId
    serial: str
    state: TicketState
    issued_at: datetime
    key_id: int | None
    signature: bytes | None
    order_code: str
    order_device_id: DeviceId | None
    sold_at: datetime
    demo: bool
    concert_title: str
    artist: str
    venue_name: str
    timezone: str
    doors_at: datetime
    starts_at: datetime
    section: str
    row: str | None
    seat: int | None
    category: str
    price: Money
    language: str = "en"
    """The sale's language: the tickets print in it."""
    section_names: Translations = ()
    category_names: Translations = ()


async def print_rows(conn: AsyncConnection, order_code: str) -> list[PrintRow]:
    stmt = (
        select(
            tickets.c.id,
            tickets.c.concert_id,
            tickets.c.serial,
            tickets.c.state,
            tickets.c.issued_at,
            signed_by(),
            tickets.c.signature,
            tickets.c.price_minor,
            tickets.c.currency,
            orders.c.code,
            orders.c.device_id,
            orders.c.created_at.label("sold_at"),
            orders.c.demo,
            orders.c.language,
            concerts.c.title,
            concerts.c.artist,
            concerts.c.doors_at,
            concerts.c.starts_at,
            venues.c.name.label("venue"),
            venues.c.timezone,
            sections.c.name.label("section"),
            sections.c.translations.label("section_names"),
            seats.c.row_label,
            seats.c.number,
            price_categories.c.name.label("category"),
            price_categories.c.translations.label("category_names"),
        )
        .join(orders, orders.c.id == tickets.c.order_id)
        .join(concerts, concerts.c.id == tickets.c.concert_id)
        .join(venues, venues.c.id == concerts.c.venue_id)
        .join(places, places.c.id == tickets.c.place_id)
        .join(sections, sections.c.id == places.c.section_id)
        .outerjoin(seats, seats.c.id == places.c.seat_id)
        .join(price_categories, price_categories.c.id == tickets.c.category_id)
        .where(orders.c.code == order_code)
        .order_by(tickets.c.id)
    )
    return [
        PrintRow(
            ticket_id=TicketId(r.id),
            concert_id=ConcertId(r.concert_id),
            serial=r.serial,
            state=TicketState(r.state),
            issued_at=r.issued_at,
            key_id=r.key_id,
            signature=None if r.signature is None else bytes(r.signature),
            order_code=r.code,
            order_device_id=None if r.device_id is None else DeviceId(r.device_id),
            sold_at=r.sold_at,
            demo=bool(r.demo),
            concert_title=r.title,
            artist=r.artist,
            venue_name=r.venue,
            timezone=r.timezone,
            doors_at=r.doors_at,
            starts_at=r.starts_at,
            section=r.section,
            row=r.row_label,
            seat=r.number,
            category=r.category,
            price=Money(r.price_minor, r.currency),
            language=r.language,
            section_names=translations_from(r.section_names),
            category_names=translations_from(r.category_names),
        )
        for r in (await conn.execute(stmt)).all()
    ]


async def count_print(conn: AsyncConnection, ticket_ids: list[TicketId]) -> None:
    await conn.execute(
        update(tickets).where(tickets.c.id.in_(ticket_ids)).values(print_count=tickets.c.print_count + 1)
    )


async def selling_devices(conn: AsyncConnection, ticket_ids: list[TicketId]) -> set[DeviceId | None]:
    """The devices that sold these tickets (None: sold by staff)."""
    rows = await conn.execute(
        select(orders.c.device_id)
        .join(tickets, tickets.c.order_id == orders.c.id)
        .where(tickets.c.id.in_(ticket_ids))
    )
    return {None if r.device_id is None else DeviceId(r.device_id) for r in rows}
