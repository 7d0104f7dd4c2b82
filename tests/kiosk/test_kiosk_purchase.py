"""Whole purchases through the real kiosk widgets: touch and keyboard-with-speech, on SQLite and on PostgreSQL +
Redis, ending in a printed PDF whose QR codes check in at the door (then ALREADY USED)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget

from core.client.local import LocalClient
from core.domain.checkin import ScanResult
from core.domain.clock import ManualClock
from core.domain.concerts import Concert
from core.domain.ids import PlaceId
from core.domain.places import PlaceState
from core.ops import seed
from core.security.device_keys import DeviceKey
from core.services import checkin
from core.services.context import ServiceContext
from kiosk.devices.print_folder import FolderPrinter
from kiosk.ui.main_window import MainWindow
from kiosk.viewmodels.flow_state import Step
from kiosk.viewmodels.printing import TicketPrinting
from kiosk.viewmodels.sale_flow import SaleFlow
from kiosk.viewmodels.speech import RecordingSpeaker
from tests.builders import decode_qr_texts, door_device
from tests.kiosk.conftest import QtRun, open_on_qt_loop

SIZE = (1920, 1080)


def find(window: QWidget, name: str) -> Any:
    found = window.findChild(QWidget, name)
    assert found is not None, f"no widget named {name!r} on screen"
    return found


class Kiosk:
    """One kiosk: the real SaleFlow behind the real main window, printing into a folder."""

    def __init__(self, qtbot: Any, ctx: ServiceContext, folder: Path, speaker: RecordingSpeaker) -> None:
        folder.mkdir(exist_ok=True)
        self.folder = folder
        self.speaker = speaker
        self.flow = SaleFlow(
            LocalClient.over(ctx),
            printing=TicketPrinting(FolderPrinter(folder)),
            settings=ctx.settings,
            poll_s=0.1,
        )
        self.window = MainWindow(self.flow, speaker=speaker)
        qtbot.addWidget(self.window)
        self.window.resize(*SIZE)
        self.window.show()
        qtbot.waitExposed(self.window)
        self.flow.request_start()
        qtbot.waitUntil(lambda: self.flow.state.step is Step.WELCOME, timeout=15_000)

    def on(self, step: Step) -> bool:
        return self.flow.state.step is step and not self.flow.state.busy

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


@pytest.fixture
def kiosk_folder(tmp_path: Path) -> Path:
    return tmp_path / "printed"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.redis])])
def sale_ctx(
    request: pytest.FixtureRequest, kiosk_clock: ManualClock, device_keys: dict[str, str]
) -> Iterator[ServiceContext]:
    """The seeded demo on SQLite (local bus), or on PostgreSQL with Redis live updates."""
    # Databases first: their set-up runs private event loops, which cannot start once the Qt loop runs.
    if request.param == "sqlite":
        request.getfixturevalue("demo_sqlite_url")
        yield request.getfixturevalue("kiosk_ctx")
        return
    url = request.getfixturevalue("pg_database_url")
    redis_url = request.getfixturevalue("redis_url")
    qt_run: QtRun = request.getfixturevalue("qt_run")
    ctx, manager = open_on_qt_loop(qt_run, url, kiosk_clock, redis_url=redis_url)
    qt_run(
        seed.seed_demo(
            ctx,
            kiosk_key=DeviceKey.load_or_create(device_keys["kiosk"]),
            door_key=DeviceKey.load_or_create(device_keys["door"]),
        ),
        timeout=60,
    )
    ctx.settings = replace(ctx.settings, device_key_ref=device_keys["kiosk"], demo_mode=True)
    yield ctx
    qt_run(manager.__aexit__(None, None, None))


def _tap_seat(qtbot: Any, kiosk: Kiosk, place: PlaceId) -> None:
    """A finger on the seat: the first tap on a small map zooms in, the next one chooses."""
    model = kiosk.flow.seat_map
    assert model is not None
    view = kiosk.seat_widget().view
    for _ in range(3):
        if place in model.state.selection:
            return
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=kiosk.seat_pos(place))
    assert place in model.state.selection


def _check_in_twice(qt_run: QtRun, ctx: ServiceContext, clock: ManualClock, pdf: Path, concert: Concert):
    texts = decode_qr_texts(pdf.read_bytes())
    door = qt_run(door_device(ctx, "Test door"))
    clock.advance((concert.doors_at - clock.now()).total_seconds() + 600)  # the concert night: doors open
    first = [qt_run(checkin.scan_ticket(ctx, door, t, concert_id=concert.id, gate="Main")) for t in texts]
    again = qt_run(checkin.scan_ticket(ctx, door, texts[0], concert_id=concert.id, gate="Side"))
    return texts, first, again


def test_a_whole_purchase_by_touch_ends_in_tickets_that_check_in(
    sale_ctx, qtbot, qt_run, kiosk_clock, kiosk_folder
):
    kiosk = Kiosk(qtbot, sale_ctx, kiosk_folder, RecordingSpeaker(enabled=False))
    qtbot.mouseClick(find(kiosk.window, "buy_tickets"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.on(Step.CONCERTS))
    concert = kiosk.flow.state.concerts[0].concert
    qtbot.mouseClick(find(kiosk.window, f"concert_card_{concert.id}"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.on(Step.SEATS))

    seats = kiosk.free_seats(2)
    for place in seats:
        _tap_seat(qtbot, kiosk, place)
    qtbot.mouseClick(find(kiosk.window, "continue"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.on(Step.REVIEW), timeout=10_000)
    hold = kiosk.flow.state.hold
    assert hold is not None
    assert {p.place_id for p in hold.places} == set(seats)

    qtbot.mouseClick(find(kiosk.window, "pay"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.on(Step.PAYMENT))
    qtbot.mouseClick(find(kiosk.window, "demo_approve"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.on(Step.DONE), timeout=20_000)
    order = kiosk.flow.state.order
    assert order is not None
    assert len(order.tickets) == 2
    assert order.code in find(kiosk.window, "order_code").text()

    pdfs = list(kiosk_folder.glob("*.pdf"))
    assert len(pdfs) == 1
    texts, first, again = _check_in_twice(qt_run, sale_ctx, kiosk_clock, pdfs[0], concert)
    assert len(texts) == 2
    assert [r.result for r in first] == [ScanResult.ADMIT, ScanResult.ADMIT]
    assert again.result is ScanResult.ALREADY_USED

    qtbot.mouseClick(find(kiosk.window, "finish"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.on(Step.WELCOME))
    qt_run(kiosk.flow.aclose())


def _key(qtbot: Any, key: Qt.Key) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key)


def _tab_to(qtbot: Any, kiosk: Kiosk, name: str, limit: int = 40) -> None:
    """Tab, as a keyboard user does, until the control has focus; each stop is spoken."""
    for _ in range(limit):
        focused = QApplication.focusWidget()
        if focused is not None and focused.objectName() == name:
            return
        _key(qtbot, Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        assert now is not None
        if now.accessibleName():
            assert kiosk.speaker.said[-1] == now.accessibleName()
    raise AssertionError(f"{name!r} is not reachable with Tab")


def test_the_same_purchase_by_keyboard_alone_with_speech_on(
    qtbot, qt_run, kiosk_ctx, kiosk_clock, kiosk_folder
):
    kiosk = Kiosk(qtbot, kiosk_ctx, kiosk_folder, RecordingSpeaker(enabled=False))
    kiosk.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    _key(qtbot, Qt.Key.Key_F1)  # speech on, from the keyboard
    assert kiosk.speaker.enabled
    _tab_to(qtbot, kiosk, "buy_tickets")
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: kiosk.on(Step.CONCERTS))
    qtbot.waitUntil(lambda: any(s.startswith("Concerts on sale: 4") for s in kiosk.speaker.said))
    concert = kiosk.flow.state.concerts[0].concert
    _tab_to(qtbot, kiosk, f"concert_card_{concert.id}")
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: kiosk.on(Step.SEATS))
    qtbot.waitUntil(lambda: any("arrow keys" in s for s in kiosk.speaker.said))

    # Walk the map seat by seat: each seat is read out; Space chooses.
    view = kiosk.seat_widget().view
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    _key(qtbot, Qt.Key.Key_Right)
    _key(qtbot, Qt.Key.Key_Right)
    model = kiosk.flow.seat_map
    assert model is not None
    cursor = model.state.cursor
    assert cursor is not None
    assert kiosk.speaker.said[-1] == model.describe(cursor)
    assert "row" in kiosk.speaker.said[-1]
    _key(qtbot, Qt.Key.Key_Space)
    assert model.state.selection == (cursor,)

    _tab_to(qtbot, kiosk, "continue")
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: kiosk.on(Step.REVIEW), timeout=10_000)
    qtbot.waitUntil(lambda: any("Your places are held" in s for s in kiosk.speaker.said))
    _tab_to(qtbot, kiosk, "pay")
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: kiosk.on(Step.PAYMENT))
    qtbot.waitUntil(lambda: any(s.startswith("Payment:") for s in kiosk.speaker.said))
    _tab_to(qtbot, kiosk, "demo_approve")
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: kiosk.on(Step.DONE), timeout=20_000)
    order = kiosk.flow.state.order
    assert order is not None
    qtbot.waitUntil(lambda: any(order.code in s for s in kiosk.speaker.said))

    pdfs = list(kiosk_folder.glob("*.pdf"))
    assert len(pdfs) == 1
    _texts, first, again = _check_in_twice(qt_run, kiosk_ctx, kiosk_clock, pdfs[0], concert)
    assert [r.result for r in first] == [ScanResult.ADMIT]
    assert again.result is ScanResult.ALREADY_USED
    qt_run(kiosk.flow.aclose())
