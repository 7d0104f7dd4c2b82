"""Orders and tickets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.domain.ids import CategoryId, ConcertId, HoldId, OrderId, PlaceId, TicketId
from core.domain.money import Money


class TicketState(StrEnum):
    VALID = "valid"
    VOID = "void"


class OrderStatus(StrEnum):
    PAID = "paid"
    PARTLY_REFUNDED = "partly_refunded"
    REFUNDED = "refunded"


@dataclass(frozen=True, slots=True)
class Payment:
    """How an order was paid: the method ('card', 'cash', 'demo', ...) and the terminal's reference."""

    method: str
    reference: str
    amount: Money


@dataclass(frozen=True, slots=True)
class Ticket:
    id: TicketId
    serial: str
    concert_id: ConcertId
    place_id: PlaceId
    label: str
    category_id: CategoryId
    category: str
    price: Money
    state: TicketState
    print_count: int
    issued_at: datetime | None = None
    key_id: int | None = None
    """The signing key; with ``signature`` it makes the QR code (None: sold without a signing device)."""
    signature: bytes | None = None


@dataclass(frozen=True, slots=True)
class Order:
    id: OrderId
    code: str
    concert_id: ConcertId
    hold_id: HoldId
    status: OrderStatus
    total: Money
    payment_method: str
    payment_reference: str
    buyer_email: str | None
    created_at: datetime
    tickets: tuple[Ticket, ...]
    language: str = "en"
    """The buyer's language at the sale: its tickets print in it."""
