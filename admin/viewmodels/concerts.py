"""The "Concerts" screen, Qt-free: every concert with its sales; create and edit one; put on sale, close sales,
cancel (with a confirmation that names the orders and tickets it refunds).

The widget binds to ``changed`` (a ConcertsState each time) and calls the ``request_*`` commands. The form's
times are the venue's wall-clock times; this view-model gives them the venue's time zone. Every rule is the
server's: a refusal shows its sentence, its code and the field it names, and nothing was written.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from psygnal import Signal

from admin.viewmodels.concert_defaults import NewConcertTimes, new_concert_times
from admin.viewmodels.tasks import TaskOwner
from core.client.protocol import StaffSession
from core.domain.concert_bodies import ConcertDetails, ConcertOverview
from core.domain.concert_spec import NewCategory
from core.domain.concerts import Concert, ConcertStatus
from core.domain.errors import EncoreError, ErrorCode, InputError
from core.domain.ids import ConcertId, PlanId, VenueId
from core.domain.venues import SeatingPlan, Venue

__all__ = [
    "STATUS_WORDS",
    "CancelQuestion",
    "CategoryRow",
    "ConcertForm",
    "ConcertsState",
    "ConcertsViewModel",
    "parse_price",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

STATUS_WORDS = {
    ConcertStatus.DRAFT: "Draft",
    ConcertStatus.ON_SALE: "On sale",
    ConcertStatus.SALES_CLOSED: "Sales closed",
    ConcertStatus.CANCELLED: "Cancelled",
}
_PRICE = re.compile(r"(\d{1,7})(?:[.,](\d{1,2}))?")


def parse_price(text: str) -> int:
    """'45', '45.5', '45,50' -> minor units (4500, 4550, 4550); ValueError with a sentence otherwise."""
    match = _PRICE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"write the price as a number such as 45.00, not {text.strip()!r}.")
    cents = (match.group(2) or "0").ljust(2, "0")
    return int(match.group(1)) * 100 + int(cents)


def price_text(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


def category_rows(overview: ConcertOverview) -> tuple[CategoryRow, ...]:
    """A concert's categories as the edit form shows them."""
    return tuple(
        CategoryRow(p.name, price_text(p.price_minor), p.colour, ", ".join(p.sections), p.seats)
        for p in overview.prices
    )


@dataclass(frozen=True, slots=True)
class CategoryRow:
    """One price category as the form holds it."""

    name: str
    price: str
    """As typed: 45.00."""
    colour: str
    """#rrggbb."""
    sections: str
    """Section names separated by commas: Stalls, Circle."""
    seats: tuple[tuple[str, str, int], ...] = ()
    """Single seats this category prices (section, row, number): kept as they were, not edited here."""


@dataclass(frozen=True, slots=True)
class ConcertForm:
    """What the create/edit form holds. Times are the venue's wall-clock times, without a zone."""

    title: str
    artist: str
    venue_id: VenueId | None
    plan_id: PlanId | None
    currency: str
    doors_at: datetime
    starts_at: datetime
    sales_open_at: datetime
    sales_close_at: datetime
    categories: tuple[CategoryRow, ...]
    max_per_order: int = 8
    hold_minutes: int = 5
    reentry_allowed: bool = False
    concert_id: ConcertId | None = None
    """None creates a concert; an id edits that one."""


@dataclass(frozen=True, slots=True)
class CancelQuestion:
    """The confirmation a cancellation waits for, with the numbers it refunds as the server counted them."""

    concert_id: ConcertId
    title: str
    orders: int
    tickets: int

    @property
    def text(self) -> str:
        if not self.orders:
            return f"Cancel {self.title}? No tickets have been sold, so nothing is refunded."
        return (
            f"Cancel {self.title}? {self.orders} order(s) with {self.tickets} ticket(s) will be refunded "
            "in full, and the concert cannot be put on sale again."
        )


@dataclass(frozen=True, slots=True)
class ConcertsState:
    concerts: tuple[ConcertOverview, ...] = ()
    selected: ConcertId | None = None
    venues: tuple[Venue, ...] = ()
    plans: tuple[SeatingPlan, ...] = ()
    """The plans of the venue chosen in the form."""
    plans_venue: VenueId | None = None
    editing: ConcertOverview | None = None
    """The concert the form edits; None while it creates one."""
    question: CancelQuestion | None = None
    busy: bool = False
    error: str = ""
    error_code: str = ""
    error_field: str = ""
    """The form field a refusal names (doors_at, categories[1].colour, …), to point at it."""
    notice: str = ""

    @property
    def current(self) -> ConcertOverview | None:
        return next((c for c in self.concerts if c.concert.id == self.selected), None)


def can_put_on_sale(c: Concert) -> bool:
    return c.status in (ConcertStatus.DRAFT, ConcertStatus.SALES_CLOSED)


def can_close_sales(c: Concert) -> bool:
    return c.status is ConcertStatus.ON_SALE


def can_cancel(c: Concert) -> bool:
    return c.status is not ConcertStatus.CANCELLED


class ConcertsViewModel:
    changed = Signal(ConcertsState)

    def __init__(self, session: StaffSession, *, now: Callable[[], datetime] | None = None) -> None:
        """``now``: the current UTC instant (the new-concert defaults start from it); the system clock unless
        a test gives another."""
        self._session = session
        self._now = now or (lambda: datetime.now(UTC))
        self._tasks = TaskOwner("concerts")
        self.state = ConcertsState()

    def _set(self, **changes: object) -> None:
        self.state = replace(self.state, **changes)  # type: ignore[arg-type]
        self.changed.emit(self.state)

    def _refuse(self, message: str, code: str, field: str = "") -> None:
        self._set(error=message, error_code=code, error_field=field, notice="")

    async def _run(self, call: Callable[[], Awaitable[T]]) -> T | None:
        """One server call with the screen busy; a refusal becomes the state's error (nothing else changes)."""
        self._set(busy=True, error="", error_code="", error_field="", notice="")
        try:
            return await call()
        except InputError as exc:
            self._refuse(exc.message, exc.code, exc.field)
        except EncoreError as exc:
            self._refuse(exc.message, exc.code)
        finally:
            self._set(busy=False)
        return None

    # --- commands --------------------------------------------------------------------------------------

    async def load(self) -> None:
        concerts = await self._run(self._session.list_concerts)
        if concerts is None:
            return
        venues = await self._run(self._session.list_venues)
        selected = self.state.selected
        if selected not in {c.concert.id for c in concerts}:
            selected = concerts[0].concert.id if concerts else None
        editing = self.state.editing
        if editing is not None:  # the form follows the concert it edits (its status decides what may change)
            editing = next((c for c in concerts if c.concert.id == editing.concert.id), None)
        self._set(concerts=tuple(concerts), venues=tuple(venues or ()), selected=selected, editing=editing)

    def select(self, concert_id: ConcertId | None) -> None:
        self._set(selected=concert_id, question=None, error="", error_code="", error_field="")

    async def load_plans(self, venue_id: VenueId) -> None:
        plans = await self._run(lambda: self._session.list_plans(venue_id))
        if plans is not None:
            self._set(plans=tuple(plans), plans_venue=venue_id)

    def start_new(self) -> None:
        self._set(editing=None, error="", error_code="", error_field="", notice="")

    def new_times(self, venue_id: VenueId | None) -> NewConcertTimes:
        """A new concert's default times by that venue's clock (this computer's until the venues are known)."""
        return new_concert_times(self._now(), self._venue_zone(venue_id))

    def _venue_zone(self, venue_id: VenueId | None) -> tzinfo:
        venue = next((v for v in self.state.venues if v.id == venue_id), None)
        if venue is not None:
            try:
                return ZoneInfo(venue.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                pass  # saving says so (_zone); until then the desktop's clock
        return datetime.now().astimezone().tzinfo or UTC

    def start_edit(self) -> None:
        self._set(editing=self.state.current, error="", error_code="", error_field="", notice="")

    async def save(self, form: ConcertForm) -> Concert | None:
        details = self._details(form)
        if details is None:
            return None
        if form.concert_id is not None:
            concert_id = form.concert_id
            saved = await self._run(lambda: self._session.update_concert(concert_id, details))
            verb = "saved"
        else:
            if form.venue_id is None or form.plan_id is None:
                self._refuse("Choose the venue and its seating plan.", ErrorCode.INVALID_INPUT, "plan_id")
                return None
            venue_id, plan_id = form.venue_id, form.plan_id
            currency = form.currency.strip()
            saved = await self._run(
                lambda: self._session.create_concert(venue_id, plan_id, currency=currency, details=details)
            )
            verb = "created as a draft"
        if saved is None:
            return None
        self._set(selected=saved.id)
        await self.load()
        row = self.state.current
        self._set(editing=row, notice=f"{saved.title} {verb}.")
        return saved

    def _details(self, form: ConcertForm) -> ConcertDetails | None:
        """The form as the server's body; a price or zone the form cannot read is refused here, by field."""
        zone = self._zone(form)
        if zone is None:
            return None
        categories = []
        for i, row in enumerate(form.categories):
            try:
                price = parse_price(row.price)
            except ValueError as exc:
                self._refuse(
                    f"{row.name or 'Category'}: {exc}",
                    ErrorCode.PRICE_INVALID,
                    f"categories[{i}].price_minor",
                )
                return None
            sections = tuple(s.strip() for s in row.sections.split(",") if s.strip())
            categories.append(NewCategory(row.name, price, row.colour, sections=sections, seats=row.seats))
        times: dict[str, datetime] = {}
        for name in ("doors_at", "starts_at", "sales_open_at", "sales_close_at"):
            wall: datetime = getattr(form, name)
            times[name] = moment = wall.replace(tzinfo=zone)
            if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
                self._refuse(
                    f"{wall:%d %b %Y %H:%M} does not exist in {zone.key}: the clocks go forward then. "
                    "Choose another time.",
                    ErrorCode.VALUE_INVALID,
                    name,
                )
                return None
        return ConcertDetails(
            title=form.title,
            artist=form.artist,
            doors_at=times["doors_at"],
            starts_at=times["starts_at"],
            sales_open_at=times["sales_open_at"],
            sales_close_at=times["sales_close_at"],
            categories=categories,
            max_per_order=form.max_per_order,
            hold_seconds=form.hold_minutes * 60,
            max_extensions=10,
            reentry_allowed=form.reentry_allowed,
        )

    def _zone(self, form: ConcertForm) -> ZoneInfo | None:
        venue_id = form.venue_id
        if form.concert_id is not None:
            edited = next((c for c in self.state.concerts if c.concert.id == form.concert_id), None)
            venue_id = edited.concert.venue_id if edited else venue_id
        venue = next((v for v in self.state.venues if v.id == venue_id), None)
        if venue is None:
            self._refuse("Choose the venue and its seating plan.", ErrorCode.INVALID_INPUT, "venue_id")
            return None
        try:
            return ZoneInfo(venue.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            self._refuse(
                f"The venue's time zone {venue.timezone!r} is unknown here.", ErrorCode.INVALID_INPUT
            )
            return None

    async def put_on_sale(self) -> None:
        await self._act(self._session.put_on_sale, "is on sale")

    async def close_sales(self) -> None:
        await self._act(self._session.close_sales, "no longer sells tickets")

    async def _act(self, call: Callable[[ConcertId], Awaitable[Concert]], done: str) -> None:
        current = self.state.current
        if current is None:
            self._refuse("Choose a concert first.", "")
            return
        concert_id = current.concert.id
        changed = await self._run(lambda: call(concert_id))
        if changed is not None:
            await self.load()
            self._set(notice=f"{changed.title} {done}.")

    async def ask_cancel(self) -> None:
        """Count again on the server, then ask: the question names what will be refunded now."""
        await self.load()
        current = self.state.current
        if current is None or self.state.error:
            return
        c = current.concert
        self._set(question=CancelQuestion(c.id, c.title, current.orders, current.tickets))

    def dismiss_cancel(self) -> None:
        self._set(question=None)

    async def confirm_cancel(self, reason: str) -> None:
        q = self.state.question
        if q is None:
            return
        done = await self._run(
            lambda: self._session.cancel_concert(
                q.concert_id, reason=reason, orders=q.orders, tickets=q.tickets
            )
        )
        if done is not None:
            self._set(question=None)
            await self.load()
            refunded = (
                f"{q.orders} order(s) with {q.tickets} ticket(s) refunded"
                if q.orders
                else "nothing to refund"
            )
            self._set(notice=f"{q.title} cancelled; {refunded}.")
        elif self.state.error_code == ErrorCode.CANCEL_COUNTS_CHANGED:
            # A sale or refund came in between: ask again with the new numbers, keeping the server's sentence.
            error = self.state.error
            await self.ask_cancel()
            self._set(error=error, error_code=ErrorCode.CANCEL_COUNTS_CHANGED)

    # --- for widgets: start a kept task ----------------------------------------------------------------

    def request_load(self) -> None:
        self._tasks.start(self.load())

    def request_plans(self, venue_id: VenueId) -> None:
        self._tasks.start(self.load_plans(venue_id))

    def request_save(self, form: ConcertForm) -> None:
        self._tasks.start(self.save(form))

    def request_put_on_sale(self) -> None:
        self._tasks.start(self.put_on_sale())

    def request_close_sales(self) -> None:
        self._tasks.start(self.close_sales())

    def request_ask_cancel(self) -> None:
        self._tasks.start(self.ask_cancel())

    def request_confirm_cancel(self, reason: str) -> None:
        self._tasks.start(self.confirm_cancel(reason))

    @property
    def busy(self) -> bool:
        return self._tasks.busy

    def close(self) -> None:
        self._tasks.cancel()

    async def aclose(self) -> None:
        await self._tasks.aclose()
