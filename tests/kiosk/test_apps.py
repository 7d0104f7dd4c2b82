"""The composition roots: sales mode locked down with its staff exit, door mode from enrolment to a scan, and the
`encore-kiosk` command line."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from core.client.local import LocalClient
from core.domain.checkin import ScanResult
from core.domain.devices import DeviceKind
from core.domain.errors import ErrorCode, StorageUnavailable
from core.domain.orders import Payment
from core.domain.places import PlaceState
from core.ops import seed
from core.services import catalog, checkout, devices, orders, sales, tickets
from kiosk.app import connected, welcome_first
from kiosk.door_app import DoorApp
from kiosk.sales_app import SalesApp
from kiosk.ui.speech import QtSpeaker
from kiosk.viewmodels.flow_state import Step
from tests.builders import ROOT, decode_qr_texts
from tests.core.iot.conftest import collect, subscribed

ROOT_DIR = Path(__file__).resolve().parents[2]


def _staff_pin(role: str) -> tuple[int, str]:
    return next((a.staff_number, a.pin) for a in seed.DEMO_ACCOUNTS if a.role.value == role)


def _corner_taps(qtbot: Any, window: Any, n: int = 5) -> None:
    for _ in range(n):
        qtbot.mouseClick(window, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))


def _staff_exit_panel() -> Any:
    return next(w for w in QApplication.allWidgets() if w.objectName() == "staff_exit")


def _type_pin(qtbot: Any, staff: tuple[int, str]) -> None:
    """The staff number, Next, then the PIN, OK: as staff type them on the lockdown panel."""
    pad = _staff_exit_panel().pin_pad
    for entry in (str(staff[0]), staff[1]):
        for digit in entry:
            qtbot.mouseClick(pad.keys[digit], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(pad.ok_key, Qt.MouseButton.LeftButton)


def test_sales_mode_is_locked_until_a_staff_pin_opens_it(qtbot, qt_run, kiosk_ctx, tmp_path):
    kiosk_ctx.settings = replace(
        kiosk_ctx.settings, kiosk_lockdown=True, kiosk_printer=f"folder:{tmp_path}", kiosk_language="de"
    )
    # Qt's silent engine: no audio device here
    app = SalesApp(LocalClient.over(kiosk_ctx), kiosk_ctx.settings, speaker=QtSpeaker("mock"))
    closed: list[bool] = []
    app.closed.connect(lambda: closed.append(True))
    qt_run(app.start())
    window = app.window
    qtbot.waitUntil(lambda: app.flow.state.step is Step.WELCOME, timeout=10_000)
    assert window.isFullScreen()
    assert app.flow.state.language == "de"

    window.close()  # Alt+F4, the window manager's close: refused
    assert window.isVisible()

    _corner_taps(qtbot, window)
    _type_pin(qtbot, _staff_pin("door"))  # door staff may not leave kiosk mode
    panel = _staff_exit_panel()
    qtbot.waitUntil(lambda: panel.problem.isVisible() and bool(panel.problem.text()), timeout=10_000)
    assert window.isVisible()
    assert not closed

    _type_pin(qtbot, _staff_pin("box_office"))
    qtbot.waitUntil(lambda: bool(closed), timeout=10_000)
    assert not window.isVisible()
    qt_run(app.aclose())


def test_a_staff_pin_typed_before_the_kiosks_first_answer_is_checked_once_it_answers(
    qtbot, qt_run, kiosk_ctx, tmp_path
):
    """Lockdown is up with Welcome, before the client opens: a box-office PIN typed then waits for the kiosk's
    answer and opens it (it used to say "not approved yet" to an approved kiosk)."""
    settings = replace(kiosk_ctx.settings, kiosk_lockdown=True, kiosk_printer=f"folder:{tmp_path}")
    closed: list[bool] = []

    async def start_up() -> None:
        sales = welcome_first(settings, speaker=QtSpeaker("mock"))
        sales.closed.connect(lambda: closed.append(True))
        _corner_taps(qtbot, sales.window)
        _type_pin(qtbot, _staff_pin("box_office"))
        await asyncio.sleep(0.2)
        assert not _staff_exit_panel().problem.text()  # no answer yet, so no verdict either
        assert not closed
        async with connected(sales, settings):
            await _until(lambda: bool(closed))
            await sales.aclose()

    qt_run(start_up(), timeout=30)


def test_a_staff_pin_on_a_kiosk_that_cannot_reach_the_box_office_says_so(
    qtbot, qt_run, kiosk_ctx, tmp_path, expect_log
):
    settings = replace(kiosk_ctx.settings, kiosk_lockdown=True, kiosk_printer=f"folder:{tmp_path}")

    async def start_up() -> None:
        sales = welcome_first(settings, speaker=QtSpeaker("mock"))
        with expect_log("kiosk.viewmodels.sale_flow", "out of service: server_unreachable"):
            sales.cannot_connect(
                StorageUnavailable("The server does not answer.", code=ErrorCode.SERVER_UNREACHABLE)
            )
        _corner_taps(qtbot, sales.window)
        _type_pin(qtbot, _staff_pin("box_office"))
        panel = _staff_exit_panel()
        await _until(lambda: bool(panel.problem.text()))
        assert panel.problem.text() == "The database cannot be reached, so the PIN cannot be checked now."
        assert sales.window.isVisible()
        await sales.aclose()

    qt_run(start_up(), timeout=30)


def test_sales_mode_paints_welcome_first_then_shows_the_kiosks_answer_and_sells(
    qtbot, qt_run, kiosk_ctx, tmp_path
):
    """As `encore-kiosk` starts: Welcome painted before the client exists, then the client opened (core loads),
    the venue on Welcome, the other screens built in the background, and a sale that starts from a tap."""
    settings = replace(kiosk_ctx.settings, kiosk_lockdown=False, kiosk_printer=f"folder:{tmp_path}")
    seen: dict[str, Any] = {}

    async def start_up() -> None:
        sales = welcome_first(settings, speaker=QtSpeaker("mock"))
        window, flow = sales.window, sales.flow
        seen["first"] = (flow.state.step, window.isVisible(), window.current_screen().objectName())
        seen["built"] = {s.step for s in window.screens.built()}
        flow.request_begin()  # a buyer quicker than the database: the tap waits for the kiosk's answer
        async with connected(sales, settings):
            await _until(lambda: flow.state.step is Step.CONCERTS and not flow.state.busy)
            seen["title"] = window.screens[Step.WELCOME].title.text()
            await _until(lambda: len(window.screens.built()) == len(window.screens))
            await sales.aclose()

    qt_run(start_up(), timeout=30)
    assert seen["first"] == (Step.WELCOME, True, "screen_welcome")
    assert seen["built"] == {Step.WELCOME}  # the seat map, payment and printing screens came after
    assert seen["title"] == f"Welcome to {seed.VENUE}"


async def _until(check: Any, within: float = 20.0) -> None:
    async with asyncio.timeout(within):
        while not check():  # noqa: ASYNC110 - polled: the flow's own tasks get there
            await asyncio.sleep(0.01)


def test_door_mode_enrols_then_admits_a_typed_scan_then_says_already_used(
    qtbot, qt_run, kiosk_ctx, kiosk_clock, device_keys, tmp_path
):
    # A ticket sold by the demo kiosk, printed, its QR read back.
    concert = qt_run(catalog.list_on_sale(kiosk_ctx))[0].concert
    seat_map = qt_run(catalog.get_seat_map(kiosk_ctx, concert.id))
    seat = next(p.id for p in seat_map.places if p.row is not None and p.state is PlaceState.FREE)
    kiosk = qt_run(devices.enrol_this_device(kiosk_ctx, kind=DeviceKind.KIOSK, name="Kiosk")).actor
    hold = qt_run(sales.hold_places(kiosk_ctx, kiosk, concert.id, [seat]))
    order = qt_run(
        checkout.checkout_hold(
            kiosk_ctx, kiosk, hold.id, idempotency_key="door-app", payment=Payment("demo", "x", hold.total)
        )
    )
    text = decode_qr_texts(qt_run(tickets.render_order(kiosk_ctx, kiosk, order.code)))[0]
    assert qt_run(orders.find_order(kiosk_ctx, ROOT, order.code)).id == order.id

    kiosk_clock.advance((concert.doors_at - kiosk_clock.now()).total_seconds() + 60)
    kiosk_ctx.settings = replace(
        kiosk_ctx.settings, kiosk_mode="door", kiosk_lockdown=False, device_key_ref=device_keys["door"]
    )
    os.environ["XDG_DATA_HOME"] = str(tmp_path)  # the door's local journal goes to the user's data dir
    try:
        app = DoorApp(LocalClient.over(kiosk_ctx), kiosk_ctx.settings)
        qt_run(app.start())
        qtbot.waitUntil(lambda: app.view_model is not None, timeout=10_000)
        vm = app.view_model
        assert vm is not None
        if vm.state.needs_concert:
            vm.request_choose_concert(concert.id)
        qtbot.waitUntil(lambda: vm.state.concert is not None and not vm.state.busy, timeout=10_000)
        qtbot.keyClicks(app.window.currentWidget(), text)
        qtbot.keyClick(app.window.currentWidget(), Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: vm.state.verdict is not None, timeout=10_000)
        assert vm.state.verdict.result is ScanResult.ADMIT
        qtbot.keyClicks(app.window.currentWidget(), text)
        qtbot.keyClick(app.window.currentWidget(), Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: vm.state.verdict.result is ScanResult.ALREADY_USED, timeout=10_000)
        qt_run(app.aclose())
    finally:
        os.environ.pop("XDG_DATA_HOME", None)


def test_a_staff_pin_typed_while_the_door_starts_is_checked_once_it_answers(
    qtbot, qt_run, kiosk_ctx, device_keys, tmp_path
):
    kiosk_ctx.settings = replace(
        kiosk_ctx.settings, kiosk_mode="door", kiosk_lockdown=True, device_key_ref=device_keys["door"]
    )
    os.environ["XDG_DATA_HOME"] = str(tmp_path)
    try:
        app = DoorApp(LocalClient.over(kiosk_ctx), kiosk_ctx.settings)
        closed: list[bool] = []
        app.closed.connect(lambda: closed.append(True))
        qt_run(app.start())  # its enrolment runs on the loop, which the taps below do not turn
        assert app.waiting.text() == "Starting…"  # no answer yet
        _corner_taps(qtbot, app.window)
        _type_pin(qtbot, _staff_pin("box_office"))  # who may leave kiosk mode
        qtbot.waitUntil(lambda: bool(closed), timeout=10_000)
        assert not _staff_exit_panel().problem.text()
        qt_run(app.aclose())
    finally:
        os.environ.pop("XDG_DATA_HOME", None)


def test_door_mode_on_the_kiosks_key_says_so_on_its_screen(qtbot, qt_run, kiosk_ctx, device_keys, expect_log):
    """A configuration mistake the staff can read: no traceback, no screen stuck on Starting…"""
    kiosk_ctx.settings = replace(
        kiosk_ctx.settings, kiosk_mode="door", kiosk_lockdown=False, device_key_ref=device_keys["kiosk"]
    )
    app = DoorApp(LocalClient.over(kiosk_ctx), kiosk_ctx.settings)
    with expect_log("kiosk.door_app", "door cannot start: device_kind_mismatch"):
        qt_run(app.start())
        qtbot.waitUntil(lambda: "not a door" in app.waiting.text(), timeout=10_000)
    assert "Give this mode its own key (device_key_ref)" in app.waiting.text()
    assert app.view_model is None
    qt_run(app.aclose())


def _kiosk_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        cwd=ROOT_DIR,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command_line_explains_itself_and_refuses_a_bad_config(tmp_path):
    helped = _kiosk_cli("--help")
    assert helped.returncode == 0
    assert "--door" in helped.stdout
    bad = tmp_path / "encore.toml"
    bad.write_text('[encore]\nkiosk_language = "fr"\n')
    refused = _kiosk_cli("--config", str(bad))
    assert refused.returncode == 2
    assert "kiosk_language" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_sales_mode_reports_its_health_over_mqtt(qtbot, qt_run, kiosk_ctx, mqtt_url, tmp_path):
    kiosk_ctx.settings = replace(
        kiosk_ctx.settings, mqtt_url=mqtt_url, kiosk_lockdown=False, kiosk_printer=f"folder:{tmp_path}"
    )
    device = qt_run(devices.enrol_this_device(kiosk_ctx, kind=DeviceKind.KIOSK, name="Kiosk")).device
    topic = f"encore/devices/{device.id}/health"

    async def run_and_listen() -> list[dict[str, Any]]:
        async with subscribed(mqtt_url, topic) as listener:
            app = SalesApp(LocalClient.over(kiosk_ctx), kiosk_ctx.settings, speaker=QtSpeaker("mock"))
            await app.start()
            got = await collect(listener, topic, window_s=3.0)
            await app.aclose()
            await listener.publish(topic, b"", qos=1, retain=True)  # clear the retained report
        return [json.loads(m.payload) for m in got if m.payload]

    reports = qt_run(run_and_listen(), timeout=30)
    mine = [r for r in reports if r["mode"] == "sales"]
    assert mine, reports
    assert mine[-1]["online"] is True
    assert mine[-1]["printer"] == "ok"


def test_the_composition_root_picks_the_client_by_the_server_url(tmp_path):
    from core.client.remote import RemoteClient
    from core.config import Settings
    from kiosk.app import open_client

    embedded = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}")
    assert isinstance(open_client(embedded), LocalClient)
    assert isinstance(open_client(replace(embedded, server_url="https://encore.venue.example")), RemoteClient)


def test_the_kiosk_does_not_log_every_request_to_its_server():
    from kiosk.__main__ import quiet_http_logs

    httpx_log = logging.getLogger("httpx")
    before = httpx_log.level
    try:
        httpx_log.setLevel(logging.NOTSET)
        quiet_http_logs()
        assert not httpx_log.isEnabledFor(logging.INFO)
        assert httpx_log.isEnabledFor(logging.WARNING)
    finally:
        httpx_log.setLevel(before)


def test_a_german_door_app_says_starting_in_german(qtbot, qt_run, kiosk_ctx):
    """Its texts were behind a _tr() wrapper that lupdate cannot see: never in the .ts, never translated."""
    from kiosk.ui.i18n import Languages

    languages = Languages()
    try:
        languages.switch("de")
        settings = replace(kiosk_ctx.settings, kiosk_mode="door", kiosk_lockdown=False)
        app = DoorApp(LocalClient.over(kiosk_ctx), settings, languages=languages)
        assert app.waiting.text() == "Startet …"
        qt_run(app.aclose())
    finally:
        languages.close()


def test_a_door_app_speaks_the_devices_language(qtbot, qt_run, kiosk_ctx):
    """It stayed English whatever kiosk_language said: a German door showed English words and dates."""
    settings = replace(kiosk_ctx.settings, kiosk_mode="door", kiosk_lockdown=False, kiosk_language="de")
    app = DoorApp(LocalClient.over(kiosk_ctx), settings)
    try:
        assert app.languages.current == "de"
        assert app.waiting.text() == "Startet …"
    finally:
        qt_run(app.aclose())
    assert app.languages.current == "en"  # closed with the app: the next window starts from English
