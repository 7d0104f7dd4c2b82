"""The "Devices" screen, offscreen: in the signed-in window over the in-process staff client (pending first with
its fingerprint, approve, rename, revoke only once the tickets' fate is chosen; a taken name shows the server's
refusal and changes nothing), and through a real encore-server on PostgreSQL, where a kiosk enrols, waits, is
approved on this screen and sells, then is revoked here and refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from admin.ui.devices_page import DevicesPage
from admin.ui.window import AdminWindow
from admin.viewmodels.devices import DevicesViewModel
from admin.viewmodels.navigation import ScreenKey
from admin.viewmodels.sign_in import SignInViewModel
from core.client.remote import RemoteClient
from core.client.staff_local import LocalStaffClient
from core.client.staff_remote import RemoteStaffClient
from core.config import Settings
from core.domain.devices import DeviceKind, DeviceStatus
from core.domain.errors import EncoreError
from core.domain.payments import SimulatedCard
from core.domain.places import PlaceState
from core.domain.staff import Role
from core.ops import seed
from core.security.device_keys import DeviceKey
from core.services import devices
from tests.admin.signing_in import sign_in_through
from tests.dbstate import snapshot
from tests.support.kiosk_server import RemoteVenue, remote_venue
from tests.support.staff_api import make_staff


def _click(qtbot: Any, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _row(page: DevicesPage, name: str) -> int:
    return next(r for r in range(page.table.rowCount()) if page.table.item(r, 1).text() == name)


def _status(page: DevicesPage, name: str) -> str:
    return page.table.item(_row(page, name), 0).text()


@pytest.fixture
def window(qtbot: Any, admin_ctx, keyring_backend) -> AdminWindow:
    shown = AdminWindow(SignInViewModel(LocalStaffClient.over(admin_ctx)), "Demo database on this computer")
    qtbot.addWidget(shown)
    shown.resize(1366, 768)
    shown.show()
    return shown


def test_a_manager_approves_renames_and_revokes_in_the_window(
    qtbot: Any, qt_run: Any, admin_ctx, window: AdminWindow
) -> None:
    key = DeviceKey.generate()
    qt_run(devices.register_device(admin_ctx, name="Door B", kind=DeviceKind.DOOR))
    qt_run(
        devices.register_device(
            admin_ctx, name="Kiosk 2", kind=DeviceKind.KIOSK, public_key=key.public_key_bytes
        )
    )
    manager = qt_run(make_staff(admin_ctx, Role.MANAGER))
    shell = sign_in_through(qtbot, window, manager.email)
    page = shell.show_screen(ScreenKey.DEVICES)
    assert isinstance(page, DevicesPage)
    qtbot.waitUntil(lambda: page.table.rowCount() == 2 and not page.vm.busy)
    row = _row(page, "Kiosk 2")
    assert page.table.item(row, 3).text() == key.fingerprint
    assert page.table.item(row, 4).text() == "never"
    page.table.selectRow(row)
    qtbot.waitUntil(lambda: page.fingerprint.text() == key.fingerprint)
    assert page.approve.isEnabled()

    _click(qtbot, page.approve)
    qtbot.waitUntil(lambda: _status(page, "Kiosk 2") == "Approved" and not page.vm.busy)
    assert page.message.text() == "Kiosk 2 is approved: it may sell now."
    assert not page.approve.isEnabled()

    before = qt_run(snapshot(admin_ctx))
    page.new_name.setText("Door B")
    _click(qtbot, page.rename)
    qtbot.waitUntil(lambda: page.vm.state.error_code == "device_exists" and not page.vm.busy)
    assert "already registered" in page.message.text()
    assert page.message.objectName() == "error"
    assert qt_run(snapshot(admin_ctx)) == before

    page.new_name.setText("Kiosk foyer")
    _click(qtbot, page.rename)
    qtbot.waitUntil(lambda: page.vm.state.notice == "Renamed to Kiosk foyer.")
    assert not page.revoke.isEnabled()  # revoking is for good: first say what becomes of its tickets
    page.distrust.setChecked(True)
    assert page.revoke.isEnabled()
    _click(qtbot, page.revoke)
    qtbot.waitUntil(lambda: page.revoke_dialog is not None and page.revoke_dialog.isVisible())
    dialog = page.revoke_dialog
    assert dialog is not None
    assert "Revoke Kiosk foyer for good?" in dialog.text.text()
    assert "REFUSED at the door" in dialog.text.text()
    _click(qtbot, dialog.keep)  # the default answer: nothing happens
    qtbot.waitUntil(lambda: page.revoke_dialog is None and page.vm.state.question is None)
    assert _status(page, "Kiosk foyer") == "Approved"
    _click(qtbot, page.revoke)
    qtbot.waitUntil(lambda: page.revoke_dialog is not None and page.revoke_dialog.isVisible())
    assert page.revoke_dialog is not None
    _click(qtbot, page.revoke_dialog.confirm)
    qtbot.waitUntil(lambda: _status(page, "Kiosk foyer") == "Revoked" and not page.vm.busy)
    assert page.revoke_dialog is None
    assert "NOT VALID" in page.message.text()
    assert _row(page, "Kiosk foyer") == 1  # revoked ones go last
    assert not page.revoke.isEnabled()


@pytest.fixture(scope="module")
def venue(
    pg_module_database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """A real encore-server with the demo seeded (set up before the Qt loop runs), and the demo's manager."""
    manager = next(a for a in seed.DEMO_ACCOUNTS if a.role is Role.MANAGER)
    with remote_venue(pg_module_database_url, redis_url, tmp_path_factory.mktemp("devices")) as running:
        yield running, manager


@pytest.mark.postgres
def test_a_pending_kiosk_is_approved_here_and_sells_then_is_revoked(
    qtbot: Any, qt_run: Any, venue: tuple[RemoteVenue, Any], tmp_path: Path
) -> None:
    remote, manager = venue
    kiosk = RemoteClient(
        Settings(
            server_url=remote.server.url,
            server_ca_file=str(remote.server.ca_file),
            device_key_ref=f"file:{tmp_path / 'kiosk_c.key'}",
            demo_mode=True,
        )
    )
    pending = qt_run(kiosk.enrol(DeviceKind.KIOSK, "Kiosk C"))
    assert not pending.approved
    staff_client = RemoteStaffClient(
        Settings(server_url=remote.server.url, server_ca_file=str(remote.server.ca_file))
    )
    session = qt_run(staff_client.sign_in(manager.email, manager.password))
    page = DevicesPage(DevicesViewModel(session))
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitUntil(lambda: page.table.rowCount() >= 4 and not page.vm.busy, timeout=10_000)
    assert _row(page, "Kiosk C") == 0  # pending first
    assert page.table.item(0, 3).text() == pending.fingerprint
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.fingerprint.text() == pending.fingerprint)
    _click(qtbot, page.approve)
    qtbot.waitUntil(lambda: _status(page, "Kiosk C") == "Approved" and not page.vm.busy, timeout=10_000)

    assert qt_run(kiosk.enrol(DeviceKind.KIOSK, "Kiosk C")).approved
    seat_map = qt_run(kiosk.get_seat_map(remote.tonight))
    free = next(p for p in seat_map.places if p.state is PlaceState.FREE)
    hold = qt_run(kiosk.hold_places(remote.tonight, [free.id], request_key="devices-page-1"))
    order = qt_run(kiosk.pay_and_checkout(hold.id, SimulatedCard(True), idempotency_key="devices-page-1"))
    assert len(order.tickets) == 1
    page.vm.request_load()
    qtbot.waitUntil(lambda: page.table.item(_row(page, "Kiosk C"), 4).text() != "never", timeout=10_000)

    page.table.selectRow(_row(page, "Kiosk C"))
    qtbot.waitUntil(lambda: page.vm.state.selected is not None and page.vm.state.selected.name == "Kiosk C")
    page.keep.setChecked(True)
    _click(qtbot, page.revoke)
    qtbot.waitUntil(lambda: page.revoke_dialog is not None and page.revoke_dialog.isVisible())
    assert page.revoke_dialog is not None
    assert "The tickets it sold stay valid." in page.revoke_dialog.text.text()
    _click(qtbot, page.revoke_dialog.confirm)
    qtbot.waitUntil(lambda: _status(page, "Kiosk C") == "Revoked" and not page.vm.busy, timeout=10_000)
    assert page.vm.state.selected is not None
    assert page.vm.state.selected.status is DeviceStatus.REVOKED
    with pytest.raises(EncoreError, match="revoked") as refused:
        qt_run(kiosk.hold_places(remote.tonight, [free.id], request_key="devices-page-2"))
    assert refused.value.code in {"device_not_approved", "unauthenticated"}
    qt_run(page.vm.aclose())
    qt_run(staff_client.aclose())
    qt_run(kiosk.aclose())
