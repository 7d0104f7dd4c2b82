"""Concerts, their price categories and sales rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from enum import StrEnum

from core.domain.errors import SalesClosed
from core.domain.ids import CategoryId, ConcertId, PlanId, VenueId
from core.domain.money import Money
from core.domain.names import Translations

MIN_EXTENSIONS = 10
"""WCAG 2.2.1: a time limit can be extended at least ten times."""


class ConcertStatus(StrEnum):
    DRAFT = "draft"
    ON_SALE = "on_sale"
    SALES_CLOSED = "sales_closed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class PriceCategory:
    id: CategoryId
    concert_id: ConcertId
    name: str
    price: Money
    colour: str
    names: Translations = ()
    """The name in other languages, as the venue entered them."""


@dataclass(frozen=True, slots=True)
class Concert:
    id: ConcertId
    title: str
    artist: str
    venue_id: VenueId
    plan_id: PlanId
    doors_at: datetime
    starts_at: datetime
    sales_open_at: datetime
    sales_close_at: datetime
    status: ConcertStatus
    max_per_order: int
    hold_seconds: int
    max_extensions: int
    reentry_allowed: bool
    currency: str

    def sales_problem(self, now: datetime, tz: tzinfo = UTC) -> str | None:
        """Why this concert cannot be sold at ``now`` in English, or None when it can."""
        closed = self.sales_closed(now, tz)
        return None if closed is None else closed.message

    def sales_closed(self, now: datetime, tz: tzinfo = UTC) -> SalesClosed | None:
        """The error to raise when this concert cannot be sold at ``now``, its key saying why (an app words it
        in its buyer's language), or None when it can be sold. Times in ``tz`` (the venue's)."""
        cancelled, not_open = SalesClosed.CANCELLED_KEY, SalesClosed.NOT_OPEN_KEY
        if self.status is ConcertStatus.CANCELLED:
            return SalesClosed(f"{self.title} has been cancelled.", key=cancelled)
        if self.status is ConcertStatus.DRAFT:
            return SalesClosed(f"{self.title} is not on sale yet.", key=not_open)
        if self.status is ConcertStatus.SALES_CLOSED:
            return SalesClosed(f"Sales for {self.title} are closed.")
        if now < self.sales_open_at:
            return SalesClosed(
                f"Sales for {self.title} open on {_when(self.sales_open_at, tz)}.", key=not_open
            )
        if now >= self.sales_close_at:
            return SalesClosed(f"Sales for {self.title} closed on {_when(self.sales_close_at, tz)}.")
        return None


def _when(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%a %d %b %Y at %H:%M")
