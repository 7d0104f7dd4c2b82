"""The admin app's Orders screen over the API: the search, what a result row and an order's details show, and
the request bodies. Shared by the server and both staff clients, so the two sessions send and return the same
types.

Money and the staff behind a change are shown only to roles that see the takings (``sees_money``): a box-office
account finds orders and reprints them, but the server leaves prices and names out of what it sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core.domain.money import Money
from core.domain.orders import OrderStatus, TicketState
from core.domain.tickets import Layout

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@dataclass(frozen=True, slots=True)
class OrderQuery:
    """Every field that is set narrows the search; none set lists the latest orders."""

    code: str = ""
    """A whole order code, or its first 3 to 7 characters (spaces, dashes and case do not matter)."""
    email: str = ""
    """The buyer's address, or its start (3 characters or more), in any case."""
    first_day: date | None = None
    """Sold on or after this day, in ``timezone`` (else at ``utc_offset_minutes``)."""
    last_day: date | None = None
    """Sold on or before this day."""
    utc_offset_minutes: int = 0
    """The days' offset from UTC (+60 in Berlin in winter), when ``timezone`` is empty."""
    timezone: str = ""
    """The days' IANA zone (the venue's: 'Europe/Berlin'), summer time and all; empty: ``utc_offset_minutes``."""
    page: int = 0
    page_size: int = PAGE_SIZE


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One order in the search results."""

    code: str
    concert_title: str
    starts_at: datetime
    created_at: datetime
    buyer_email: str | None
    status: OrderStatus
    tickets: int
    valid_tickets: int
    total: Money | None
    """None for a role that does not see money."""
    timezone: str = ""
    """The concert's venue's IANA zone: its times are shown by that clock."""


@dataclass(frozen=True, slots=True)
class OrderPage:
    orders: tuple[OrderLine, ...]
    total: int
    """How many orders match in all (the pages together)."""
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True, slots=True)
class CheckInLine:
    at: datetime
    gate: str
    direction: str
    """'in' or 'out'."""
    offline: bool
    undone: bool


@dataclass(frozen=True, slots=True)
class TicketLine:
    id: int
    serial: str
    place: str
    """The seat or standing section, as printed."""
    category: str
    price: Money | None
    state: TicketState
    print_count: int
    check_ins: tuple[CheckInLine, ...] = ()
    refunded_at: datetime | None = None
    refund_reason: str = ""


@dataclass(frozen=True, slots=True)
class MailLine:
    """A ticket mail of this order in the outbox."""

    to: str
    status: str
    """'pending', 'sent' or 'failed'."""
    queued_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str = ""


@dataclass(frozen=True, slots=True)
class OrderDetails:
    code: str
    status: OrderStatus
    concert_id: int
    concert_title: str
    artist: str
    venue_name: str
    timezone: str
    starts_at: datetime
    created_at: datetime
    buyer_email: str | None
    sold_by: str
    """The device that sold it ('Kiosk foyer 1'), or 'staff' for an attended sale; '' when hidden."""
    total: Money | None
    payment_method: str
    """'' when hidden."""
    tickets: tuple[TicketLine, ...]
    mails: tuple[MailLine, ...] = ()
    sees_money: bool = False
    """Whether the prices above were filled in for this caller (the screen hides their columns otherwise)."""

    @property
    def valid_ids(self) -> tuple[int, ...]:
        return tuple(t.id for t in self.tickets if t.state is TicketState.VALID)


@dataclass(frozen=True, slots=True)
class RefundRequest:
    reason: str
    ticket_ids: list[int] | None = None
    """None refunds every valid ticket of the order."""


@dataclass(frozen=True, slots=True)
class ReprintRequest:
    layout: Layout = Layout.A4


@dataclass(frozen=True, slots=True)
class ResendRequest:
    to: str = ""
    """Another address for this mail; empty sends it to the buyer's."""
