"""Key events exactly as a USB keyboard-wedge scanner sends them (US layout): a Shift press before every
upper-case letter and shifted symbol, each character pressed and released, then Enter (or a line feed)."""

from __future__ import annotations

import gc

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

__all__ = ["wedge_keys", "wedge_type"]

_SHIFTED = '~!@#$%^&*()_+{}|:"<>?'
_UNSHIFTED_OF = dict(zip(_SHIFTED, "`1234567890-=[]\\;',./", strict=True))

Press = tuple[QEvent.Type, int, Qt.KeyboardModifier, str]


def _key_of(char: str) -> int:
    if char == " ":
        return int(Qt.Key.Key_Space)
    return ord(char.upper())  # Qt's key codes for printable ASCII are the upper-case code points


def wedge_keys(text: str, *, end: str = "enter") -> list[Press]:
    """The key events of one scan. ``end``: "enter" (CR as the Return key), "lf" (Ctrl+J, a line feed) or ""."""
    press, release = QEvent.Type.KeyPress, QEvent.Type.KeyRelease
    none, shift = Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier
    events: list[Press] = []
    for char in text:
        if char.isupper() or char in _SHIFTED:
            # X sends the Shift press without the Shift modifier, and its release with it.
            events.append((press, int(Qt.Key.Key_Shift), none, ""))
            events.append((press, _key_of(char), shift, char))
            events.append((release, _key_of(char), shift, char))
            events.append((release, int(Qt.Key.Key_Shift), shift, ""))
        else:
            events.append((press, _key_of(char), none, char))
            events.append((release, _key_of(char), none, char))
    if end == "enter":
        events.append((press, int(Qt.Key.Key_Return), none, "\r"))
        events.append((release, int(Qt.Key.Key_Return), none, "\r"))
    elif end == "lf":
        control = Qt.KeyboardModifier.ControlModifier
        events.append((press, int(Qt.Key.Key_Control), none, ""))
        events.append((press, int(Qt.Key.Key_J), control, "\n"))
        events.append((release, int(Qt.Key.Key_J), control, "\n"))
        events.append((release, int(Qt.Key.Key_Control), control, ""))
    return events


def wedge_type(target: QWidget, text: str, *, end: str = "enter", pause_before_end_ms: int = 0) -> None:
    """Send one scan's key events to ``target`` (the focused widget) through the application, as X does, so
    application-wide event filters see them first. ``pause_before_end_ms``: a slow scanner (a loaded machine,
    a slow hub) that sends its Enter that long after the last character; the event loop runs meanwhile."""
    events = wedge_keys(text, end=end)
    ending = len(wedge_keys("", end=end))
    # A real scanner's burst takes milliseconds; a full garbage collection of a long test session's heap in the
    # middle of a synthetic one took longer than the gap that ends a scan (a German door read half a ticket).
    collecting = gc.isenabled()
    gc.disable()
    try:
        for index, (kind, key, modifiers, char) in enumerate(events):
            if pause_before_end_ms and ending and index == len(events) - ending:
                QTest.qWait(pause_before_end_ms)
            QApplication.sendEvent(target, QKeyEvent(kind, key, modifiers, char))
    finally:
        if collecting:
            gc.enable()
