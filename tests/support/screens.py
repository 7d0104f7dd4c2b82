"""The kiosk's real screens for offscreen Qt: a 1920x1080, a 1080x1920 and a small 1280x800 display, and windows
that fill them.

Qt's offscreen platform otherwise has one 800x800 screen, and Qt sizes some widgets from their screen (a
QGraphicsView asks for 3/4 of it): a window resized to 1920x1080 there is laid out for a screen it is not on, which
hid the seat screen's overflow. Tests and screenshots run on these screens instead (tests/conftest.py). 1280x800
is the window `make run` opened on a desktop, and a common small kiosk panel.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

CONFIG = Path(__file__).with_name("kiosk_screens.json")
OFFSCREEN = f"offscreen:configfile={CONFIG}"
"""QT_QPA_PLATFORM for the kiosk screens (Qt reads it when the QApplication is created)."""
LANDSCAPE, PORTRAIT, SMALL = (1920, 1080), (1080, 1920), (1280, 800)


def screen_of(size: tuple[int, int]) -> Any:
    """The QScreen of exactly this size, else the first one it fits on (a smaller kiosk display)."""
    from PySide6.QtGui import QGuiApplication

    screens = QGuiApplication.screens()
    fits = [s for s in screens if s.geometry().width() >= size[0] and s.geometry().height() >= size[1]]
    exact = [s for s in fits if s.geometry().size().toTuple() == size]
    if not (exact or fits):
        raise AssertionError(
            f"no screen for {size}: {[s.geometry() for s in screens]}; QT_QPA_PLATFORM={OFFSCREEN}?"
        )
    return (exact or fits)[0]


def fill_screen(window: Any, size: tuple[int, int]) -> None:
    """Put a top-level window on the screen of ``size`` and make it that big, as a kiosk runs."""
    geometry = screen_of(size).geometry()
    window.move(geometry.topLeft())
    window.resize(*size)
