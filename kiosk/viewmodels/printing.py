"""Printing an order's tickets: the Printer port, its typed failure, and the render → print → record flow."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

import psygnal

from core.domain.errors import EncoreError, ErrorCode, NotAllowed, NotFound
from core.domain.errors import PrintFailed as PrintFailed
from core.domain.ids import TicketId
from core.domain.orders import Order, TicketState
from core.domain.tickets import Layout
from kiosk.viewmodels.i18n import Text
from kiosk.viewmodels.print_words import CALL_STAFF, print_problem
from kiosk.viewmodels.tasks import TaskOwner

if TYPE_CHECKING:  # the client's protocol names every domain type: not loaded before Welcome
    from core.client import DeviceClient

log = logging.getLogger(__name__)


class PrinterState(StrEnum):
    """The words of DeviceHealth.printer."""

    READY = "ok"
    OFFLINE = "offline"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    state: PrinterState
    detail: str
    """For staff and the health report: which printer, and what is wrong with it."""


class Printer(Protocol):
    """Where tickets go: a system printer, or a folder of PDF files."""

    async def print_pdf(self, pdf: bytes, *, job_name: str, copies: int = 1) -> None:
        """Print every page of `pdf`; raises PrintFailed when it could not."""

    def status(self) -> PrinterStatus: ...


class PrintPhase(StrEnum):
    IDLE = "idle"
    RENDERING = "rendering"
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class PrintState:
    """What the progress screen shows."""

    phase: PrintPhase = PrintPhase.IDLE
    order_code: str = ""
    tickets: int = 0
    error: Text | None = None
    error_code: str = ""
    can_reprint: bool = False
    """FAILED and trying again may help (a jam, no paper, a busy database); staff are needed otherwise."""
    attempts: int = 0


@dataclass(frozen=True, slots=True)
class PrintOutcome:
    ok: bool
    order_code: str
    ticket_ids: tuple[TicketId, ...]
    error: Text | None = None
    error_code: str = ""
    reason: str = ""
    """What went to the audit log (empty when printed)."""
    can_reprint: bool = False
    recorded: bool = True
    """The print (or failure) reached the audit log; False when the database was gone at that moment."""
    saved_to: str = ""
    """The folder the PDF went into, for a printer that is a folder (empty for a real printer)."""


def _printable(order: Order) -> tuple[TicketId, ...]:
    return tuple(t.id for t in order.tickets if t.state is TicketState.VALID)


class TicketPrinting:
    """Render an order's tickets in core, print them, and record the outcome; a failure keeps the order."""

    changed = psygnal.Signal(PrintState)

    def __init__(self, printer: Printer, *, layout: Layout = Layout.TICKET80) -> None:
        self._printer = printer
        self._layout = layout
        self._state = PrintState()
        self._tasks = TaskOwner("printing")

    @property
    def state(self) -> PrintState:
        return self._state

    @property
    def printer(self) -> Printer:
        return self._printer

    def use_printer(self, printer: Printer) -> None:
        """From the next print on (the app learns only at enrolment that a demo kiosk prints into a folder)."""
        self._printer = printer

    def _set(self, state: PrintState) -> None:
        self._state = state
        self.changed.emit(state)

    async def print_order(self, client: DeviceClient, order: Order) -> PrintOutcome:
        """Print every valid ticket of the order once; the outcome says whether a reprint may help."""
        ids = _printable(order)
        attempts = self._state.attempts + 1 if self._state.order_code == order.code else 1
        self._set(PrintState(PrintPhase.RENDERING, order.code, len(ids), attempts=attempts))
        try:
            pdf = await client.render_order(order.code, self._layout)
        except EncoreError as exc:
            # Nothing reached the printer, so there is no print to record; core's message says what to do.
            # Refused (the kiosk's print window passed) or nothing left to print: only staff can help.
            retry = not isinstance(exc, NotAllowed | NotFound)
            log.info("tickets of order %s not rendered: %s (%s)", order.code, exc.code, exc.message)
            return self._failed(order, ids, print_problem(exc), exc.code, "", retry, recorded=True)
        self._set(replace(self._state, phase=PrintPhase.PRINTING))
        try:
            await self._printer.print_pdf(pdf, job_name=f"Encore order {order.code}")
        except PrintFailed as exc:
            recorded = await self._record(client, ids, ok=False, reason=exc.reason)
            text = print_problem(exc)  # the buyer's words; exc.message and reason go to the log and audit
            return self._failed(order, ids, text, exc.code, exc.reason, True, recorded=recorded)
        except BaseException:
            # A bug or a cancel mid-print: leave no screen stuck on "printing"; the owner logs and handles it.
            self._set(
                replace(
                    self._state, phase=PrintPhase.FAILED, error=CALL_STAFF, error_code=ErrorCode.PRINT_CRASHED
                )
            )
            raise
        recorded = await self._record(client, ids, ok=True, reason="")
        self._set(replace(self._state, phase=PrintPhase.PRINTED))
        folder = getattr(self._printer, "folder", None)  # a FolderPrinter: the buyer is told where to look
        return PrintOutcome(True, order.code, ids, recorded=recorded, saved_to=str(folder or ""))

    async def reprint(self, client: DeviceClient, order: Order) -> PrintOutcome:
        """After a failure (or for staff): the same path, counted and audited again."""
        return await self.print_order(client, order)

    def request_print(self, client: DeviceClient, order: Order) -> None:
        """For widgets: start printing unless a print is already running (a double tap prints once)."""
        if not self._tasks.busy:
            self._tasks.start(self.print_order(client, order), name="print_order")

    def request_reprint(self, client: DeviceClient, order: Order) -> None:
        if not self._tasks.busy and self._state.can_reprint:
            self._tasks.start(self.reprint(client, order), name="reprint")

    async def aclose(self) -> None:
        await self._tasks.aclose()

    def _failed(
        self,
        order: Order,
        ids: Sequence[TicketId],
        error: Text,
        code: str,
        reason: str,
        retry: bool,
        *,
        recorded: bool,
    ) -> PrintOutcome:
        self._set(
            replace(self._state, phase=PrintPhase.FAILED, error=error, error_code=code, can_reprint=retry)
        )
        return PrintOutcome(False, order.code, tuple(ids), error, code, reason, retry, recorded)

    async def _record(self, client: DeviceClient, ids: Sequence[TicketId], *, ok: bool, reason: str) -> bool:
        """Count and audit the print. The paper is out (or not) whatever the database says, so a failure to
        record is logged for staff and does not change what the buyer is told."""
        try:
            await client.record_print(ids, ok=ok, reason=reason[:200])
        except EncoreError as exc:
            log.warning("print of tickets %s (ok=%s) not recorded: %s", list(ids), ok, exc.code)
            return False
        return True
