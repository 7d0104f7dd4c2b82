"""A USB/HID "keyboard wedge" scanner: fast bursts of key presses ending in Enter become one scanned text.

The scanner types like a keyboard, only much faster (a few ms between keys), and like a keyboard it presses Shift
before every upper-case letter and shifted symbol. Every printable key press is held back for a moment: if the
next one follows within ``max_gap_ms`` it may be a scan; if not, a person is typing, and the held keys are
delivered to the widget they were meant for, in order. A burst of at least ``min_length`` characters closed by
Enter (CR) or a line feed within the gap is emitted as ``scanned`` and never reaches a widget. Modifier-only
presses (Shift, Ctrl, ...) pass through and never break a burst.

A screen without a text field (the door) sets ``typing=False``: held keys that do not make a scan are a failed
scan, not a person, so they are dropped (with the Enter that ends them) instead of pressing the focused control.
Only a lone Space is delivered there: a person activating the focused control on purpose.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent

__all__ = ["HidScanner"]

log = logging.getLogger(__name__)

_TERMINATOR_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_TERMINATOR_TEXTS = ("\r", "\n")
"""A scanner set to end with a line feed sends Ctrl+J, whose text is LF."""
_MODIFIER_KEYS = frozenset(
    {
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_Meta,
        Qt.Key.Key_Super_L,
        Qt.Key.Key_Super_R,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_NumLock,
    }
)
_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
)


@dataclass(slots=True)
class _Held:
    receiver: QObject
    key: int
    modifiers: Qt.KeyboardModifier
    text: str
    at: float


class HidScanner(QObject):
    """An event filter for the whole application: ``QApplication.instance().installEventFilter(scanner)``."""

    scanned = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        max_gap_ms: float = 50.0,
        min_length: int = 8,
        clock: Callable[[], float] = time.monotonic,
        typing: bool = True,
    ) -> None:
        super().__init__(parent)
        self.max_gap_s = max_gap_ms / 1000
        self.min_length = min_length
        self.typing = typing
        """False: held keys that are not a scan are dropped (a screen with nothing to type into)."""
        self._clock = clock
        self._held: list[_Held] = []
        self._swallowed: set[int] = set()
        """Keys whose press was kept from the widgets: their release must not reach a widget either."""
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, round(max_gap_ms)))
        self._timer.timeout.connect(self._on_timer_timeout)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or not isinstance(event, QKeyEvent):
            return False
        key = event.key()
        if key in _MODIFIER_KEYS:
            return (
                False  # Shift before a capital: the scanner's, or a person's; either way not a key of its own
            )
        if event.type() == QEvent.Type.KeyRelease:
            if key in self._swallowed:
                self._swallowed.discard(key)
                return True
            # The release of a held key is replayed with its press (a button acts on release).
            return any(h.key == key for h in self._held)
        if event.type() != QEvent.Type.KeyPress:
            return False
        now = self._clock()
        text = event.text()
        if (key in _TERMINATOR_KEYS or text in _TERMINATOR_TEXTS) and not event.isAutoRepeat():
            return self._on_terminator(key, now)
        printable = bool(text) and text.isprintable()
        if not printable or event.isAutoRepeat() or event.modifiers() & _COMMAND_MODIFIERS:
            self.flush()  # keep the order: held letters first, then this key
            return False
        if self._held and now - self._held[-1].at > self.max_gap_s:
            self.flush()  # too slow for a scanner: a person typed the held keys
        self._held.append(_Held(watched, key, event.modifiers(), text, now))
        self._timer.start()
        return True

    def _on_terminator(self, key: int, now: float) -> bool:
        held, self._held = self._held, []
        self._timer.stop()
        # A slow gap inside the burst already flushed it, so only the gap before Enter is left to check.
        fast = bool(held) and now - held[-1].at <= self.max_gap_s
        if fast and len(held) >= self.min_length:
            self.scanned.emit("".join(h.text for h in held))
            self._swallowed.add(key)
            return True  # the scanner's Enter must not press a focused button
        delivered = self._deliver(held)
        if held and not delivered:
            self._swallowed.add(key)
            return True  # the end of a failed scan: nothing to press
        return False

    def _on_timer_timeout(self) -> None:
        self.flush()

    def flush(self) -> None:
        """Deliver the held keys as typed (a person, or a scan that never ended with Enter)."""
        held, self._held = self._held, []
        self._timer.stop()
        self._deliver(held)

    def _deliver(self, held: list[_Held]) -> bool:
        """Send the held keys on to their widgets, or drop them where nobody types; True if delivered."""
        if not held:
            return True
        if not self.typing and not (len(held) == 1 and held[0].key == Qt.Key.Key_Space):
            log.info("scanner: %d keys that were not a whole scan were dropped", len(held))
            return False
        self._replaying = True
        try:
            for h in held:
                if not shiboken6.isValid(h.receiver):
                    continue  # the widget went away while its key was held
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QCoreApplication.sendEvent(h.receiver, QKeyEvent(kind, h.key, h.modifiers, h.text))
        finally:
            self._replaying = False
        return True
