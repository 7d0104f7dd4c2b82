"""The "Audit log" screen, Qt-free: who changed what and when, filtered by person, device, action and a range of
days (on the server, a page at a time, newest first), and the filtered log saved as CSV.

Times and days are by the venue's clock (the installation's one zone; with venues in several zones, this
desktop's, and the screen says so): a day runs from that clock's midnight to the next. Pages go by the server's cursor
(``older``), so a page stays put while new entries arrive; "Newer" steps back through the cursors seen.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from psygnal import Signal

from admin.viewmodels.export_file import save_export
from admin.viewmodels.tasks import TaskOwner
from admin.viewmodels.venue_time import DESKTOP, ZoneRule, load_site_rule
from core.client.protocol import StaffSession
from core.domain.devices import Device
from core.domain.errors import EncoreError
from core.domain.reports import AuditEntry, AuditQuery
from core.domain.staff import Staff

__all__ = ["PAGE_SIZE", "AuditFilter", "AuditLogState", "AuditLogViewModel"]

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class AuditFilter:
    staff_id: int | None = None
    device_id: int | None = None
    action: str = ""
    first_day: date | None = None
    last_day: date | None = None
    """Inclusive: the whole of that day."""

    def query(self, clock: ZoneRule) -> AuditQuery:
        """The days from ``clock``'s midnight (the venue's) to the midnight after the last."""
        start = clock.midnight
        return AuditQuery(
            staff_id=self.staff_id,
            device_id=self.device_id,
            action=self.action,
            since=start(self.first_day) if self.first_day else None,
            until=start(self.last_day + timedelta(days=1)) if self.last_day else None,
        )


@dataclass(frozen=True, slots=True)
class AuditLogState:
    filter: AuditFilter = AuditFilter()
    entries: tuple[AuditEntry, ...] = ()
    total: int = 0
    page: int = 0
    """0 is the newest page."""
    has_older: bool = False
    people: tuple[Staff, ...] = ()
    devices: tuple[Device, ...] = ()
    actions: tuple[str, ...] = ()
    busy: bool = False
    exporting: bool = False
    rows_done: int = 0
    rows_total: int = 0
    error: str = ""
    error_code: str = ""
    notice: str = ""
    clock: ZoneRule = DESKTOP
    """By which clock the entries' times are shown and the days counted."""

    @property
    def first_shown(self) -> int:
        return self.page * PAGE_SIZE + 1 if self.entries else 0

    @property
    def last_shown(self) -> int:
        return self.page * PAGE_SIZE + len(self.entries)


class AuditLogViewModel:
    changed = Signal(AuditLogState)

    def __init__(self, session: StaffSession) -> None:
        self._session = session
        self._tasks = TaskOwner("audit")
        self._cursors: list[int | None] = [None]
        """``before`` of each page seen: [None] is the newest page."""
        self._older: int | None = None
        self._job: asyncio.Task[None] | None = None
        self.state = AuditLogState()

    def _set(self, **changes: object) -> None:
        self.state = replace(self.state, **changes)  # type: ignore[arg-type]
        self.changed.emit(self.state)

    async def load(self) -> None:
        """The filter's choices (people, devices) and the newest page."""
        try:
            people = tuple(await self._session.list_staff())
            devices = tuple(await self._session.list_devices())
        except EncoreError as exc:
            self._set(error=exc.message, error_code=exc.code)
            return
        self._set(people=people, devices=devices, clock=await load_site_rule(self._session))
        await self.apply(self.state.filter)

    async def apply(self, chosen: AuditFilter) -> None:
        """Show the newest page of what ``chosen`` matches."""
        if chosen.first_day and chosen.last_day and chosen.last_day < chosen.first_day:
            self._set(error="The last day is before the first: swap the dates.", error_code="value_invalid")
            return
        self._cursors = [None]
        await self._show(chosen, 0)

    async def older(self) -> None:
        if self._older is not None:
            self._cursors = [*self._cursors[: self.state.page + 1], self._older]
            await self._show(self.state.filter, self.state.page + 1)

    async def newer(self) -> None:
        if self.state.page > 0:
            await self._show(self.state.filter, self.state.page - 1)

    async def _show(self, chosen: AuditFilter, page: int) -> None:
        self._set(busy=True, error="", error_code="")
        try:
            found = await self._session.search_audit(
                chosen.query(self.state.clock), before=self._cursors[page], limit=PAGE_SIZE
            )
        except EncoreError as exc:
            self._set(error=exc.message, error_code=exc.code)
            return
        finally:
            self._set(busy=False)
        self._older = found.older
        self._set(
            filter=chosen,
            entries=tuple(found.entries),
            total=found.total,
            page=page,
            has_older=found.older is not None,
            actions=tuple(found.actions),
        )

    async def export(self, target: Path) -> None:
        """The filtered log (every page) as CSV, oldest first."""
        self._set(exporting=True, rows_done=0, rows_total=0, error="", error_code="", notice="")
        try:
            rows = await save_export(
                self._session.export_audit(self.state.filter.query(self.state.clock)),
                target,
                lambda done, total: self._set(rows_done=done, rows_total=total),
            )
        except asyncio.CancelledError:
            self._set(exporting=False, notice="The export was cancelled; no file was saved.")
            raise
        except EncoreError as exc:
            self._set(exporting=False, error=exc.message, error_code=exc.code)
            return
        except OSError as exc:
            self._set(exporting=False, error=f"The file could not be written: {exc.strerror or exc}. "
                      "Choose another folder.", error_code="file_not_written")  # fmt: skip
            return
        self._set(exporting=False, notice=f"Saved {rows:,} entries to {target.name}.")

    # --- for widgets -----------------------------------------------------------------------------------

    def request_load(self) -> None:
        self._tasks.start(self.load())

    def request_apply(self, chosen: AuditFilter) -> None:
        self._tasks.start(self.apply(chosen))

    def request_older(self) -> None:
        self._tasks.start(self.older())

    def request_newer(self) -> None:
        self._tasks.start(self.newer())

    def request_export(self, target: Path) -> None:
        if self._job is None or self._job.done():
            self._job = self._tasks.start(self.export(target))

    def cancel_export(self) -> None:
        if self._job is not None and not self._job.done():
            self._job.cancel()

    @property
    def busy(self) -> bool:
        return self._tasks.busy

    def close(self) -> None:
        self._tasks.cancel()

    async def aclose(self) -> None:
        await self._tasks.aclose()
