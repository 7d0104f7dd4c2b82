"""The admin app's composition root: QApplication, theme, the staff client (encore-server, or core in this
process on the embedded demo database), Google sign-in and the keyring as configured, the window.

The only module that wires things together; everything it builds is tested on its own.
"""

from __future__ import annotations

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor

import qasync
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from admin.ui.theme import apply_theme
from admin.ui.window import AdminWindow
from admin.viewmodels.sign_in import SignInViewModel
from core.client.google_flow import google_flow
from core.client.protocol import StaffSignIn
from core.client.staff_keyring import Desk, RememberedSignIn, this_desk
from core.config import Settings


def run_app(settings: Settings) -> int:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName("Encore Admin")
    app.setOrganizationName("Encore")  # QSettings: where the screens remember their layout
    # The coroutine stops Qt's loop when it returns, after closing what it opened: quitting on the last
    # window closed stopped the loop under it, and the database and publisher closed with no loop running.
    app.setQuitOnLastWindowClosed(False)
    apply_theme(app)
    code: int = qasync.run(main(settings))
    return code


def where_text(settings: Settings) -> str:
    if settings.server_url:
        return f"Venue server {settings.server_url}"
    return f"Demo database on this computer ({settings.resolved_database_url().rpartition('/')[2]})"


def open_client(settings: Settings, desk: Desk) -> StaffSignIn:
    """encore-server over HTTPS when ``server_url`` is set, else core in this process (the embedded demo)."""
    if settings.server_url:
        from core.client.staff_remote import RemoteStaffClient

        return RemoteStaffClient(settings, desk=desk)
    from core.client.staff_local import LocalStaffClient

    return LocalStaffClient(settings, desk=desk)


def show_window(window: QWidget) -> None:
    """A manager's tables and forms need the room: the window fills the screen's free area. Maximised where a
    window manager does it; on a bare X server (none answers the request) it is given that area itself, as it
    otherwise stayed at a fixed first size in a corner, its titles cut and its buttons crowded."""
    window.setGeometry(window.screen().availableGeometry())
    window.showMaximized()
    window.activateWindow()  # no window manager may be there to give it the keyboard


async def main(settings: Settings) -> int:
    # A plain pool for the keyring and the Google flow's thread (qasync's QThread pool can outlive the loop).
    executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="admin")
    asyncio.get_running_loop().set_default_executor(executor)
    desk = await asyncio.to_thread(this_desk)
    client = open_client(settings, desk)
    async with client:  # type: ignore[attr-defined]
        vm = SignInViewModel(client, google=google_flow(settings), keeper=RememberedSignIn(settings))
        window = AdminWindow(vm, where_text(settings))
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        closed = asyncio.Event()
        window.destroyed.connect(closed.set)
        if (app := QApplication.instance()) is not None:
            app.aboutToQuit.connect(closed.set)  # the desktop session ending
        show_window(window)
        await vm.resume()
        await closed.wait()
        await vm.leave()
    executor.shutdown(wait=False, cancel_futures=True)
    return 0
