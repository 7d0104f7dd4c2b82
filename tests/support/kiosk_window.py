"""One kiosk on screen for tests: the real SaleFlow behind the real main window, over any DeviceClient, printing
into a folder; and the touches a buyer makes on it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget

from core.client import DeviceClient
from core.config import Settings
from core.domain.ids import ConcertId, PlaceId
from core.domain.places import PlaceState
from kiosk.devices.print_folder import FolderPrinter
from kiosk.ui.main_window import MainWindow
from kiosk.viewmodels.flow_state import Step
from kiosk.viewmodels.printing import TicketPrinting
from kiosk.viewmodels.sale_flow import SaleFlow
from kiosk.viewmodels.speech import RecordingSpeaker

SIZE = (1920, 1080)


def find(window: QWidget, name: str) -> Any:
    found = window.findChild(QWidget, name)
    assert found is not None, f"no widget named {name!r} on screen"
    return found


class Kiosk:
    """One kiosk: the real SaleFlow (in-process or over the venue server) behind the real main window."""

    def __init__(
        self,
        qtbot: Any,
        client: DeviceClient,
        settings: Settings,
        folder: Path,
        speaker: RecordingSpeaker | None = None,
    ) -> None:
        folder.mkdir(exist_ok=True)
        self.folder = folder
        self.speaker = speaker or RecordingSpeaker(enabled=False)
        self.flow = SaleFlow(
            client, printing=TicketPrinting(FolderPrinter(folder)), settings=settings, poll_s=0.1
        )
        self.window = MainWindow(self.flow, speaker=self.speaker)
        qtbot.addWidget(self.window)
        self.window.resize(*SIZE)
        self.window.show()
        qtbot.waitExposed(self.window)
        self.flow.request_start()
        qtbot.waitUntil(lambda: self.flow.state.step is Step.WELCOME, timeout=15_000)

    def on(self, step: Step) -> bool:
        return self.flow.state.step is step and not self.flow.state.busy

    def shown(self, step: Step) -> bool:
        """The window shows the screen of ``step`` (not only the view-model says so)."""
        page = self.window.stack.currentWidget()
        screen = self.window.screens[step]
        return bool(page is screen or page.isAncestorOf(screen))

    def seat_widget(self) -> Any:
        return find(self.window, "seat_map")

    def seat_pos(self, place: PlaceId) -> QPoint:
        widget = self.seat_widget()
        return widget.view.mapFromScene(widget.seats.items[place].sceneBoundingRect().center())

    def free_seats(self, n: int) -> list[PlaceId]:
        model = self.flow.seat_map
        assert model is not None
        free = [p.id for p in model.seats if model.state_of(p.id) is PlaceState.FREE and not p.accessible]
        return free[:n]


def tap(qtbot: Any, kiosk: Kiosk, name: str) -> None:
    qtbot.mouseClick(find(kiosk.window, name), Qt.MouseButton.LeftButton)


def tap_seat(qtbot: Any, kiosk: Kiosk, place: PlaceId) -> None:
    """A finger on the seat: the first tap on a small map zooms in, the next one chooses."""
    model = kiosk.flow.seat_map
    assert model is not None
    view = kiosk.seat_widget().view
    for _ in range(3):
        if place in model.state.selection:
            return
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=kiosk.seat_pos(place))
    assert place in model.state.selection


def to_seats(qtbot: Any, kiosk: Kiosk, concert_id: ConcertId) -> None:
    """Welcome → Buy tickets → the concert's card → its seat map, by touch."""
    tap(qtbot, kiosk, "buy_tickets")
    qtbot.waitUntil(lambda: kiosk.on(Step.CONCERTS), timeout=10_000)
    tap(qtbot, kiosk, f"concert_card_{concert_id}")
    qtbot.waitUntil(lambda: kiosk.on(Step.SEATS), timeout=10_000)
