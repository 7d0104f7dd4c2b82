"""The admin app's concerts over the venue server API: what a list row shows, and the request bodies.

Shared by server and both staff clients, so the two sessions send and return the same types.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.domain.concert_spec import NewCategory
from core.domain.concerts import Concert, PriceCategory


@dataclass(frozen=True, slots=True)
class ConcertOverview:
    """One concert as the manager's list shows it: its prices and what has been sold so far."""

    concert: Concert
    venue_name: str
    timezone: str
    categories: tuple[PriceCategory, ...]
    orders: int
    """Orders with at least one valid ticket: the ones a cancellation refunds."""
    tickets: int
    """Valid (sold, not refunded) tickets."""
    prices: tuple[NewCategory, ...] = ()
    """The categories as set (with the sections and seats each prices), in ``categories``' order: what the
    edit form shows and sends back."""


@dataclass(frozen=True, slots=True)
class ConcertDetails:
    """What a manager sets on a concert (create and edit); the rules' limits are in concert_spec."""

    title: str
    artist: str
    doors_at: datetime
    starts_at: datetime
    sales_open_at: datetime
    sales_close_at: datetime
    categories: list[NewCategory]
    max_per_order: int = 8
    hold_seconds: int = 300
    max_extensions: int = 10
    reentry_allowed: bool = False


@dataclass(frozen=True, slots=True)
class NewConcertRequest:
    venue_id: int
    plan_id: int
    currency: str
    details: ConcertDetails


@dataclass(frozen=True, slots=True)
class CancelConcertRequest:
    """Cancel and refund every order. ``orders`` and ``tickets`` are the numbers the manager confirmed: when a
    sale changed them in between, nothing happens (cancel_counts_changed) and the dialog asks again."""

    reason: str
    orders: int
    tickets: int
