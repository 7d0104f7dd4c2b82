"""Showing a kiosk window that is not locked down: it fills the screen, as a kiosk's screen is filled."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

__all__ = ["show"]


def show(window: QWidget) -> None:
    """A normal window (not locked down): for development, demos and staffed desks; it fills the screen, as a
    kiosk's screen is filled. Maximised where a window manager is there to do it; on a bare X server (none
    answers the request to maximise) it is given the screen's free area itself, as it otherwise stayed at its
    own first size in a corner of a larger screen."""
    window.setGeometry(window.screen().availableGeometry())
    window.showMaximized()
    window.activateWindow()  # no window manager may be there to give it the keyboard (and its focus ring)
