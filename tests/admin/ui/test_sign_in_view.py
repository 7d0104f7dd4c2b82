"""The sign-in screen and the window around it, offscreen, on the in-process staff client over real services (a
temp SQLite): sign in, see the screens the role may use, sign out; a wrong password and the lock-out show the
server's sentence in the form; "remember me" goes to the keyring and sign-out takes it away."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from PySide6.QtCore import Qt

from admin.ui.window import AdminWindow
from admin.viewmodels.sign_in import SignInViewModel
from core.client.staff_keyring import RememberedSignIn
from core.client.staff_local import LocalStaffClient
from core.domain.staff import Role
from core.services.staff import PASSWORD_LOCKOUT
from tests.support.staff_api import PASSWORD, make_staff

WHERE = "Demo database on this computer (encore.sqlite3)"


@pytest.fixture
def window(qtbot: Any, admin_ctx, keyring_backend) -> AdminWindow:
    vm = SignInViewModel(LocalStaffClient.over(admin_ctx), keeper=RememberedSignIn(admin_ctx.settings))
    shown = AdminWindow(vm, WHERE)
    qtbot.addWidget(shown)
    shown.resize(1280, 800)
    shown.show()
    return shown


def _type_and_sign_in(qtbot: Any, window: AdminWindow, email: str, password: str) -> None:
    form = window.sign_in
    form.email.setText(email)
    form.password.setText(password)
    qtbot.mouseClick(form.sign_in, Qt.MouseButton.LeftButton)


@pytest.mark.parametrize(
    ("role", "titles"),
    [
        (Role.DOOR, ["Door"]),
        (Role.BOX_OFFICE, ["Orders"]),
        (
            Role.ADMIN,
            ["Dashboard", "Concerts", "Venues", "Orders", "Staff", "Devices", "Door", "Audit log", "Exports"],
        ),
    ],
)
def test_signing_in_shows_the_screens_the_role_may_use(
    qtbot, qt_run, admin_ctx, window, role, titles
) -> None:
    member = qt_run(make_staff(admin_ctx, role))
    assert not window.sign_in.google.isVisible()  # Google sign-in is not configured here
    _type_and_sign_in(qtbot, window, member.email, PASSWORD)
    qtbot.waitUntil(lambda: window.shell is not None and window.stack.currentWidget() is window.shell)
    assert window.shell.titles() == titles
    assert window.shell.who.text().startswith(member.display_name)
    assert window.sign_in.password.text() == ""  # the password does not stay in the form
    assert window.shell.pages.currentWidget().objectName() == f"page-{window.shell.screens[0].key}"

    qtbot.mouseClick(window.shell.sign_out, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sign_in)
    assert window.shell is None


def test_a_wrong_password_then_the_lock_out_show_in_the_form(qtbot, qt_run, admin_ctx, window) -> None:
    member = qt_run(make_staff(admin_ctx, Role.MANAGER))
    form = window.sign_in
    assert not form.error.isVisible()
    _type_and_sign_in(qtbot, window, member.email, "")
    qtbot.waitUntil(lambda: form.error.isVisible())
    assert form.error.text() == "Enter your e-mail address and password."
    refusals: list[str] = []
    window._vm.changed.connect(lambda state: refusals.append(state.error_code) if state.error_code else None)
    for attempt in range(PASSWORD_LOCKOUT.max_failures):
        _type_and_sign_in(qtbot, window, member.email, f"wrong password {attempt}")
        qtbot.waitUntil(lambda n=attempt: len(refusals) == n + 1)
    assert refusals == ["sign_in_failed"] * (PASSWORD_LOCKOUT.max_failures - 1) + ["sign_in_locked_out"]
    assert form.error.isVisible()
    assert form.error.text().startswith("Too many wrong passwords: this account takes no sign-in for ")
    assert form.sign_in.isEnabled()
    assert window.stack.currentWidget() is form


def test_remember_me_keeps_the_token_in_the_keyring_until_sign_out(
    qtbot, qt_run, admin_ctx, window, keyring_backend
) -> None:
    member = qt_run(make_staff(admin_ctx, Role.MANAGER))
    window.sign_in.remember.setChecked(True)
    _type_and_sign_in(qtbot, window, member.email, PASSWORD)
    qtbot.waitUntil(lambda: window.shell is not None)
    qtbot.waitUntil(lambda: len(keyring_backend.entries) == 1)
    (token,) = keyring_backend.entries.values()
    assert token == window._vm.session.remember_token

    qtbot.mouseClick(window.shell.sign_out, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sign_in)
    qtbot.waitUntil(lambda: keyring_backend.entries == {})


class _BrowserNeverReturns:
    """A Google sign-in whose browser does not come back (the person walked away)."""

    def __init__(self) -> None:
        self.asked = 0

    async def id_token(self) -> str:
        self.asked += 1
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


def test_waiting_for_google_can_be_cancelled(qtbot, admin_ctx, keyring_backend) -> None:
    google = _BrowserNeverReturns()
    vm = SignInViewModel(LocalStaffClient.over(admin_ctx), google=google)
    window = AdminWindow(vm, WHERE)
    qtbot.addWidget(window)
    window.show()
    form = window.sign_in
    assert form.google.isVisible()
    assert not form.cancel.isVisible()
    qtbot.mouseClick(form.google, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.cancel.isVisible())
    assert form.status.text().startswith("Finish signing in with Google in your browser")
    assert not form.sign_in.isEnabled()
    assert not form.google.isVisible()
    qtbot.mouseClick(form.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.sign_in.isEnabled())
    assert (form.google.isVisible(), form.cancel.isVisible(), form.status.isVisible()) == (True, False, False)
    assert google.asked == 1
