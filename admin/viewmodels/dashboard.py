"""The "Dashboard" screen, Qt-free: today's and the next concerts with sold / held / free that move by themselves
(each concert watched live through the staff client, as a kiosk's seat map is), the chosen concert's sales over
time and check-ins per minute by gate, and the kiosks' and doors' health.

Places come from the live watch (events, with re-reads); sales are read again when the chosen concert's sold
count moves; check-ins and device health are read every ``poll_s`` seconds (a scan publishes no event).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from dataclasses import dataclass, replace

from psygnal import Signal

from admin.viewmodels.tasks import TaskOwner
from admin.viewmodels.venue_time import DESKTOP, ZoneRule, load_site_rule
from core.client.protocol import StaffSession
from core.domain.catalog import ConcertSummary
from core.domain.dashboard import CheckinActivity, DeviceStatusRow, SalesSeries
from core.domain.errors import EncoreError
from core.domain.ids import ConcertId
from core.domain.live import AvailabilityView
from core.domain.places import PlaceState

__all__ = ["ConcertCounts", "DashboardState", "DashboardViewModel", "counts_of"]

POLL_S = 10.0


@dataclass(frozen=True, slots=True)
class ConcertCounts:
    """One concert's places as the last live view showed them."""

    summary: ConcertSummary
    sold: int = 0
    held: int = 0
    free: int = 0
    blocked: int = 0
    watching: bool = False
    """A first view has come: the counts are real (before it they read 0)."""
    live: bool = True
    """False while live updates are paused (the counts then come from polling, a few seconds late)."""

    @property
    def id(self) -> ConcertId:
        return self.summary.concert.id

    @property
    def capacity(self) -> int:
        return self.sold + self.held + self.free


def counts_of(view: AvailabilityView) -> Counter[PlaceState]:
    return Counter(view.states.values())


@dataclass(frozen=True, slots=True)
class DashboardState:
    concerts: tuple[ConcertCounts, ...] = ()
    """Soonest doors first."""
    selected_id: ConcertId | None = None
    sales: SalesSeries | None = None
    """The chosen concert's sales over time."""
    checkins: CheckinActivity | None = None
    """The chosen concert's check-ins (per minute and gate over the last half hour)."""
    devices: tuple[DeviceStatusRow, ...] = ()
    loaded: bool = False
    busy: bool = False
    error: str = ""
    error_code: str = ""
    clock: ZoneRule = DESKTOP
    """By which clock the devices' times are shown (a concert's are by its venue's)."""

    @property
    def selected(self) -> ConcertCounts | None:
        return next((c for c in self.concerts if c.id == self.selected_id), None)

    @property
    def live(self) -> bool:
        return all(c.live for c in self.concerts)


class DashboardViewModel:
    changed = Signal(DashboardState)

    def __init__(self, session: StaffSession, *, poll_s: float = POLL_S) -> None:
        self._session = session
        self._tasks = TaskOwner("dashboard")
        self._watches = TaskOwner("dashboard-live")
        self._poller = TaskOwner("dashboard-poll")
        self._poll_s = poll_s
        self._sales_due = asyncio.Event()
        self.state = DashboardState()

    def _set(self, **changes: object) -> None:
        self.state = replace(self.state, **changes)  # type: ignore[arg-type]
        self.changed.emit(self.state)

    def _refused(self, exc: EncoreError) -> None:
        self._set(error=exc.message, error_code=exc.code)

    # --- commands --------------------------------------------------------------------------------------

    async def load(self) -> None:
        """Read the concerts and start watching each; the first is chosen. Call again to start afresh."""
        self._watches.cancel()
        self._set(busy=True, error="", error_code="")
        try:
            found = await self._session.list_current_concerts()
        except EncoreError as exc:
            self._refused(exc)
            return
        finally:
            self._set(busy=False)
        chosen = self.state.selected_id
        if chosen not in {c.concert.id for c in found}:
            chosen = found[0].concert.id if found else None
        clock = await load_site_rule(self._session)
        self._set(
            concerts=tuple(ConcertCounts(s) for s in found), selected_id=chosen, loaded=True, clock=clock
        )
        for summary in found:
            self._watches.start(self._watch(summary.concert.id), name=f"watch-{summary.concert.id}")
        await self.refresh()

    async def refresh(self) -> None:
        """The chosen concert's sales and check-ins, and the devices' health, read now."""
        # One after the other, not gathered: under qasync a gather's future can land on another loop.
        await self._read_sales()
        await self._read_checkins()
        await self._read_devices()

    def select(self, concert_id: ConcertId | None) -> None:
        if concert_id != self.state.selected_id:
            self._set(selected_id=concert_id, sales=None, checkins=None)
            self._tasks.start(self.refresh(), name="refresh")

    async def _read_sales(self) -> None:
        chosen = self.state.selected_id
        if chosen is None:
            return
        try:
            series = await self._session.sales_over_time(chosen)
        except EncoreError as exc:
            self._refused(exc)
            return
        if self.state.selected_id == chosen:
            self._set(sales=series)

    async def _read_checkins(self) -> None:
        chosen = self.state.selected_id
        if chosen is None:
            return
        try:
            activity = await self._session.checkin_activity(chosen)
        except EncoreError as exc:
            self._refused(exc)
            return
        if self.state.selected_id == chosen:
            self._set(checkins=activity)

    async def _read_devices(self) -> None:
        try:
            rows = await self._session.device_health()
        except EncoreError as exc:
            self._refused(exc)
            return
        # Those that report first (their state is news), then by kind and name.
        order = sorted(rows, key=lambda r: (r.health is None, r.device.kind.value, r.device.name.casefold()))
        self._set(devices=tuple(order))

    async def _watch(self, concert_id: ConcertId) -> None:
        try:
            async for view in self._session.watch_concert(concert_id):
                self._show_view(concert_id, view)
        except EncoreError as exc:
            self._refused(exc)

    def _show_view(self, concert_id: ConcertId, view: AvailabilityView) -> None:
        counts = counts_of(view)
        updated = []
        sold_moved = False
        for item in self.state.concerts:
            if item.id == concert_id:
                sold_moved = item.watching and item.sold != counts[PlaceState.SOLD]
                item = replace(
                    item,
                    sold=counts[PlaceState.SOLD],
                    held=counts[PlaceState.HELD],
                    free=counts[PlaceState.FREE],
                    blocked=counts[PlaceState.BLOCKED],
                    watching=True,
                    live=view.live,
                )
            updated.append(item)
        self._set(concerts=tuple(updated))
        if sold_moved and concert_id == self.state.selected_id:
            self._sales_due.set()

    async def _poll(self) -> None:
        """Sales when the chosen concert's sold count moved (coalesced); check-ins and health every poll_s."""
        loop = asyncio.get_running_loop()
        next_read = loop.time() + self._poll_s
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(0.0, next_read - loop.time())):
                    await self._sales_due.wait()
            if self._sales_due.is_set():
                self._sales_due.clear()
                await self._read_sales()
            if loop.time() >= next_read:
                await self._read_checkins()
                await self._read_devices()
                next_read = loop.time() + self._poll_s

    # --- for widgets: start a kept task ----------------------------------------------------------------

    def request_load(self) -> None:
        """Load, then keep the screen up to date until ``close``."""
        self._tasks.start(self.load(), name="load")
        if not self._poller.busy:
            self._poller.start(self._poll(), name="poll")

    @property
    def busy(self) -> bool:
        return self._tasks.busy

    def close(self) -> None:
        self._tasks.cancel()
        self._watches.cancel()
        self._poller.cancel()

    async def aclose(self) -> None:
        await self._tasks.aclose()
        await self._watches.aclose()
        await self._poller.aclose()
