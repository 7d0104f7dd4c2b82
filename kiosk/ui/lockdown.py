"""Kiosk lockdown: full screen without window controls; only staff leave, by a hidden gesture plus their PIN.

The gesture: 5 taps in the top-left corner (120 px square) within 3 seconds. It opens a staff PIN pad (staff
number, then PIN); the app checks them (core, async) and calls `release()` or `refuse()`. Nothing else closes
the window (Alt+F4 too).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import QApplication, QFrame, QVBoxLayout, QWidget

from kiosk.ui.widgets import BigButton, PinPad, centred, label

TAPS = 5
TAP_WINDOW_S = 3.0
CORNER_PX = 120


class StaffExit(QFrame):
    """The staff PIN overlay the gesture opens."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("staff_exit")
        self.setProperty("role", "scrim")
        outer = QVBoxLayout(self)
        card = QFrame()
        card.setProperty("role", "dialog")
        box = QVBoxLayout(card)
        box.setContentsMargins(40, 32, 40, 32)
        box.setSpacing(16)
        self.title = label(role="title")
        self.problem = label(role="warning_text", name="staff_exit_problem")
        self.pin_pad = PinPad()
        self.cancel = BigButton("staff_exit_cancel")
        self.cancel.clicked.connect(self.hide)
        for w in (self.title, self.problem, self.pin_pad, self.cancel):
            box.addWidget(w)
        outer.addStretch(1)
        outer.addLayout(centred(card))
        outer.addStretch(1)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Staff: enter your staff number, then your PIN, to leave kiosk mode"))
        self.cancel.set_text(self.tr("Cancel"), self.tr("Cancel and stay in kiosk mode"))

    def open(self, problem: str = "") -> None:
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.pin_pad.clear()
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()
        self.pin_pad.keys["1"].setFocus()


class Lockdown(QObject):
    """Installed on a window: makes it full screen and frameless, swallows close, watches for the staff gesture."""

    unlock_requested = Signal(int, str)
    """A staff number and PIN to check; answer with release() or refuse()."""

    def __init__(
        self, window: QWidget, *, monotonic: Callable[[], float] = time.monotonic, watch_taps: bool = True
    ) -> None:
        """``watch_taps`` False: call watch_taps() once the first frame is painted (see MainWindow.watch_input)."""
        super().__init__(window)
        self.window = window
        self._monotonic = monotonic
        self._taps: list[float] = []
        self._last_press: tuple[int, tuple[int, int]] | None = None
        self.unlocked = False
        self.exit_panel = StaffExit(window)
        self.exit_panel.pin_pad.submitted.connect(self.unlock_requested)
        window.installEventFilter(self)  # close: the window's own events only
        if watch_taps:
            self.watch_taps()

    def watch_taps(self) -> None:
        """The staff gesture: presses anywhere in the window (a filter on the whole application)."""
        QApplication.instance().installEventFilter(self)

    def engage(self) -> None:
        self.window.setWindowFlags(
            self.window.windowFlags() | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
        )
        # Full screen is a request to the window manager, and a kiosk often runs on a bare X server without one:
        # then only the window's own geometry counts. Take the screen's geometry ourselves (and again when the
        # screen changes size, a display rotated to portrait), and the keyboard focus no manager would give.
        screen = self.window.screen()
        self.window.setGeometry(screen.geometry())
        self.window.showFullScreen()
        self.window.activateWindow()
        screen.geometryChanged.connect(self._fill_screen)

    def _fill_screen(self) -> None:
        if not self.unlocked:
            self.window.setGeometry(self.window.screen().geometry())

    def release(self) -> None:
        """The PIN was right: the window may close now (the app decides what follows)."""
        self.unlocked = True
        self.exit_panel.hide()
        self.window.close()

    def refuse(self, problem: str = "") -> None:
        self.exit_panel.open(problem or self.tr("That PIN is not right."))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.window and kind == QEvent.Type.Close and not self.unlocked:
            event.ignore()
            return True
        if (
            kind == QEvent.Type.MouseButtonPress
            and isinstance(watched, QWidget)
            and watched.window() is self.window
        ):
            # One press is offered to each parent in turn while it propagates: count it once.
            key = (event.timestamp(), event.globalPosition().toPoint().toTuple())
            if key != self._last_press:
                self._last_press = key
                self._tap(watched.mapTo(self.window, event.position().toPoint()))
        return False

    def _tap(self, where: QPoint) -> None:
        if where.x() > CORNER_PX or where.y() > CORNER_PX:
            self._taps.clear()
            return
        now = self._monotonic()
        self._taps = [t for t in self._taps if now - t <= TAP_WINDOW_S] + [now]
        if len(self._taps) >= TAPS:
            self._taps.clear()
            self.exit_panel.open()
