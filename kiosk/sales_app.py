"""Sales mode: the sale flow, its window, lockdown with a staff exit, and health reports."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

from core.config import Settings
from core.domain.errors import StorageUnavailable
from core.domain.health import DeviceHealth
from core.domain.ids import DeviceId
from kiosk.app_common import show, staff_exit
from kiosk.devices.printing import demo_printer, printer_for
from kiosk.ui.binding import bind
from kiosk.ui.i18n import Languages
from kiosk.ui.lockdown import Lockdown
from kiosk.ui.main_window import MainWindow
from kiosk.ui.speech import QtSpeaker
from kiosk.viewmodels.flow_state import FlowState, PrintPhase, Step
from kiosk.viewmodels.health import HealthLoop, start_health
from kiosk.viewmodels.printing import TicketPrinting
from kiosk.viewmodels.sale_flow import SaleFlow
from kiosk.viewmodels.tasks import TaskOwner

if TYPE_CHECKING:
    from core.client import DeviceClient

log = logging.getLogger(__name__)

_MODES = {
    Step.ENROLMENT: "waiting_for_approval",
    Step.OUT_OF_SERVICE: "out_of_service",
    Step.STARTING: "starting",
}


class SalesApp(QObject):
    closed = Signal()

    def __init__(
        self, client: DeviceClient | None, settings: Settings, *, speaker: QtSpeaker | None = None
    ) -> None:
        """``client`` None: Welcome first (show_welcome), the client later (connect); kiosk.app does that."""
        super().__init__()
        self.settings = settings
        self.printing = TicketPrinting(printer_for(settings.kiosk_printer))
        self.flow = SaleFlow(client, printing=self.printing, settings=settings)
        if client is None:
            self.flow.welcome_while_connecting()  # so the window builds Welcome alone (its other screens later)
        self.speaker = speaker or QtSpeaker(locale_name=settings.kiosk_language)
        self.languages = Languages()
        self.languages.switch(settings.kiosk_language)
        self.window = MainWindow(
            self.flow, speaker=self.speaker, languages=self.languages, watch_input=client is not None
        )
        self.lockdown = (
            Lockdown(self.window, watch_taps=client is not None) if settings.kiosk_lockdown else None
        )
        if self.lockdown is not None:
            self.lockdown.unlock_requested.connect(self._on_lockdown_unlock_requested)
        self.health: HealthLoop | None = None
        self._health_started = False
        self._screens_started = False
        self._printer_seen: tuple[float, tuple[object, str], str] | None = None
        self._tasks = TaskOwner("sales-app")
        self._last_sale = None
        self._printer_chosen = bool(settings.kiosk_printer)
        bind(self.flow.changed, self._on_flow_changed, self.window)

    @property
    def client(self) -> DeviceClient:
        return self.flow.client

    async def start(self) -> None:
        """Show the window and start the flow on the client given to __init__."""
        self._show()
        self.flow.request_start()

    def show_welcome(self) -> None:
        """Show Welcome now, before the client is open (core's services load after this frame); connect() or
        cannot_connect() follow. The window is painted before this returns."""
        self._show()
        # Painted now, laid out as it stays: core's modules load next and keep the loop busy for a while. The
        # layouts' and the window's pending events first, else this frame showed Welcome half laid out (a short
        # header, a scroll bar) and the next one moved everything.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self.window.repaint()
        self.window.watch_input()  # before the loop delivers any tap
        if self.lockdown is not None:
            self.lockdown.watch_taps()

    def connect(self, client: DeviceClient) -> None:
        """The client is open: the flow enrols, reads the concerts and shows where the kiosk stands."""
        self.flow.request_start(client)

    def cannot_connect(self, error: StorageUnavailable) -> None:
        self.flow.cannot_connect(error)

    def _show(self) -> None:
        if self.lockdown is not None:
            self.lockdown.engage()
        else:
            show(self.window)

    def _on_flow_changed(self, state: FlowState) -> None:
        if not self._printer_chosen and state.enrolment is not None:
            self._printer_chosen = True
            printer = demo_printer(self.settings) if state.demo else None
            if printer is not None:
                self.printing.use_printer(printer)
                log.info("demo kiosk: tickets are saved as PDF files in %s", printer.folder)
        if state.step is Step.DONE and state.order is not None:
            self._last_sale = state.order.created_at
        if not self._screens_started and state.enrolment is not None:
            # The kiosk has answered: the screens not built yet are built now, in the background, so the
            # buyer's first tap on each finds it ready (before, they would have slowed that answer down).
            self._screens_started = True
            QTimer.singleShot(0, self.window, self.window.build_remaining_screens)
        if not self._health_started and state.enrolment is not None and state.enrolment.device_id:
            self._health_started = True
            self._tasks.start(self._start_health(DeviceId(state.enrolment.device_id)), name="health")

    async def _start_health(self, device_id: DeviceId) -> None:
        self.health = await start_health(
            self.client, lambda: self._health_now(device_id), interval_s=self.settings.health_interval_s
        )

    def _health_now(self, device_id: DeviceId) -> DeviceHealth:
        state = self.flow.state
        return DeviceHealth(
            device_id=device_id,
            mode=_MODES.get(state.step, "sales"),
            online=state.step is not Step.OUT_OF_SERVICE,
            live_updates=state.live,
            printer=self._printer_state(state),
            last_sale_at=self._last_sale,
            at=self.client.clock.now(),
        )

    def _printer_state(self, state: FlowState) -> str:
        """Asking the print system (CUPS) can block, and this runs on the GUI thread every second: ask at most
        once a minute, and at once after a print failed or succeeded."""
        now = time.monotonic()
        key = (state.print_phase, state.order.code if state.order else "")
        if self._printer_seen is None or key != self._printer_seen[1] or now - self._printer_seen[0] >= 60:
            try:
                value = self.printing.printer.status().state.value
            except Exception:
                log.exception("printer status unavailable")
                value = "error"
            if state.print_phase is PrintPhase.FAILED:
                value = "error"
            self._printer_seen = (now, key, value)
        return self._printer_seen[2]

    def _on_lockdown_unlock_requested(self, staff_number: int, pin: str) -> None:
        self._tasks.start(self._unlock(staff_number, pin), name="staff-exit")

    async def _unlock(self, staff_number: int, pin: str) -> None:
        assert self.lockdown is not None
        # Typed before the kiosk's first answer: wait for it rather than say "not approved" to an approved kiosk.
        enrolled = await self.flow.first_answer()
        client = self.client if enrolled else None
        offline = self.flow.state.step is Step.OUT_OF_SERVICE
        if await staff_exit(client, staff_number, pin, self.lockdown, offline=offline):
            self.closed.emit()

    async def aclose(self) -> None:
        await self.flow.aclose()
        await self.printing.aclose()
        if self.health is not None:
            await self.health.aclose()
        await self._tasks.aclose()
        self.languages.close()
        self.window.deleteLater()
