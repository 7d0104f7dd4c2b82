"""Door mode: enrol this station, then the full-screen scan station (HID scanner, camera if any), locked down."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import platformdirs
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QStackedWidget

from core.client import DeviceClient
from core.config import Settings, enrolment_name
from core.domain.devices import DeviceKind
from core.domain.errors import Conflict, StorageUnavailable
from core.domain.health import DeviceHealth
from core.domain.ids import DeviceId
from kiosk.app_common import show, staff_exit
from kiosk.devices.camera import CameraScanner
from kiosk.ui.door_screen import DoorScreen
from kiosk.ui.i18n import Languages
from kiosk.ui.lockdown import Lockdown
from kiosk.ui.theme import Theme
from kiosk.viewmodels.door import DoorViewModel
from kiosk.viewmodels.health import HealthLoop, start_health
from kiosk.viewmodels.tasks import TaskOwner

log = logging.getLogger(__name__)

ENROL_POLL_S = 3.0
DEFAULT_GATE = "Main"


# Spelled out at each call so that lupdate finds the texts (a translate("DoorApp", ) wrapper hid them from it).
translate = QCoreApplication.translate


class DoorApp(QObject):
    closed = Signal()

    def __init__(
        self, client: DeviceClient, settings: Settings, *, languages: Languages | None = None
    ) -> None:
        super().__init__()
        self.client = client
        self.settings = settings
        # Even in English: its plural forms ("1 scan to sync") come from a translator. The staff's language is
        # the device's kiosk_language, as on a sales kiosk.
        self._owns_languages = languages is None
        self.languages = languages or Languages()
        if self._owns_languages:
            self.languages.switch(settings.kiosk_language)
        self.window = QStackedWidget()
        self.window.setObjectName("door_app")
        self.window.setWindowTitle("Encore door")
        Theme(self.window, name="high_contrast")
        self.waiting = QLabel(translate("DoorApp", "Starting…"))
        self.waiting.setObjectName("door_waiting")
        self.waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.waiting.setWordWrap(True)
        self.window.addWidget(self.waiting)
        self.lockdown = Lockdown(self.window) if settings.kiosk_lockdown else None
        if self.lockdown is not None:
            self.lockdown.unlock_requested.connect(self._on_lockdown_unlock_requested)
        self.view_model: DoorViewModel | None = None
        self.camera: CameraScanner | None = None
        self.health: HealthLoop | None = None
        self._enrolled = False
        self._offline = False
        self._answered = asyncio.Event()  # the first enrolment attempt came back (or failed)
        self._tasks = TaskOwner("door-app")

    async def start(self) -> None:
        if self.lockdown is not None:
            self.lockdown.engage()
        else:
            show(self.window)
        self._tasks.start(self._enrol_then_scan(), name="door")

    async def _enrol_then_scan(self) -> None:
        while True:
            try:
                enrolment = await self.client.enrol(
                    DeviceKind.DOOR, enrolment_name(self.settings, "Door station")
                )
            except StorageUnavailable:
                self._offline = True
                self._answered.set()
                self.waiting.setText(
                    translate("DoorApp", "Temporarily out of service: the database cannot be reached.")
                )
                await asyncio.sleep(ENROL_POLL_S)
                continue
            except (
                Conflict
            ) as error:  # this machine's key is another mode's, retired or revoked: staff must act
                if self.waiting.text() != error.message:  # once, not every poll
                    log.warning("door cannot start: %s (%s)", error.code, error.message)
                self._answered.set()
                self.waiting.setText(error.message)
                await asyncio.sleep(ENROL_POLL_S)
                continue
            self._offline = False
            self._answered.set()
            if enrolment.approved:
                self._enrolled = True
                break
            self.waiting.setText(
                translate(
                    "DoorApp",
                    "This door station is waiting for a manager's approval.\n\nKey fingerprint:\n{fp}",
                ).format(fp=enrolment.fingerprint)
            )
            await asyncio.sleep(ENROL_POLL_S)
        device_id = enrolment.device.id
        gate = self.settings.door_gate or DEFAULT_GATE
        local = Path(platformdirs.user_data_dir("encore")) / f"door-{device_id}.sqlite3"
        local.parent.mkdir(parents=True, exist_ok=True)
        self.view_model = await DoorViewModel.open(self.client, gate=gate, local_path=local)
        camera = CameraScanner()
        self.camera = camera if camera.start() else None
        screen = DoorScreen(self.view_model, camera=self.camera)
        self.window.addWidget(screen)
        self.window.setCurrentWidget(screen)
        await self._start_health(device_id)

    async def _start_health(self, device_id: DeviceId) -> None:
        self.health = await start_health(
            self.client, lambda: self._health_now(device_id), interval_s=self.settings.health_interval_s
        )

    def _health_now(self, device_id: DeviceId) -> DeviceHealth:
        state = self.view_model.state if self.view_model is not None else None
        return DeviceHealth(
            device_id=device_id,
            mode="door",
            online=bool(state and state.online),
            live_updates=True,
            printer="none",
            last_sale_at=None,
            at=self.client.clock.now(),
        )

    def _on_lockdown_unlock_requested(self, staff_number: int, pin: str) -> None:
        self._tasks.start(self._unlock(staff_number, pin), name="staff-exit")

    async def _unlock(self, staff_number: int, pin: str) -> None:
        assert self.lockdown is not None
        await self._answered.wait()  # typed while Starting…: not "not approved" to an approved door
        client = self.client if self._enrolled else None
        if await staff_exit(client, staff_number, pin, self.lockdown, offline=self._offline):
            self.closed.emit()

    async def aclose(self) -> None:
        await self._tasks.aclose()
        if self.camera is not None:
            self.camera.close()
        if self.view_model is not None:
            await self.view_model.aclose()
        if self.health is not None:
            await self.health.aclose()
        if self._owns_languages:
            self.languages.close()
        self.window.deleteLater()
