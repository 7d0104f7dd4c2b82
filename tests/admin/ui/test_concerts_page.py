"""The "Concerts" screen, offscreen: in the signed-in window over the in-process staff client (create a concert
from the form, a bad one points at its field and writes nothing, put it on sale, close sales; cancel a sold
concert after a dialog that names its orders and tickets), and on its own through a real encore-server on
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView

from admin.ui.concerts_page import INVALID, ConcertsPage, _set_wall, _wall
from admin.ui.window import AdminWindow
from admin.viewmodels.concerts import ConcertsViewModel
from admin.viewmodels.navigation import ScreenKey
from admin.viewmodels.sign_in import SignInViewModel
from core.client.staff_local import LocalStaffClient
from core.client.staff_remote import RemoteStaffClient
from core.config import Settings
from core.domain.clock import SystemClock
from core.domain.concerts import ConcertStatus
from core.domain.orders import OrderStatus
from core.domain.plan_spec import GridSection
from core.domain.staff import Role
from core.domain.venues import SectionKind
from core.services import orders, venues
from tests.admin.signing_in import sign_in_through
from tests.builders import ROOT, build_stage, sell
from tests.dbstate import snapshot
from tests.support.api_server import encore_server
from tests.support.context import open_context
from tests.support.staff_api import PASSWORD, make_staff


async def _hall(ctx, name: str = "Encore Hall") -> None:  # type: ignore[no-untyped-def]
    venue = await venues.create_venue(ctx, ROOT, name=name, timezone="Europe/Berlin")
    sections = [
        GridSection("Stalls", SectionKind.SEATED, rows=2, seats_per_row=3),
        GridSection("Floor", SectionKind.STANDING, capacity=5, origin_y=4),
    ]
    await venues.create_plan_from_grid(ctx, ROOT, venue.id, name="Main", sections=sections)


def _fill(page: ConcertsPage, title: str) -> None:
    page.title.setText(title)
    page.artist.setText("The Quartet")
    for row, price in enumerate(("55.00", "25")):
        page.categories.item(row, 1).setText(price)


@pytest.fixture
def window(qtbot: Any, admin_ctx, keyring_backend) -> AdminWindow:
    shown = AdminWindow(SignInViewModel(LocalStaffClient.over(admin_ctx)), "Demo database on this computer")
    qtbot.addWidget(shown)
    shown.resize(1366, 768)
    shown.show()
    return shown


def test_a_manager_runs_concerts_from_the_window(
    qtbot: Any, qt_run: Any, admin_ctx, window: AdminWindow
) -> None:
    stage = qt_run(build_stage(admin_ctx))
    sold = qt_run(sell(admin_ctx, stage, stage.kiosk, stage.seats[:2], "order-1"))
    qt_run(_hall(admin_ctx))
    manager = qt_run(make_staff(admin_ctx, Role.MANAGER))
    shell = sign_in_through(qtbot, window, manager.email)
    page = shell.show_screen(ScreenKey.CONCERTS)
    assert isinstance(page, ConcertsPage)
    qtbot.waitUntil(
        lambda: page.table.rowCount() == 1 and page.categories.rowCount() == 2 and not page.vm.busy
    )
    assert page.table.item(0, 3).text() == "On sale"
    assert (page.table.item(0, 4).text(), page.table.item(0, 5).text()) == ("2", "1")

    # The form starts with one category per section of the chosen plan, each in its own colour.
    page.venue.setCurrentIndex(page.venue.findText("Encore Hall"))
    qtbot.waitUntil(lambda: page.plan.count() == 1 and page.categories.rowCount() == 2 and not page.vm.busy)
    assert [page.categories.item(r, 3).text() for r in range(2)] == ["Stalls", "Floor"]
    assert page.categories.item(0, 2).background().color() == QColor(page.categories.item(0, 2).text())
    assert page.zone_hint.text() == "Times are Europe/Berlin time, where the venue is."

    # Doors after the start: the server's sentence, the field marked, nothing written.
    _fill(page, "Winter Gala")
    _set_wall(page.doors_at, _wall(page.starts_at) + timedelta(minutes=30))
    before = qt_run(snapshot(admin_ctx))
    qtbot.mouseClick(page.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.vm.state.error_code == "doors_after_start" and not page.vm.busy)
    assert page.message.text() == "doors_at: doors must open at or before the start time."
    assert page.doors_at.styleSheet() == INVALID
    assert qt_run(snapshot(admin_ctx)) == before

    _set_wall(page.doors_at, _wall(page.starts_at) - timedelta(minutes=60))
    qtbot.mouseClick(page.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.table.rowCount() == 2 and not page.vm.busy)
    assert page.message.text() == "Winter Gala created as a draft."
    assert page.doors_at.styleSheet() == ""
    assert page.save.text() == "Save changes"
    gala = page.vm.state.current
    assert gala is not None
    assert {(p.name, p.price_minor, p.sections) for p in gala.prices} == {
        ("Stalls", 5500, ("Stalls",)),
        ("Floor", 2500, ("Floor",)),
    }
    row = [page.table.item(r, 0).text() for r in range(2)].index("Winter Gala\nThe Quartet")
    assert page.table.item(row, 3).text() == "Draft"
    assert page.put_on_sale.isEnabled()
    assert not page.close_sales.isEnabled()

    assert page.add_category.isEnabled()
    qtbot.mouseClick(page.put_on_sale, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message.text() == "Winter Gala is on sale." and not page.vm.busy)
    # The form follows: on sale, the prices are fixed (the server would refuse them: prices_locked).
    assert not page.add_category.isEnabled()
    assert page.categories.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert page.prices_hint.text() == "Prices are fixed once a concert has been on sale."
    qtbot.mouseClick(page.close_sales, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: page.message.text() == "Winter Gala no longer sells tickets." and not page.vm.busy
    )
    assert page.put_on_sale.text() == "Reopen sales"

    # Cancel the sold concert: the dialog names what it refunds; keeping it changes nothing.
    page.table.selectRow([page.table.item(r, 0).text() for r in range(2)].index("Night Music\nThe Testers"))
    qtbot.waitUntil(lambda: page.vm.state.selected == stage.id)
    qtbot.mouseClick(page.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.cancel_dialog is not None and page.cancel_dialog.isVisible())
    dialog = page.cancel_dialog
    assert dialog is not None
    assert dialog.text.text() == (
        "Cancel Night Music? 1 order(s) with 2 ticket(s) will be refunded in full, "
        "and the concert cannot be put on sale again."
    )
    assert not dialog.confirm.isEnabled(), "a reason first"
    before = qt_run(snapshot(admin_ctx))
    qtbot.mouseClick(dialog.keep, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.cancel_dialog is None and page.vm.state.question is None)
    assert qt_run(snapshot(admin_ctx)) == before

    qtbot.mouseClick(page.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.cancel_dialog is not None and page.cancel_dialog.isVisible())
    dialog = page.cancel_dialog
    assert dialog is not None
    dialog.reason.setText("The band is ill")
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.vm.state.notice.startswith("Night Music cancelled") and not page.vm.busy)
    assert page.message.text() == "Night Music cancelled; 1 order(s) with 2 ticket(s) refunded."
    assert page.cancel_dialog is None
    row = [page.table.item(r, 0).text() for r in range(2)].index("Night Music\nThe Testers")
    assert (page.table.item(row, 3).text(), page.table.item(row, 4).text()) == ("Cancelled", "0")
    assert not page.cancel.isEnabled()
    assert not page.put_on_sale.isEnabled()
    assert qt_run(orders.find_order(admin_ctx, ROOT, sold.code)).status is OrderStatus.REFUNDED
    qt_run(page.vm.aclose())


@pytest.mark.postgres
def test_the_screen_through_a_real_encore_server(
    qtbot: Any, qt_run: Any, pg_database_url: str, tmp_path: Path
) -> None:
    async def prepare() -> str:
        async with open_context(pg_database_url, SystemClock()) as ctx:
            await _hall(ctx, "Server Hall")
            return (await make_staff(ctx, Role.MANAGER)).email

    email = qt_run(prepare())
    with encore_server(pg_database_url, tmp_path / "server") as server:
        client = RemoteStaffClient(Settings(server_url=server.url, server_ca_file=str(server.ca_file)))
        session = qt_run(client.sign_in(email, PASSWORD))
        page = ConcertsPage(ConcertsViewModel(session))
        qtbot.addWidget(page)
        page.resize(1366, 700)
        page.show()
        qtbot.waitUntil(lambda: page.categories.rowCount() == 2 and not page.vm.busy, timeout=10_000)
        _fill(page, "Server Night")
        qtbot.mouseClick(page.save, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.table.rowCount() == 1 and not page.vm.busy, timeout=10_000)
        qtbot.mouseClick(page.put_on_sale, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: page.table.item(0, 3).text() == "On sale" and not page.vm.busy, timeout=10_000
        )
        qtbot.mouseClick(page.cancel, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.cancel_dialog is not None, timeout=10_000)
        assert page.cancel_dialog is not None
        assert (
            page.cancel_dialog.text.text()
            == "Cancel Server Night? No tickets have been sold, so nothing is refunded."
        )
        page.cancel_dialog.reason.setText("Venue closed")
        qtbot.mouseClick(page.cancel_dialog.confirm, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: page.table.item(0, 3).text() == "Cancelled" and not page.vm.busy, timeout=10_000
        )
        assert page.vm.state.current is not None
        assert page.vm.state.current.concert.status is ConcertStatus.CANCELLED
        qt_run(page.vm.aclose())
        qt_run(client.aclose())
