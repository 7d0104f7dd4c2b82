"""Signing in through the admin window as a person does: type the address and password, press Sign in."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from admin.ui.shell import Shell
from admin.ui.window import AdminWindow
from tests.support.staff_api import PASSWORD


def sign_in_through(qtbot: Any, window: AdminWindow, email: str, password: str = PASSWORD) -> Shell:
    """Sign in on ``window``'s sign-in screen; the shell once it is the window's page."""
    window.sign_in.email.setText(email)
    window.sign_in.password.setText(password)
    qtbot.mouseClick(window.sign_in.sign_in, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.shell is not None and window.stack.currentWidget() is window.shell)
    assert window.shell is not None
    return window.shell
