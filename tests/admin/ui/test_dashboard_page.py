"""The Dashboard and Door screens, offscreen. Through a real encore-server on PostgreSQL (and Redis for live
events): a kiosk client sells and the dashboard's sold count moves by itself; a door client admits tickets at two
gates and both screens show them per gate; an offline admit of the same ticket at another gate becomes a conflict
that a manager resolves on the Door screen (audited). In the signed-in window: a door account sees only the
door monitor, without the conflicts."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from admin.ui.dashboard_page import DashboardPage
from admin.ui.door_page import DoorPage
from admin.ui.window import AdminWindow
from admin.viewmodels.dashboard import DashboardViewModel
from admin.viewmodels.door_monitor import DoorMonitorViewModel
from admin.viewmodels.sign_in import SignInViewModel
from core.client.remote import RemoteClient, _RemoteDoorLink
from core.client.staff_local import LocalStaffClient
from core.client.staff_remote import RemoteStaffClient
from core.config import Settings
from core.db.tables import audit_log
from core.domain.devices import DeviceKind
from core.domain.door import OfflineAdmit, Replay
from core.domain.health import DeviceHealth
from core.domain.payments import SimulatedCard
from core.domain.places import PlaceState
from core.domain.scans import ScanResult
from core.domain.staff import Role
from core.domain.tickets import Layout
from core.events import watch
from core.ops import seed
from tests.builders import decode_qr_texts
from tests.support.context import open_context
from tests.support.kiosk_server import RemoteVenue, remote_venue
from tests.support.staff_api import PASSWORD, make_staff

NO_REREAD_S = 600.0
"""The live watch's re-reads of the server, made too rare to move a count within any wait of the test."""


def _cell(table: Any, row: int, column: int) -> str:
    item = table.item(row, column)
    return "" if item is None else item.text()


def _row_of(page: DashboardPage, concert_id: int) -> int:
    return next(i for i, c in enumerate(page.vm.state.concerts) if c.id == concert_id)


@pytest.fixture(scope="module")
def venue(
    pg_module_database_url: str, redis_url: str, mqtt_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """A real encore-server that also hears the devices' health on the MQTT broker."""
    manager = next(a for a in seed.DEMO_ACCOUNTS if a.role is Role.MANAGER)
    folder = tmp_path_factory.mktemp("dashboard")
    mqtt = {"ENCORE_MQTT_URL": mqtt_url}
    with remote_venue(pg_module_database_url, redis_url, folder, extra_env=mqtt) as running:
        yield running, manager, pg_module_database_url, mqtt_url


@pytest.mark.postgres
@pytest.mark.allow_log  # on a loaded machine a Redis subscribe may time out: the bus says so, polls, and comes back
def test_the_dashboard_moves_by_itself_and_the_door_screen_resolves_a_conflict(
    qtbot: Any,
    qt_run: Any,
    venue: tuple[RemoteVenue, Any, str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    remote, manager, database_url, mqtt_url = venue
    # The places reach the dashboard through its live watch, which reads the server again only every
    # live_resync_s while live and every watch.POLL_SECONDS (2 s) while live updates are paused. Both are made
    # ten minutes here: within the waits below only an event from the bus can move the held and sold counts.
    monkeypatch.setattr(watch, "POLL_SECONDS", NO_REREAD_S)
    staff_client = RemoteStaffClient(
        Settings(
            server_url=remote.server.url,
            server_ca_file=str(remote.server.ca_file),
            redis_url=remote.redis_url,
            live_resync_s=NO_REREAD_S,
        )
    )
    session = qt_run(staff_client.sign_in(manager.email, manager.password))
    # poll_s is how often the check-ins and the devices' health are read (a scan publishes no event), not the
    # places: short, so the door figures and the printer's state below show within their waits.
    page = DashboardPage(DashboardViewModel(session, poll_s=0.5))
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitUntil(
        lambda: any(c.id == remote.tonight and c.watching for c in page.vm.state.concerts), timeout=15_000
    )
    row = _row_of(page, remote.tonight)
    page.concerts.selectRow(row)
    qtbot.waitUntil(lambda: page.vm.state.selected_id == remote.tonight and page.vm.state.sales is not None)
    # Subscribed to the live events (the watch falls back to polling while they are paused).
    qtbot.waitUntil(lambda: page.vm.state.concerts[row].live, timeout=20_000)
    sold_before = page.vm.state.concerts[row].sold
    assert _cell(page.concerts, row, 3) == str(sold_before)
    assert _cell(page.concerts, row, 2).endswith((" CET", " CEST")), "doors by the venue's clock, named"
    assert page.devices_clock.text() == "Times are Europe/Berlin time, where the venue is."

    kiosk = RemoteClient(replace(remote.settings("kiosk_a"), mqtt_url=mqtt_url))
    enrolled = qt_run(kiosk.enrol(DeviceKind.KIOSK, "Kiosk A"))
    seat_map = qt_run(kiosk.get_seat_map(remote.tonight))
    free = [p.id for p in seat_map.places if p.state is PlaceState.FREE][:3]
    hold = qt_run(kiosk.hold_places(remote.tonight, free, request_key=f"dash-{uuid.uuid4()}"))
    qtbot.waitUntil(lambda: page.vm.state.concerts[row].held >= 3, timeout=10_000)
    # Every view of this concert from the sale on: when it came, its sold count, and whether the watch was live.
    views: list[tuple[float, int, bool]] = []
    page.vm.changed.connect(
        lambda s: views.append((time.monotonic(), s.concerts[row].sold, s.concerts[row].live))
    )
    sold_at = time.monotonic()
    order = qt_run(
        kiosk.pay_and_checkout(hold.id, SimulatedCard(True), idempotency_key=f"dash-{uuid.uuid4()}")
    )
    qtbot.waitUntil(lambda: _cell(page.concerts, row, 3) == str(sold_before + 3), timeout=10_000)
    moved = next(i for i, (_, sold, _) in enumerate(views) if sold == sold_before + 3)
    assert all(live for _, _, live in views[: moved + 1]), (
        views
    )  # never paused: no fallback poll, no reconnect
    assert views[moved][0] - sold_at < NO_REREAD_S / 10  # long before the watch would read the server again
    qtbot.waitUntil(lambda: page.vm.state.sales is not None and page.vm.state.sales.total == sold_before + 3)
    assert page.sales_chart.points[-1][1] == sold_before + 3

    # The kiosk reports its health on MQTT; the server hears it and the dashboard shows it with the sale.
    sink = qt_run(kiosk.open_health_sink())
    assert sink is not None
    now = qt_run(_now(kiosk))
    report = DeviceHealth(enrolled.device.id, "sales", True, True, "out_of_paper", now, now)
    assert qt_run(sink.report(report))
    qtbot.waitUntil(lambda: _printer_of(page, enrolled.device.name) == "out of paper", timeout=15_000)
    assert _status_of(page, enrolled.device.name) == "Online"

    # The door admits two tickets at North and one at South, online through the server.
    texts = decode_qr_texts(qt_run(kiosk.render_order(order.code, Layout.A4)))
    door = remote.client("door")
    qt_run(door.enrol(DeviceKind.DOOR, "Demo door"))
    for text, gate in zip(texts, ("North", "North", "South"), strict=True):
        assert qt_run(door.scan(remote.tonight, gate, text, "in")).result is ScanResult.ADMIT
    qtbot.waitUntil(lambda: "North 2" in page.door_figures.text() and "South 1" in page.door_figures.text(),
                    timeout=10_000)  # fmt: skip
    assert set(page.gate_chart.gates) == {"North", "South"}

    # An offline door at West admitted the first ticket too: a conflict, resolved on the Door screen.
    first = order.tickets[0].id
    link = _RemoteDoorLink(door)  # what the door station replays its offline journal through
    replayed = qt_run(link.replay([OfflineAdmit(str(uuid.uuid4()), first, "West", qt_run(_now(kiosk)))]))
    assert replayed == [Replay.CONFLICT]
    door_page = DoorPage(DoorMonitorViewModel(session, poll_s=60))
    qtbot.addWidget(door_page)
    door_page.resize(1366, 700)
    door_page.show()
    qtbot.waitUntil(lambda: door_page.vm.state.activity is not None and door_page.conflicts.rowCount() == 1,
                    timeout=10_000)  # fmt: skip
    assert door_page.vm.state.selected_id == remote.tonight
    assert {
        _cell(door_page.gates, r, 0): _cell(door_page.gates, r, 1) for r in range(door_page.gates.rowCount())
    } == {
        "North": "2",
        "South": "1",
        "West": "1",
    }
    assert _cell(door_page.conflicts, 0, 0) == order.tickets[0].serial
    door_page.resolution.setCurrentIndex(door_page.resolution.findData("copied_ticket"))
    door_page.note.setText("two guests, one printout")
    qtbot.mouseClick(door_page.resolve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: door_page.conflicts.rowCount() == 0 and not door_page.vm.busy, timeout=10_000)
    assert "resolved" in door_page.message.text()
    entries = qt_run(_resolutions(database_url))
    assert entries[-1][1] == {
        "ticket_id": int(first),
        "resolution": "copied_ticket",
        "note": "two guests, one printout",
    }

    qt_run(sink.aclose())
    qt_run(_clear_retained(mqtt_url, int(enrolled.device.id)))
    qt_run(page.vm.aclose())
    qt_run(door_page.vm.aclose())
    qt_run(staff_client.aclose())
    qt_run(kiosk.aclose())
    qt_run(door.aclose())


def _device_row(page: DashboardPage, name: str) -> int | None:
    return next((r for r in range(page.devices.rowCount()) if _cell(page.devices, r, 0) == name), None)


def _printer_of(page: DashboardPage, name: str) -> str:
    row = _device_row(page, name)
    return "" if row is None else _cell(page.devices, row, 3)


def _status_of(page: DashboardPage, name: str) -> str:
    row = _device_row(page, name)
    return "" if row is None else _cell(page.devices, row, 2)


async def _clear_retained(mqtt_url: str, device_id: int) -> None:
    """Retained reports outlive the test: leave nothing of ours on a shared broker."""
    from urllib.parse import urlsplit

    import aiomqtt

    where = urlsplit(mqtt_url)
    async with aiomqtt.Client(where.hostname or "localhost", where.port or 1883) as raw:
        await raw.publish(f"encore/devices/{device_id}/health", b"", qos=1, retain=True)


async def _now(client: Any) -> Any:
    return client.clock.now()


async def _resolutions(database_url: str) -> list[tuple[str, dict[str, Any]]]:
    from core.domain.clock import SystemClock

    async with open_context(database_url, SystemClock()) as ctx:

        async def read(conn: Any) -> list[tuple[str, dict[str, Any]]]:
            rows = await conn.execute(
                select(audit_log.c.actor, audit_log.c.details)
                .where(audit_log.c.action == "checkin_conflict.resolve")
                .order_by(audit_log.c.id)
            )
            return [(r.actor, r.details) for r in rows]

        return await ctx.db.read(read)


def test_a_door_account_sees_only_the_door_monitor(
    qtbot: Any, qt_run: Any, admin_ctx, keyring_backend
) -> None:
    member = qt_run(make_staff(admin_ctx, Role.DOOR, number=21))
    window = AdminWindow(SignInViewModel(LocalStaffClient.over(admin_ctx)), "Demo database on this computer")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.sign_in.email.setText(member.email)
    window.sign_in.password.setText(PASSWORD)
    qtbot.mouseClick(window.sign_in.sign_in, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.shell is not None)
    assert window.shell is not None
    assert window.shell.titles() == ["Door"]
    door_page = window.shell.built[0]
    assert isinstance(door_page, DoorPage)
    qtbot.waitUntil(lambda: door_page.vm.state.loaded)
    assert not door_page.side.isVisible()  # conflicts are a manager's
    assert door_page.vm.state.error == ""
    window.shell.close_pages()
    qt_run(door_page.vm.aclose())
