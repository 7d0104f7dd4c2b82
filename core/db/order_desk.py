"""Reads for the Orders screen: a paged search over orders, and what an order's details show beside its tickets
(the concert, who sold it, check-ins, refunds, its mails)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import checkins, concerts, devices, mail_outbox, orders, refunds, tickets, venues
from core.domain.ids import OrderId
from core.domain.money import Money
from core.domain.order_desk import CheckInLine, MailLine, OrderLine
from core.domain.orders import OrderStatus


@dataclass(frozen=True, slots=True)
class SearchFilter:
    """Validated criteria (core.services.order_desk cleans what a person typed)."""

    code: str = ""
    code_is_whole: bool = False
    email_prefix: str = ""
    """Lower case."""
    created_from: datetime | None = None
    created_before: datetime | None = None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _where(wanted: SearchFilter) -> ColumnElement[bool]:
    """Each criterion as the indexes of migration 0017 serve it: a whole code by the unique index, a code's or
    an address's start as a LIKE prefix (pattern-ops indexes on PostgreSQL), the day range on created_at."""
    terms: list[ColumnElement[bool]] = []
    if wanted.code:
        if wanted.code_is_whole:
            terms.append(orders.c.code == wanted.code)
        else:
            terms.append(orders.c.code.like(_escape_like(wanted.code) + "%", escape="\\"))
    if wanted.email_prefix:
        pattern = _escape_like(wanted.email_prefix) + "%"
        terms.append(func.lower(orders.c.buyer_email).like(pattern, escape="\\"))
    if wanted.created_from is not None:
        terms.append(orders.c.created_at >= wanted.created_from)
    if wanted.created_before is not None:
        terms.append(orders.c.created_at < wanted.created_before)
    return and_(true(), *terms)


async def search(
    conn: AsyncConnection, wanted: SearchFilter, *, offset: int, limit: int
) -> tuple[list[OrderLine], int]:
    """One page of matching orders, the latest first, and how many match in all."""
    where = _where(wanted)
    total = int((await conn.execute(select(func.count()).select_from(orders).where(where))).scalar_one())
    page = (
        select(orders.c.id)
        .where(where)
        .order_by(orders.c.created_at.desc(), orders.c.id.desc())
        .offset(offset)
        .limit(limit)
        .subquery()
    )
    valid = func.sum(case((tickets.c.state == "valid", 1), else_=0))
    stmt = (
        select(
            orders.c.code,
            orders.c.created_at,
            orders.c.buyer_email,
            orders.c.status,
            orders.c.total_minor,
            orders.c.currency,
            concerts.c.title,
            concerts.c.starts_at,
            venues.c.timezone,
            func.count(tickets.c.id).label("ticket_count"),
            valid.label("valid_count"),
        )
        .join(page, page.c.id == orders.c.id)
        .join(concerts, concerts.c.id == orders.c.concert_id)
        .join(venues, venues.c.id == concerts.c.venue_id)
        .outerjoin(tickets, tickets.c.order_id == orders.c.id)
        .group_by(orders.c.id, concerts.c.id, venues.c.id)
        .order_by(orders.c.created_at.desc(), orders.c.id.desc())
    )
    lines = [
        OrderLine(
            code=r.code,
            concert_title=r.title,
            starts_at=r.starts_at,
            created_at=r.created_at,
            buyer_email=r.buyer_email,
            status=OrderStatus(r.status),
            tickets=int(r.ticket_count),
            valid_tickets=int(r.valid_count or 0),
            total=Money(r.total_minor, r.currency),
            timezone=r.timezone,
        )
        for r in (await conn.execute(stmt)).all()
    ]
    return lines, total


@dataclass(frozen=True, slots=True)
class OrderHead:
    """The order's concert and who sold it, beside what orders.load gives."""

    concert_title: str
    artist: str
    venue_name: str
    timezone: str
    starts_at: datetime
    device_name: str | None
    actor: str


async def head(conn: AsyncConnection, order_id: OrderId) -> OrderHead:
    stmt = (
        select(
            concerts.c.title,
            concerts.c.artist,
            concerts.c.starts_at,
            venues.c.name.label("venue"),
            venues.c.timezone,
            devices.c.name.label("device"),
            orders.c.actor,
        )
        .join(concerts, concerts.c.id == orders.c.concert_id)
        .join(venues, venues.c.id == concerts.c.venue_id)
        .outerjoin(devices, devices.c.id == orders.c.device_id)
        .where(orders.c.id == order_id)
    )
    r = (await conn.execute(stmt)).one()
    return OrderHead(r.title, r.artist, r.venue, r.timezone, r.starts_at, r.device, r.actor)


async def check_ins(conn: AsyncConnection, ticket_ids: Sequence[int]) -> dict[int, list[CheckInLine]]:
    stmt = (
        select(checkins)
        .where(checkins.c.ticket_id.in_(list(ticket_ids)))
        .order_by(checkins.c.scanned_at, checkins.c.id)
    )
    found: dict[int, list[CheckInLine]] = defaultdict(list)
    for r in (await conn.execute(stmt)).all():
        found[int(r.ticket_id)].append(
            CheckInLine(r.scanned_at, r.gate, r.direction, bool(r.offline), r.undone_at is not None)
        )
    return found


@dataclass(frozen=True, slots=True)
class RefundRow:
    at: datetime
    reason: str
    actor: str


async def refunds_of(conn: AsyncConnection, order_id: OrderId) -> dict[int, RefundRow]:
    stmt = select(refunds).where(refunds.c.order_id == order_id)
    return {
        int(r.ticket_id): RefundRow(r.created_at, r.reason, r.actor) for r in (await conn.execute(stmt)).all()
    }


async def mails_of(conn: AsyncConnection, order_id: OrderId) -> list[MailLine]:
    stmt = (
        select(mail_outbox)
        .where(mail_outbox.c.order_id == order_id, mail_outbox.c.kind == "tickets")
        .order_by(mail_outbox.c.created_at, mail_outbox.c.id)
    )
    return [
        MailLine(r.to_address, r.status, r.created_at, r.sent_at, int(r.attempts), r.last_error or "")
        for r in (await conn.execute(stmt)).all()
    ]
