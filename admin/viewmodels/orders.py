"""The "Orders" screen, Qt-free: search orders by code, e-mail and the days sold (the server pages them), open
one with its tickets, prints, check-ins and mails; refund all or chosen tickets with a reason, reprint to a PDF
file (rendered by the server, written off the event loop), resend the tickets' e-mail.

The widget binds to ``changed`` (an OrdersState each time) and calls the ``request_*`` commands, which start a
task this view-model keeps. What a role may do comes from core's role table (a box-office account sees no refund
controls); the server refuses the rest anyway, and a refusal shows the server's sentence and code.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from psygnal import Signal

from admin.viewmodels.tasks import TaskOwner
from admin.viewmodels.venue_time import ZoneRule, load_site_rule, site_rule
from core.client.protocol import StaffSession
from core.domain.errors import EncoreError
from core.domain.order_desk import PAGE_SIZE, OrderDetails, OrderPage, OrderQuery
from core.domain.staff import ROLE_PERMISSIONS, Permission
from core.domain.tickets import Layout

__all__ = ["OrdersState", "OrdersViewModel", "SearchForm"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SearchForm:
    """What the search bar holds: text as typed, and a day range (by the venue's clock, see ``query``)."""

    code: str = ""
    email: str = ""
    first_day: date | None = None
    last_day: date | None = None

    def query(self, page: int, page_size: int, zone: str = "") -> OrderQuery:
        """Days are ``zone``'s (an IANA name); '' : this desktop's, at its offset now."""
        offset = datetime.now().astimezone().utcoffset() or timedelta(0)
        return OrderQuery(
            code=self.code,
            email=self.email,
            first_day=self.first_day,
            last_day=self.last_day,
            utc_offset_minutes=0 if zone else int(offset.total_seconds() // 60),
            timezone=zone,
            page=page,
            page_size=page_size,
        )


@dataclass(frozen=True, slots=True)
class RefundQuestion:
    """Asked before a refund (it cannot be undone): which tickets, how much, and why."""

    code: str
    ticket_ids: tuple[int, ...] | None
    """None: every valid ticket."""
    reason: str
    text: str


@dataclass(frozen=True, slots=True)
class OrdersState:
    form: SearchForm = SearchForm()
    """The search the results are for."""
    results: OrderPage | None = None
    """None until the first search has come back."""
    order: OrderDetails | None = None
    """The opened order, as the server last sent it."""
    chosen: frozenset[int] = frozenset()
    """Ticket ids ticked for a refund (valid tickets of the opened order only)."""
    may_refund: bool = False
    """The signed-in role may refund (managers, admins): the screen shows the refund controls."""
    busy: bool = False
    error: str = ""
    """The last refusal in the server's words; empty when there is none."""
    error_code: str = ""
    notice: str = ""
    """What the last command did, in a sentence."""
    saved: str = ""
    """The last PDF file written."""
    question: RefundQuestion | None = None
    """A refund waiting for the manager's yes; None when nothing is asked."""
    days: ZoneRule | None = None
    """By which clock the days sold are counted (the venue's); None until the first search."""


class OrdersViewModel:
    changed = Signal(OrdersState)

    def __init__(self, session: StaffSession, *, page_size: int = PAGE_SIZE) -> None:
        self._session = session
        self._page_size = page_size
        self._tasks = TaskOwner("orders")
        self.state = OrdersState(may_refund=Permission.REFUND in ROLE_PERMISSIONS[session.staff.role])

    def _set(self, **changes: object) -> None:
        self.state = replace(self.state, **changes)  # type: ignore[arg-type]
        self.changed.emit(self.state)

    async def _run(self, call: Callable[[], Awaitable[T]]) -> T | None:
        """One server call with the screen busy; a refusal becomes the state's error (nothing else changes)."""
        self._set(busy=True, error="", error_code="", notice="")
        try:
            return await call()
        except EncoreError as exc:
            self._set(error=exc.message, error_code=exc.code)
        finally:
            self._set(busy=False)
        return None

    # --- commands --------------------------------------------------------------------------------------

    async def search(self, form: SearchForm, page: int = 0) -> None:
        days = self.state.days or await load_site_rule(self._session)
        found = await self._run(
            lambda: self._session.search_orders(form.query(page, self._page_size, days.zone))
        )
        if found is not None:
            self._set(form=form, results=found, days=self._days_rule(days, found))

    @staticmethod
    def _days_rule(days: ZoneRule, found: OrderPage) -> ZoneRule:
        """A role that may not read the venues (box office) learns their zone from the orders it finds."""
        if days.zone or not found.orders:
            return days
        by_orders = site_rule(line.timezone for line in found.orders)
        return by_orders if by_orders.zone else days

    async def go_to_page(self, page: int) -> None:
        results = self.state.results
        if results is not None and 0 <= page < results.pages:
            await self.search(self.state.form, page)

    async def open(self, code: str) -> None:
        order = await self._run(lambda: self._session.get_order(code))
        if order is not None:
            self._show(order)

    def _show(self, order: OrderDetails) -> None:
        keep = self.state.chosen if self.state.order and self.state.order.code == order.code else frozenset()
        self._set(order=order, chosen=keep & frozenset(order.valid_ids))

    def choose(self, ticket_ids: Iterable[int]) -> None:
        """Tick these tickets for a refund (only valid tickets of the opened order count)."""
        order = self.state.order
        valid = frozenset(order.valid_ids) if order else frozenset()
        self._set(chosen=frozenset(ticket_ids) & valid, error="", error_code="", notice="")

    def ask_refund(self, reason: str, *, everything: bool) -> bool:
        """Ask before refunding: the question names the tickets, the amount and the reason. A missing reason or
        order is not asked about (``refund`` says what is wrong). Returns whether a question is now asked."""
        order = self.state.order
        chosen = order.valid_ids if everything or order is None else tuple(sorted(self.state.chosen))
        if order is None or not reason.strip() or not chosen:
            return False
        lines = [t for t in order.tickets if t.id in chosen]
        prices = [t.price for t in lines if t.price is not None]
        amount = f" ({sum(p.minor for p in prices) / 100:,.2f} {prices[0].currency})" if prices else ""
        what = "every valid ticket" if everything else f"{len(lines)} ticket(s)"
        text = (
            f"Refund {what} of order {order.code}{amount} because: {reason.strip()}? The places go back on sale "
            "at once and the tickets stop being valid at the door. This cannot be undone."
        )
        ids = None if everything else chosen
        self._set(question=RefundQuestion(order.code, ids, reason, text), error="", error_code="", notice="")
        return True

    def dismiss_question(self) -> None:
        self._set(question=None)

    async def confirm_refund(self) -> None:
        """The manager said yes to the question asked (for the order and tickets it named)."""
        question = self.state.question
        order = self.state.order
        self._set(question=None)
        if question is None or order is None or order.code != question.code:
            return
        if question.ticket_ids is not None:
            self._set(chosen=frozenset(question.ticket_ids))
        await self.refund(question.reason, everything=question.ticket_ids is None)

    async def refund(self, reason: str, *, everything: bool) -> None:
        order = self.state.order
        if order is None:
            self._set(error="Open an order first.", error_code="invalid_input", notice="")
            return
        if not everything and not self.state.chosen:
            self._set(error="Tick the tickets to refund first.", error_code="tickets_missing", notice="")
            return
        ids = None if everything else sorted(self.state.chosen)
        done = await self._run(lambda: self._session.refund_order(order.code, reason=reason, ticket_ids=ids))
        if done is None:
            return
        count = len(order.valid_ids) - len(done.valid_ids)
        self._set(order=done, chosen=frozenset())
        await self._refresh_results()
        self._set(notice=f"Refunded {count} ticket(s) of {done.code}; their places are on sale again.")

    async def reprint(self, path: Path | str, layout: Layout = Layout.A4) -> None:
        """Have the server render the order's valid tickets, and write them to ``path`` (off the event loop)."""
        order = self.state.order
        if order is None:
            self._set(error="Open an order first.", error_code="invalid_input", notice="")
            return
        target = Path(path)

        async def fetch_and_save() -> int:
            pdf = await self._session.reprint_order(order.code, layout)
            return await asyncio.to_thread(target.write_bytes, pdf)

        try:
            written = await self._run(fetch_and_save)
        except OSError as exc:  # the folder is gone or read-only: the reprint happened, the file did not
            self._set(
                error=f"The PDF could not be saved to {target}: {exc.strerror}. Choose another folder "
                "(the server counted the reprint).",
                error_code="save_failed",
            )
            return
        if written is None:
            return
        await self._reopen(order.code)
        self._set(
            saved=str(target),
            notice=f"Saved {len(order.valid_ids)} ticket(s) of {order.code} to {target.name}.",
        )

    async def resend(self, to: str = "") -> None:
        order = self.state.order
        if order is None:
            self._set(error="Open an order first.", error_code="invalid_input", notice="")
            return
        done = await self._run(lambda: self._session.resend_order_mail(order.code, to=to))
        if done is not None:
            self._show(done)
            self._set(notice=f"The tickets of {done.code} are on their way to {done.mails[-1].to}.")

    async def _reopen(self, code: str) -> None:
        order = await self._run(lambda: self._session.get_order(code))
        if order is not None:
            self._show(order)

    async def _refresh_results(self) -> None:
        results = self.state.results
        if results is None:
            return
        page = results.page
        found = await self._run(
            lambda: self._session.search_orders(self.state.form.query(page, self._page_size))
        )
        if found is not None:
            self._set(results=found)

    # --- for widgets: start a kept task ----------------------------------------------------------------

    def request_search(self, form: SearchForm) -> None:
        self._tasks.start(self.search(form))

    def request_page(self, page: int) -> None:
        self._tasks.start(self.go_to_page(page))

    def request_open(self, code: str) -> None:
        self._tasks.start(self.open(code))

    def request_confirm_refund(self) -> None:
        self._tasks.start(self.confirm_refund())

    def request_refund(self, reason: str, *, everything: bool) -> None:
        self._tasks.start(self.refund(reason, everything=everything))

    def request_reprint(self, path: Path | str, layout: Layout = Layout.A4) -> None:
        self._tasks.start(self.reprint(path, layout))

    def request_resend(self, to: str = "") -> None:
        self._tasks.start(self.resend(to))

    @property
    def busy(self) -> bool:
        return self._tasks.busy

    def close(self) -> None:
        """The screen went away (sign-out): cancel the calls still running."""
        self._tasks.cancel()

    async def aclose(self) -> None:
        await self._tasks.aclose()
