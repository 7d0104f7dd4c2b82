"""A venue set up from nothing in the admin window, end to end, offscreen, through a real encore-server on
PostgreSQL (and Redis for the live events), as its manager would do it (issue 12): sign in with a password; on
Venues create the venue, try a bad seating-plan CSV (its problems listed by line, nothing written), import a good
one; on Concerts create a concert on that plan with its prices and put it on sale; approve the kiosk that asks on
Devices; the kiosk sells and the Dashboard's sold count moves by itself, its live watch live; on Orders find the
order and refund it with a reason, its places free again at the server; the audit log (table and screen) holds
every change."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLineEdit, QTableWidget, QWidget
from sqlalchemy import select

from admin.app import where_text
from admin.ui.audit_page import AuditPage
from admin.ui.concerts_page import ConcertsPage, _set_wall
from admin.ui.dashboard_page import DashboardPage
from admin.ui.devices_page import DevicesPage
from admin.ui.orders_page import OrdersPage
from admin.ui.shell import Shell
from admin.ui.venues_page import VenuesPage
from admin.ui.window import AdminWindow
from admin.viewmodels.dashboard import DashboardState
from admin.viewmodels.sign_in import SignInViewModel
from core.client.remote import RemoteClient
from core.client.staff_remote import RemoteStaffClient
from core.config import Settings
from core.db.tables import audit_log, seating_plans
from core.domain.clock import SystemClock
from core.domain.concerts import ConcertStatus
from core.domain.devices import DeviceKind
from core.domain.ids import ConcertId
from core.domain.orders import OrderStatus
from core.domain.payments import StaffPin
from core.domain.places import PlaceState
from core.domain.staff import Role, Staff
from core.services.context import ServiceContext
from tests.dbstate import snapshot
from tests.support.api_server import encore_server
from tests.support.context import open_context
from tests.support.staff_api import PASSWORD, make_staff

# On a loaded machine a Redis subscribe may time out: the bus logs it, polls, and comes back (as the dashboard's
# own test allows); the count must still have moved while live.
pytestmark = [pytest.mark.postgres, pytest.mark.allow_log]

ZONE = "Europe/Berlin"
STAFF_NUMBER, PIN = 7, "135790"
BUYER = "first.guest@example.org"
BAD_CSV = """section,kind,row,seat,x,y,flags,capacity
Stalls,seated,A,1,0,0,wheelchair,
Stalls,seated,A,two,1,0,,
Floor,standing,,,,,,
"""
GOOD_CSV = """section,kind,row,seat,x,y,flags,capacity
Stalls,seated,A,1,0,0,,
Stalls,seated,A,2,1,0,,
Stalls,seated,A,3,2,0,accessible,
Stalls,seated,B,1,0,1,,
Stalls,seated,B,2,1,1,,
Stalls,seated,B,3,2,1,blocked=Press,
Floor,standing,,,,,,20
"""


def _click(qtbot: Any, button: QWidget) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _type(qtbot: Any, edit: QLineEdit, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


def _open(qtbot: Any, shell: Shell, title: str) -> QWidget:
    """Click the screen's name in the list on the left."""
    row = shell.titles().index(title)
    spot = shell.nav.visualItemRect(shell.nav.item(row)).center()
    qtbot.mouseClick(shell.nav.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    qtbot.waitUntil(lambda: shell.pages.currentIndex() == row)
    return shell.built[row]


def _cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return "" if item is None else item.text()


def _row_with(table: QTableWidget, column: int, text: str) -> int:
    return next((r for r in range(table.rowCount()) if _cell(table, r, column) == text), -1)


def _spot(table: QTableWidget, row: int, column: int) -> QPoint:
    item = table.item(row, column)
    assert item is not None
    return table.visualItemRect(item).center()


def _click_row(qtbot: Any, table: QTableWidget, row: int, column: int = 1) -> None:
    spot = _spot(table, row, column)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=spot)


def _type_in_cell(qtbot: Any, table: QTableWidget, row: int, column: int, text: str) -> None:
    """Click the cell, F2, type, Enter: as a person edits a table."""
    spot = _spot(table, row, column)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    qtbot.waitUntil(lambda: (table.currentRow(), table.currentColumn()) == (row, column))
    qtbot.keyClick(table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: any(e.isVisible() for e in table.viewport().findChildren(QLineEdit)))
    editor = next(e for e in table.viewport().findChildren(QLineEdit) if e.isVisible())
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _cell(table, row, column) == text)


def _without_sessions(tables: dict[str, Any]) -> dict[str, Any]:
    """Every table but the sessions: each request slides its session's last use, which writes nothing else."""
    return {name: rows for name, rows in tables.items() if name != "staff_sessions"}


@pytest.fixture
def db(pg_database_url: str, qt_run: Any) -> Iterator[ServiceContext]:
    """The server's database, read on the Qt loop (the account before, snapshots and the audit log after)."""
    manager = open_context(pg_database_url, SystemClock())
    ctx = qt_run(manager.__aenter__())
    yield ctx
    qt_run(manager.__aexit__(None, None, None))


def test_a_manager_sets_up_a_venue_sells_and_refunds_from_the_admin_window(
    qtbot: Any,
    qt_run: Any,
    db: ServiceContext,
    pg_database_url: str,
    redis_url: str,
    keyring_backend: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    admin = qt_run(make_staff(db, Role.ADMIN, pin=PIN, number=STAFF_NUMBER))
    with encore_server(pg_database_url, tmp_path / "server", redis_url=redis_url) as server:
        settings = Settings(server_url=server.url, server_ca_file=str(server.ca_file), redis_url=redis_url)
        client = RemoteStaffClient(settings)
        window = AdminWindow(SignInViewModel(client), where_text(settings))
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        kiosk = RemoteClient(
            Settings(
                server_url=server.url,
                server_ca_file=str(server.ca_file),
                device_key_ref=f"file:{tmp_path / 'kiosk.key'}",
            )
        )
        try:
            _whole_venue(qtbot, qt_run, db, window, kiosk, admin, tmp_path, monkeypatch)
        finally:
            window.close()  # the screens stop their live work
            if window.shell is not None:
                for page in window.shell.built:
                    vm = getattr(page, "vm", None)
                    if vm is not None:
                        qt_run(vm.aclose())
            qt_run(kiosk.aclose())
            qt_run(client.aclose())


def _whole_venue(
    qtbot: Any,
    qt_run: Any,
    db: ServiceContext,
    window: AdminWindow,
    kiosk: RemoteClient,
    admin: Staff,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 1. Sign in with the password; an admin's first screen is the Dashboard, empty on a fresh venue.
    email_field = window.findChild(QLineEdit, "email")
    password_field = window.findChild(QLineEdit, "password")
    assert email_field is not None
    assert password_field is not None
    _type(qtbot, email_field, admin.email)
    _type(qtbot, password_field, PASSWORD)
    _click(qtbot, window.sign_in.sign_in)
    qtbot.waitUntil(
        lambda: window.shell is not None and window.stack.currentWidget() is window.shell, timeout=15_000
    )
    shell = window.shell
    assert shell is not None
    dashboard = shell.pages.currentWidget()
    assert isinstance(dashboard, DashboardPage)
    qtbot.waitUntil(lambda: dashboard.vm.state.loaded and not dashboard.vm.busy, timeout=10_000)
    assert dashboard.summary.text().startswith("No concert today or coming up")

    # 2. Venues: the venue, a bad plan file (every problem by its line, nothing written), then a good one.
    venues = _open(qtbot, shell, "Venues")
    assert isinstance(venues, VenuesPage)
    qtbot.waitUntil(lambda: venues._loaded and not venues.vm.busy, timeout=10_000)
    assert venues.venue_list.count() == 0
    _type(qtbot, venues.venue_name, "Harbour Hall")
    _type(qtbot, venues.timezone, ZONE)
    _click(qtbot, venues.create_venue)
    qtbot.waitUntil(lambda: venues.venue_list.count() == 1 and not venues.vm.busy, timeout=10_000)
    assert venues.venue_list.item(0).text() == f"Harbour Hall  ·  {ZONE}"
    assert venues.tabs.tabText(1) == "Import CSV"
    tabs = venues.tabs.tabBar()
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(1).center())
    qtbot.waitUntil(lambda: venues.choose_file.isVisible())

    bad, good = tmp_path / "hall-draft.csv", tmp_path / "hall.csv"
    bad.write_text(BAD_CSV)
    good.write_text(GOOD_CSV)
    chosen = {"file": bad}
    # The file dialog answers with the file the manager picks.
    monkeypatch.setattr(
        "admin.ui.venues_page.QFileDialog.getOpenFileName", lambda *_a, **_k: (str(chosen["file"]), "")
    )
    before = _without_sessions(qt_run(snapshot(db)))
    _click(qtbot, venues.choose_file)
    assert venues.csv_path.text() == "hall-draft.csv"
    _type(qtbot, venues.csv_plan_name, "Main")
    _click(qtbot, venues.import_file)
    qtbot.waitUntil(lambda: venues.problems.count() == 3 and not venues.vm.busy, timeout=10_000)
    problems = [venues.problems.item(i).text() for i in range(3)]
    assert [p.split(":")[0] for p in problems] == ["Line 2", "Line 3", "Line 4"]
    assert "wheelchair" in problems[0]
    assert venues.problems.isVisible()
    assert venues.message.text().startswith("The file was not imported; nothing was written.")
    assert venues.plan_list.count() == 0
    assert _without_sessions(qt_run(snapshot(db))) == before
    assert not qt_run(snapshot(db))[seating_plans.name]

    chosen["file"] = good
    _click(qtbot, venues.choose_file)
    assert venues.csv_path.text() == "hall.csv"
    _click(qtbot, venues.import_file)
    qtbot.waitUntil(lambda: len(venues.preview.seat_items) == 6 and not venues.vm.busy, timeout=10_000)
    assert [venues.plan_list.item(i).text() for i in range(venues.plan_list.count())] == [
        "Main  ·  26 places"
    ]
    assert not venues.problems.isVisible()
    assert venues.summary.text() == "Harbour Hall · Main: Stalls (6), Floor (20)"
    layout = venues.vm.state.layout
    assert layout is not None
    venue_id, plan_id = layout.plan.venue_id, layout.plan.id

    # 3. Concerts: a concert on that plan, one price per section, sales open now; put on sale.
    concerts = _open(qtbot, shell, "Concerts")
    assert isinstance(concerts, ConcertsPage)
    qtbot.waitUntil(
        lambda: (
            concerts.plan.currentData() == plan_id
            and concerts.categories.rowCount() == 2
            and not concerts.vm.busy
        ),
        timeout=10_000,
    )
    assert concerts.venue.currentData() == venue_id
    assert concerts.table.rowCount() == 0
    assert [_cell(concerts.categories, r, 3) for r in range(2)] == ["Stalls", "Floor"]
    assert concerts.zone_hint.text() == f"Times are {ZONE} time, where the venue is."
    _type(qtbot, concerts.title, "Opening Night")
    _type(qtbot, concerts.artist, "The Harbour Band")
    _type_in_cell(qtbot, concerts.categories, 0, 1, "45.00")
    _type_in_cell(qtbot, concerts.categories, 1, 1, "20")
    # On sale from an hour ago, by the venue's clock (the form's default opens sales in an hour or more).
    wall_now = datetime.now(ZoneInfo(ZONE)).replace(tzinfo=None, second=0, microsecond=0)
    _set_wall(concerts.sales_open_at, wall_now - timedelta(hours=1))
    _click(qtbot, concerts.save)
    qtbot.waitUntil(lambda: concerts.table.rowCount() == 1 and not concerts.vm.busy, timeout=10_000)
    assert concerts.message.text() == "Opening Night created as a draft."
    assert _cell(concerts.table, 0, 3) == "Draft"
    current = concerts.vm.state.current
    assert current is not None
    concert_id = ConcertId(current.concert.id)
    assert {(p.name, p.price_minor, p.sections) for p in current.prices} == {
        ("Stalls", 4500, ("Stalls",)),
        ("Floor", 2000, ("Floor",)),
    }
    assert concerts.put_on_sale.isEnabled()
    _click(qtbot, concerts.put_on_sale)
    qtbot.waitUntil(lambda: concerts.message.text() == "Opening Night is on sale." and not concerts.vm.busy,
                    timeout=10_000)  # fmt: skip
    assert _cell(concerts.table, 0, 3) == "On sale"
    assert concerts.vm.state.current is not None
    assert concerts.vm.state.current.concert.status is ConcertStatus.ON_SALE

    # 4. A kiosk asks to join; the manager approves it on Devices; it sells two seats, paid at the box office.
    pending = qt_run(kiosk.enrol(DeviceKind.KIOSK, "Foyer kiosk"))
    assert not pending.approved
    devices = _open(qtbot, shell, "Devices")
    assert isinstance(devices, DevicesPage)
    qtbot.waitUntil(lambda: _row_with(devices.table, 1, "Foyer kiosk") >= 0 and not devices.vm.busy,
                    timeout=10_000)  # fmt: skip
    row = _row_with(devices.table, 1, "Foyer kiosk")
    assert _cell(devices.table, row, 0) == "Pending"
    assert _cell(devices.table, row, 3) == pending.fingerprint
    _click_row(qtbot, devices.table, row)
    qtbot.waitUntil(lambda: devices.fingerprint.text() == pending.fingerprint)
    _click(qtbot, devices.approve)
    qtbot.waitUntil(
        lambda: (
            _cell(devices.table, _row_with(devices.table, 1, "Foyer kiosk"), 0) == "Approved"
            and not devices.vm.busy
        ),
        timeout=10_000,
    )
    assert qt_run(kiosk.enrol(DeviceKind.KIOSK, "Foyer kiosk")).approved

    # 5. The Dashboard follows the new concert live; the sale moves its sold count with nothing clicked.
    shown = _open(qtbot, shell, "Dashboard")
    assert shown is dashboard

    def ours(state: DashboardState) -> Any:
        return next((c for c in state.concerts if c.id == concert_id), None)

    qtbot.waitUntil(
        lambda: (c := ours(dashboard.vm.state)) is not None and c.watching and c.live, timeout=20_000
    )
    row = next(i for i, c in enumerate(dashboard.vm.state.concerts) if c.id == concert_id)
    assert _cell(dashboard.concerts, row, 0) == "Opening Night — The Harbour Band"
    assert _cell(dashboard.concerts, row, 1) == "Harbour Hall"
    assert [_cell(dashboard.concerts, row, c) for c in (3, 4, 5)] == ["0", "0", "25"]  # one seat blocked
    _click_row(qtbot, dashboard.concerts, row)
    qtbot.waitUntil(lambda: dashboard.vm.state.selected_id == concert_id and dashboard.vm.state.sales is not None,
                    timeout=10_000)  # fmt: skip
    assert dashboard.live.text() == "● Live"
    moves: list[tuple[int, bool]] = []
    dashboard.vm.changed.connect(lambda state: moves.append((c.sold, c.live)) if (c := ours(state)) else None)

    seat_map = qt_run(kiosk.get_seat_map(concert_id))
    seats = {(p.row, p.number): p for p in seat_map.places if p.number is not None}
    assert seats[("B", 3)].state is PlaceState.BLOCKED
    two = [seats[("A", 1)].id, seats[("A", 2)].id]
    free_before = qt_run(kiosk.get_availability(concert_id)).total
    assert free_before == 25
    hold = qt_run(kiosk.hold_places(concert_id, two, request_key=f"whole-venue-{uuid.uuid4()}"))
    order = qt_run(
        kiosk.pay_and_checkout(
            hold.id,
            StaffPin(STAFF_NUMBER, PIN),
            idempotency_key=f"whole-venue-{uuid.uuid4()}",
            buyer_email=BUYER,
        )
    )
    assert len(order.tickets) == 2
    qtbot.waitUntil(lambda: _cell(dashboard.concerts, row, 3) == "2", timeout=10_000)
    assert next(live for sold, live in moves if sold == 2), f"moved while not live: {moves}"
    assert _cell(dashboard.concerts, row, 5) == "23"
    assert dashboard.live.text() == "● Live"
    qtbot.waitUntil(lambda: dashboard.vm.state.sales is not None and dashboard.vm.state.sales.total == 2,
                    timeout=10_000)  # fmt: skip
    assert qt_run(kiosk.get_availability(concert_id)).total == free_before - 2

    # 6. Orders: find the order by its code, refund it all with a reason; its places are free again.
    orders = _open(qtbot, shell, "Orders")
    assert isinstance(orders, OrdersPage)
    qtbot.waitUntil(lambda: orders.vm.state.results is not None and not orders.vm.busy, timeout=10_000)
    _type(qtbot, orders.code, order.code)
    qtbot.keyClick(orders.code, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: _row_with(orders.results, 0, order.code) >= 0 and not orders.vm.busy, timeout=10_000
    )
    assert orders.results.rowCount() == 1
    assert _cell(orders.results, 0, 3) == BUYER
    _click_row(qtbot, orders.results, 0)
    qtbot.waitUntil(lambda: orders.vm.state.order is not None and orders.vm.state.order.code == order.code,
                    timeout=10_000)  # fmt: skip
    assert orders.tickets.rowCount() == 2
    assert {_cell(orders.tickets, r, 4) for r in range(2)} == {"45.00 EUR"}
    _type(qtbot, orders.reason, "Guests cannot come")
    _click(qtbot, orders.refund_all)
    qtbot.waitUntil(lambda: orders.refund_dialog is not None and orders.refund_dialog.isVisible())
    assert orders.refund_dialog is not None
    assert orders.refund_dialog.text.text().startswith(
        f"Refund every valid ticket of order {order.code} (90.00 EUR) because: Guests cannot come?"
    )
    _click(qtbot, orders.refund_dialog.confirm)
    qtbot.waitUntil(lambda: orders.vm.state.notice.startswith("Refunded 2 ticket"), timeout=10_000)
    assert [_cell(orders.tickets, r, 5) for r in range(2)] == ["Refunded", "Refunded"]
    assert _cell(orders.results, 0, 5) == "Refunded"
    assert orders.vm.state.order is not None
    assert orders.vm.state.order.status is OrderStatus.REFUNDED
    assert qt_run(kiosk.get_availability(concert_id)).total == free_before
    places = {p.id: p.state for p in qt_run(kiosk.get_seat_map(concert_id)).places}
    assert [places[p] for p in two] == [PlaceState.FREE, PlaceState.FREE]
    # The dashboard, out of sight, follows the refund too.
    qtbot.waitUntil(lambda: (c := ours(dashboard.vm.state)) is not None and c.sold == 0, timeout=10_000)

    # 7. The audit log: each change, by this admin, in the table and on its screen.
    async def entries(conn: Any) -> list[tuple[str, str, str, dict[str, Any]]]:
        rows = await conn.execute(
            select(audit_log.c.actor, audit_log.c.action, audit_log.c.subject, audit_log.c.details).order_by(
                audit_log.c.id
            )
        )
        return [(r.actor, r.action, r.subject, r.details) for r in rows]

    logged = qt_run(db.db.read(entries))
    by_admin = [(action, subject) for actor, action, subject, _ in logged if actor == f"staff:{admin.id}"]
    changes = [
        ("venue_created", f"venue:{venue_id}"),
        ("plan_created", f"plan:{plan_id}"),
        ("concert_created", f"concert:{concert_id}"),
        ("concert_on_sale", f"concert:{concert_id}"),
        ("device_approved", f"device:{pending.device.id}"),
        ("refund", f"order:{order.code}"),
    ]
    assert [entry for entry in by_admin if entry in changes] == changes, logged
    assert len([e for e in logged if e[1] == "plan_created"]) == 1, "the refused file wrote nothing"
    refund = next(details for _, action, _, details in logged if action == "refund")
    assert refund["reason"] == "Guests cannot come"
    assert refund["amount_minor"] == 9000

    audit = _open(qtbot, shell, "Audit log")
    assert isinstance(audit, AuditPage)
    qtbot.waitUntil(lambda: audit.vm.state.total >= len(changes) and not audit.vm.busy, timeout=10_000)
    shown_rows = {(_cell(audit.table, r, 2), _cell(audit.table, r, 3)) for r in range(audit.table.rowCount())}
    for action, subject in changes:
        assert (action.replace("_", " ").capitalize(), subject) in shown_rows, (action, shown_rows)
