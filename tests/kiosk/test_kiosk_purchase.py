"""Whole purchases through the real kiosk widgets: touch and keyboard-with-speech, in-process on SQLite and on
PostgreSQL + Redis, and through a real encore-server process (TLS) on PostgreSQL + Redis, ending in a printed PDF
whose QR codes check in at the door (then ALREADY USED)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.client import DeviceClient
from core.client.local import LocalClient
from core.config import Settings
from core.domain.checkin import ScanResult
from core.domain.clock import ManualClock
from core.domain.devices import DeviceKind
from core.domain.ids import ConcertId
from core.domain.scans import ScanOutcome
from core.ops import seed
from core.security.device_keys import DeviceKey
from core.services import checkin
from core.services.context import ServiceContext
from kiosk.viewmodels.flow_state import Step
from kiosk.viewmodels.speech import RecordingSpeaker
from tests.builders import decode_qr_texts, door_device
from tests.kiosk.conftest import QtRun, open_on_qt_loop
from tests.support.kiosk_server import RemoteVenue
from tests.support.kiosk_window import Kiosk, find, tap, tap_seat

CheckIn = Callable[[list[str], ConcertId], tuple[list[ScanOutcome], ScanOutcome]]


@dataclass
class Selling:
    """What a kiosk sells through: its client and settings, the concert to buy, and the door that scans."""

    client: DeviceClient
    settings: Settings
    check_in: CheckIn
    """Scan every text at gate Main, then the first again at gate Side."""
    concert: ConcertId | None = None
    """None: the first concert on the list."""


@pytest.fixture
def kiosk_folder(tmp_path: Path) -> Path:
    return tmp_path / "printed"


def _local_door(qt_run: QtRun, ctx: ServiceContext, clock: ManualClock) -> CheckIn:
    def check_in(texts: list[str], concert_id: ConcertId) -> tuple[list[ScanOutcome], ScanOutcome]:
        door = qt_run(door_device(ctx, "Test door"))
        concert = next(
            c.concert for c in qt_run(LocalClient.over(ctx).list_on_sale()) if c.concert.id == concert_id
        )
        clock.advance((concert.doors_at - clock.now()).total_seconds() + 600)  # the concert night: doors open
        first = [qt_run(checkin.scan_ticket(ctx, door, t, concert_id=concert_id, gate="Main")) for t in texts]
        again = qt_run(checkin.scan_ticket(ctx, door, texts[0], concert_id=concert_id, gate="Side"))
        return first, again

    return check_in


def _remote_door(qt_run: QtRun, door: DeviceClient) -> CheckIn:
    """The demo door, signed in to the same server: the scans go over HTTPS too."""

    def check_in(texts: list[str], concert_id: ConcertId) -> tuple[list[ScanOutcome], ScanOutcome]:
        assert qt_run(door.enrol(DeviceKind.DOOR, "Demo door")).approved
        first = [qt_run(door.scan(concert_id, "Main", t)) for t in texts]
        return first, qt_run(door.scan(concert_id, "Side", texts[0]))

    return check_in


def _in_process(ctx: ServiceContext, qt_run: QtRun, clock: ManualClock) -> Selling:
    return Selling(LocalClient.over(ctx), ctx.settings, _local_door(qt_run, ctx, clock))


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.redis]),
        pytest.param("remote", marks=[pytest.mark.postgres, pytest.mark.redis]),
    ]
)
def selling(
    request: pytest.FixtureRequest, kiosk_clock: ManualClock, device_keys: dict[str, str]
) -> Iterator[Selling]:
    """The seeded demo in-process on SQLite (local bus) or PostgreSQL (Redis live updates), or behind a real
    encore-server process (TLS) on PostgreSQL + Redis, the kiosk and the door its RemoteClients."""
    # Databases and servers first: their set-up runs private event loops, which cannot start once the Qt loop
    # runs.
    if request.param == "sqlite":
        request.getfixturevalue("demo_sqlite_url")
        qt_run: QtRun = request.getfixturevalue("qt_run")
        yield _in_process(request.getfixturevalue("kiosk_ctx"), qt_run, kiosk_clock)
        return
    if request.param == "remote":
        venue: RemoteVenue = request.getfixturevalue("remote_venue")
        qt_run = request.getfixturevalue("qt_run")
        kiosk, door = venue.client("kiosk_a"), venue.client("door")
        yield Selling(kiosk, venue.settings("kiosk_a"), _remote_door(qt_run, door), venue.tonight)
        qt_run(kiosk.aclose())
        qt_run(door.aclose())
        return
    url = request.getfixturevalue("pg_database_url")
    redis_url = request.getfixturevalue("redis_url")
    qt_run = request.getfixturevalue("qt_run")
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
    yield _in_process(ctx, qt_run, kiosk_clock)
    qt_run(manager.__aexit__(None, None, None))


def test_a_whole_purchase_by_touch_ends_in_tickets_that_check_in(selling, qtbot, qt_run, kiosk_folder):
    kiosk = Kiosk(qtbot, selling.client, selling.settings, kiosk_folder)
    tap(qtbot, kiosk, "buy_tickets")
    qtbot.waitUntil(lambda: kiosk.on(Step.CONCERTS))
    concert = selling.concert or kiosk.flow.state.concerts[0].concert.id
    tap(qtbot, kiosk, f"concert_card_{concert}")
    qtbot.waitUntil(lambda: kiosk.on(Step.SEATS))

    seats = kiosk.free_seats(2)
    for place in seats:
        tap_seat(qtbot, kiosk, place)
    tap(qtbot, kiosk, "continue")
    qtbot.waitUntil(lambda: kiosk.on(Step.REVIEW), timeout=10_000)
    hold = kiosk.flow.state.hold
    assert hold is not None
    assert {p.place_id for p in hold.places} == set(seats)

    tap(qtbot, kiosk, "pay")
    qtbot.waitUntil(lambda: kiosk.on(Step.PAYMENT))
    tap(qtbot, kiosk, "demo_approve")
    qtbot.waitUntil(lambda: kiosk.on(Step.DONE), timeout=20_000)
    order = kiosk.flow.state.order
    assert order is not None
    assert len(order.tickets) == 2
    assert order.code in find(kiosk.window, "order_code").text()

    pdfs = list(kiosk_folder.glob("*.pdf"))
    assert len(pdfs) == 1
    texts = decode_qr_texts(pdfs[0].read_bytes())
    assert len(texts) == 2
    first, again = selling.check_in(texts, concert)
    assert [r.result for r in first] == [ScanResult.ADMIT, ScanResult.ADMIT]
    assert again.result is ScanResult.ALREADY_USED

    tap(qtbot, kiosk, "finish")
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
    selling = _in_process(kiosk_ctx, qt_run, kiosk_clock)
    kiosk = Kiosk(qtbot, selling.client, selling.settings, kiosk_folder, RecordingSpeaker(enabled=False))
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
    first, again = selling.check_in(decode_qr_texts(pdfs[0].read_bytes()), concert.id)
    assert [r.result for r in first] == [ScanResult.ADMIT]
    assert again.result is ScanResult.ALREADY_USED
    qt_run(kiosk.flow.aclose())
