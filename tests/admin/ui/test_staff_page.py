"""The "Staff and roles" screen, offscreen: in the signed-in window over the in-process staff client (create an
account with the form, assign a role, reset its password, set a PIN, disable it; the last admin's demotion shows
the server's refusal and changes nothing), and on its own through a real encore-server on PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from admin.ui.staff_page import StaffPage
from admin.ui.window import AdminWindow
from admin.viewmodels.navigation import ScreenKey
from admin.viewmodels.sign_in import SignInViewModel
from admin.viewmodels.staff import StaffViewModel
from core.client.staff_local import LocalStaffClient
from core.client.staff_remote import RemoteStaffClient
from core.config import Settings
from core.domain.clock import SystemClock
from core.domain.staff import Role
from core.services import staff
from tests.admin.signing_in import sign_in_through
from tests.builders import ROOT
from tests.dbstate import snapshot
from tests.support.api_server import encore_server
from tests.support.context import open_context
from tests.support.staff_api import PASSWORD, make_staff


def _click(qtbot: Any, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _row_of(page: StaffPage, email: str) -> int:
    return next(r for r in range(page.table.rowCount()) if page.table.item(r, 2).text() == email)


@pytest.fixture
def window(qtbot: Any, admin_ctx, keyring_backend) -> AdminWindow:
    shown = AdminWindow(SignInViewModel(LocalStaffClient.over(admin_ctx)), "Demo database on this computer")
    qtbot.addWidget(shown)
    shown.resize(1366, 768)
    shown.show()
    return shown


def test_an_admin_manages_staff_in_the_window(
    qtbot: Any, qt_run: Any, admin_ctx, window: AdminWindow
) -> None:
    admin = qt_run(make_staff(admin_ctx, Role.ADMIN, number=1))
    shell = sign_in_through(qtbot, window, admin.email)
    page = shell.show_screen(ScreenKey.STAFF)
    assert isinstance(page, StaffPage)
    qtbot.waitUntil(lambda: page._loaded and not page.vm.busy and page.table.rowCount() == 1)
    assert not page.toggle_active.isEnabled()  # your own account

    page.email.setText("sam@example.org")
    page.display_name.setText("Sam Seller")
    page.new_role.setCurrentIndex(page.new_role.findData(Role.BOX_OFFICE))
    page.password.setText("a long first password")
    _click(qtbot, page.create_account)
    qtbot.waitUntil(lambda: page.table.rowCount() == 2 and not page.vm.busy)
    row = _row_of(page, "sam@example.org")
    assert [page.table.item(row, c).text() for c in (0, 1, 3, 4)] == [
        "2",
        "Sam Seller",
        "Box office",
        "Active",
    ]
    assert page.message.text() == "Sam Seller can now sign in (staff number 2)."

    page.role.setCurrentIndex(page.role.findData(Role.MANAGER))
    _click(qtbot, page.assign_role)
    qtbot.waitUntil(lambda: page.table.item(_row_of(page, "sam@example.org"), 3).text() == "Manager")
    page.pin.setText("864209")
    _click(qtbot, page.set_pin)
    qtbot.waitUntil(lambda: "new kiosk PIN" in page.message.text())
    assert page.pin.text() == ""  # a secret does not stay in the form
    page.new_password.setText("a second long password")
    _click(qtbot, page.reset_password)
    qtbot.waitUntil(lambda: "new password" in page.message.text())
    assert page.toggle_active.text() == "Disable account"
    _click(qtbot, page.toggle_active)
    qtbot.waitUntil(lambda: page.table.item(_row_of(page, "sam@example.org"), 4).text() == "Disabled")
    assert page.toggle_active.text() == "Enable account"
    sam = next(m for m in qt_run(staff.list_staff(admin_ctx, ROOT)) if m.email == "sam@example.org")
    assert (sam.role, sam.active) == (Role.MANAGER, False)

    # The only admin tries to demote themselves: the server's sentence shows, nothing changes.
    page.table.selectRow(_row_of(page, admin.email))
    qtbot.waitUntil(lambda: page.vm.state.selected_id == admin.id)
    page.role.setCurrentIndex(page.role.findData(Role.DOOR))
    before = qt_run(snapshot(admin_ctx))
    _click(qtbot, page.assign_role)
    qtbot.waitUntil(lambda: page.vm.state.error_code == "last_admin" and not page.vm.busy)
    assert "last active admin" in page.message.text()
    assert page.message.objectName() == "error"
    assert page.role.currentData() == Role.ADMIN  # the form shows the role as it still is
    assert qt_run(snapshot(admin_ctx)) == before

    page.pin.setText("12")
    _click(qtbot, page.set_pin)
    qtbot.waitUntil(lambda: page.vm.state.error_code == "pin_invalid" and not page.vm.busy)
    assert qt_run(snapshot(admin_ctx)) == before

    # Sam's PIN for the admin: PINs are unique among staff; the screen says what to do, never whose it is.
    page.pin.setText("864209")
    _click(qtbot, page.set_pin)
    qtbot.waitUntil(lambda: page.vm.state.error_code == "staff_pin_taken" and not page.vm.busy)
    assert "Choose another PIN" in page.message.text()
    assert "Sam" not in page.message.text()
    assert page.message.objectName() == "error"
    assert page.pin.text() == ""
    assert qt_run(snapshot(admin_ctx)) == before


@pytest.mark.postgres
def test_the_screen_through_a_real_encore_server(
    qtbot: Any, qt_run: Any, pg_database_url: str, tmp_path: Path
) -> None:
    async def admin() -> str:
        async with open_context(pg_database_url, SystemClock()) as ctx:
            return (await make_staff(ctx, Role.ADMIN, number=1)).email

    email = qt_run(admin())
    with encore_server(pg_database_url, tmp_path / "server") as server:
        client = RemoteStaffClient(Settings(server_url=server.url, server_ca_file=str(server.ca_file)))
        session = qt_run(client.sign_in(email, PASSWORD))
        page = StaffPage(StaffViewModel(session))
        qtbot.addWidget(page)
        page.resize(1366, 700)
        page.show()
        qtbot.waitUntil(
            lambda: page._loaded and not page.vm.busy and page.table.rowCount() == 1, timeout=10_000
        )
        page.email.setText("door@example.org")
        page.display_name.setText("Dee Door")
        page.new_role.setCurrentIndex(page.new_role.findData(Role.DOOR))
        page.new_pin.setText("135790")
        _click(qtbot, page.create_account)
        qtbot.waitUntil(lambda: page.table.rowCount() == 2 and not page.vm.busy, timeout=10_000)
        page.table.selectRow(_row_of(page, email))
        page.role.setCurrentIndex(page.role.findData(Role.MANAGER))
        _click(qtbot, page.assign_role)
        qtbot.waitUntil(lambda: page.vm.state.error_code == "last_admin", timeout=10_000)
        assert "last active admin" in page.message.text()
        page.pin.setText("135790")  # Dee's: refused by the server's database, with what to do
        _click(qtbot, page.set_pin)
        qtbot.waitUntil(lambda: page.vm.state.error_code == "staff_pin_taken", timeout=10_000)
        assert "Choose another PIN" in page.message.text()
        qt_run(page.vm.aclose())
        qt_run(client.aclose())
