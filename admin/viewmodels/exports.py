"""The "Exports" screen, Qt-free: choose a concert, save its orders, tickets or check-ins as CSV (with progress
as the rows arrive, cancellable) or its sales report as a PDF drawn by the server.

The widget asks for a file name and calls ``request_*``; the work runs in a task this view-model keeps, so the
window never waits. A refusal shows the server's sentence and no file is left behind.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from pathlib import Path

from psygnal import Signal

from admin.viewmodels.export_file import save_export
from admin.viewmodels.tasks import TaskOwner
from core.client.protocol import StaffSession
from core.domain.concert_bodies import ConcertOverview
from core.domain.errors import EncoreError
from core.domain.ids import ConcertId
from core.domain.reports import ExportKind

__all__ = ["KIND_WORDS", "ExportsState", "ExportsViewModel"]

KIND_WORDS = {ExportKind.ORDERS: "orders", ExportKind.TICKETS: "tickets", ExportKind.CHECKINS: "check-ins"}


@dataclass(frozen=True, slots=True)
class ExportsState:
    concerts: tuple[ConcertOverview, ...] = ()
    selected_id: ConcertId | None = None
    running: str = ""
    """What is being saved now ('tickets', 'sales report'); empty when nothing is."""
    rows_done: int = 0
    rows_total: int = 0
    busy: bool = False
    error: str = ""
    error_code: str = ""
    notice: str = ""
    saved: Path | None = None
    """The last file saved."""

    @property
    def selected(self) -> ConcertOverview | None:
        return next((c for c in self.concerts if c.concert.id == self.selected_id), None)


class ExportsViewModel:
    changed = Signal(ExportsState)

    def __init__(self, session: StaffSession) -> None:
        self._session = session
        self._tasks = TaskOwner("exports")
        self._job: asyncio.Task[None] | None = None
        self.state = ExportsState()

    def _set(self, **changes: object) -> None:
        self.state = replace(self.state, **changes)  # type: ignore[arg-type]
        self.changed.emit(self.state)

    async def load(self) -> None:
        self._set(busy=True, error="", error_code="")
        try:
            found = tuple(await self._session.list_concerts())
        except EncoreError as exc:
            self._set(error=exc.message, error_code=exc.code)
            return
        finally:
            self._set(busy=False)
        ids = {c.concert.id for c in found}
        chosen = (
            self.state.selected_id
            if self.state.selected_id in ids
            else (found[0].concert.id if found else None)
        )
        self._set(concerts=found, selected_id=chosen)

    def select(self, concert_id: ConcertId | None) -> None:
        self._set(selected_id=concert_id, error="", error_code="", notice="")

    def suggested_name(self, kind: ExportKind | None) -> str:
        """A file name for the chosen concert: concert-12-tickets.csv, or sales-report-12.pdf."""
        concert_id = int(self.state.selected_id or 0)
        return f"sales-report-{concert_id}.pdf" if kind is None else f"concert-{concert_id}-{kind.value}.csv"

    async def export_csv(self, kind: ExportKind, target: Path) -> None:
        concert = self.state.selected
        if concert is None:
            self._set(error="Choose a concert first.", error_code="invalid_input")
            return
        what = KIND_WORDS[kind]
        self._set(running=what, rows_done=0, rows_total=0, busy=True, error="", error_code="", notice="")
        try:
            rows = await save_export(
                self._session.export_concert(concert.concert.id, kind),
                target,
                lambda done, total: self._set(rows_done=done, rows_total=total),
            )
        except asyncio.CancelledError:
            self._set(running="", busy=False, notice=f"The {what} export was cancelled; no file was saved.")
            raise
        except EncoreError as exc:
            self._set(running="", busy=False, error=exc.message, error_code=exc.code)
            return
        except OSError as exc:
            self._set(running="", busy=False, error=f"The file could not be written: {exc.strerror or exc}. "
                      "Choose another folder.", error_code="file_not_written")  # fmt: skip
            return
        self._set(running="", busy=False, saved=target, notice=f"Saved {rows:,} {what} to {target.name}.")

    async def save_sales_report(self, target: Path) -> None:
        concert = self.state.selected
        if concert is None:
            self._set(error="Choose a concert first.", error_code="invalid_input")
            return
        self._set(
            running="sales report", rows_done=0, rows_total=0, busy=True, error="", error_code="", notice=""
        )
        try:
            pdf = await self._session.sales_report_pdf(concert.concert.id)
            await asyncio.to_thread(target.write_bytes, pdf)
        except asyncio.CancelledError:
            self._set(running="", busy=False, notice="The sales report was cancelled.")
            raise
        except EncoreError as exc:
            self._set(running="", busy=False, error=exc.message, error_code=exc.code)
            return
        except OSError as exc:
            self._set(running="", busy=False, error=f"The file could not be written: {exc.strerror or exc}. "
                      "Choose another folder.", error_code="file_not_written")  # fmt: skip
            return
        self._set(running="", busy=False, saved=target, notice=f"Saved the sales report to {target.name}.")

    # --- for widgets -----------------------------------------------------------------------------------

    def request_load(self) -> None:
        self._tasks.start(self.load())

    def request_export(self, kind: ExportKind, target: Path) -> None:
        if self._job is None or self._job.done():
            self._job = self._tasks.start(self.export_csv(kind, target))

    def request_sales_report(self, target: Path) -> None:
        if self._job is None or self._job.done():
            self._job = self._tasks.start(self.save_sales_report(target))

    def cancel(self) -> None:
        """Stop the export under way: the connection closes (the server stops) and the part file goes."""
        if self._job is not None and not self._job.done():
            self._job.cancel()

    @property
    def busy(self) -> bool:
        return self._tasks.busy

    def close(self) -> None:
        self._tasks.cancel()

    async def aclose(self) -> None:
        await self._tasks.aclose()
