"""Shared kiosk widgets: big buttons, labels with a type role, the notice banner, a PIN pad, a quantity picker."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QRect, Qt, Signal
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.viewmodels.flow_state import Notice

MIN_TOUCH = 48


# lupdate finds translate("<Context>", "<literal>") calls by name.
translate = QCoreApplication.translate


def label(text: str = "", role: str = "body", *, wrap: bool = True, name: str = "") -> QLabel:
    widget = QLabel(text)
    widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)  # texts come from data: never interpret them as HTML
    if name:
        widget.setObjectName(name)
    return widget


class BigButton(QPushButton):
    """A touch-sized button that says what it does to a screen reader; Enter, Return and Space activate it."""

    def __init__(self, name: str, role: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        if role:
            self.setProperty("role", role)
        self.setMinimumSize(MIN_TOUCH, MIN_TOUCH)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoDefault(False)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_text(self, text: str, spoken: str = "") -> None:
        """The visible text, and what speech says for it (the same sentence unless a fuller one is given)."""
        self.setText(text)
        self.setAccessibleName(spoken or text.replace("\n", ", "))

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.isAutoRepeat():
            self.animateClick()
            return
        super().keyPressEvent(event)


class Reflow(QBoxLayout):
    """A box that lays out side by side on a landscape screen and one above the other on a portrait one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(QBoxLayout.Direction.LeftToRight, parent)

    def set_portrait(self, portrait: bool) -> None:
        self.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)


def centred(widget: QWidget) -> QHBoxLayout:
    """A row that centres `widget` at its preferred width. Unlike addWidget(..., AlignHCenter) it keeps the
    height for that width: a centred card whose text wrapped onto more lines than its size hint assumed was
    given too little height, and squeezed its buttons over each other."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addStretch(1)
    row.addWidget(widget)
    row.addStretch(1)
    return row


def panel(role: str = "panel") -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setProperty("role", role)
    box = QVBoxLayout(frame)
    box.setContentsMargins(32, 28, 32, 28)
    box.setSpacing(18)
    return frame, box


def format_clock(seconds: int) -> str:
    minutes, secs = divmod(max(0, seconds), 60)
    return f"{minutes}:{secs:02d}"


class NoticeBanner(QFrame):
    """The flow's notice: one sentence, with a word for its tone so the meaning never rests on colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice")
        self.setProperty("tone", "info")
        box = QHBoxLayout(self)
        box.setContentsMargins(20, 6, 20, 6)
        self.text = label(role="body", name="notice_text")
        box.addWidget(self.text)
        self._notice: Notice | None = None
        self.lines = 2
        """The lines the header keeps room for: a longer notice is set smaller to fit them, never taller."""
        self._shrunk = 0
        self.hide()

    def lines_height(self, lines: int) -> int:
        """The banner's height for a notice of so many lines in the current font (polished first: themes set it)."""
        shrunk = self._shrunk
        if shrunk:  # measured in the theme's size, not a long notice's smaller one
            self._shrunk = 0
            self.text.setStyleSheet("")
        self.ensurePolished()
        self.text.ensurePolished()
        shown = self.text.text()
        self.text.setText("X")  # the frame's margins and border around one line, as the theme draws them
        chrome = self.sizeHint().height() - self.text.sizeHint().height()
        self.text.setText(shown)
        height = lines * self.text.fontMetrics().lineSpacing() + chrome + 2
        if shrunk:
            self._fit()
        return height

    def show_notice(self, notice: Notice | None) -> None:
        self._notice = notice
        if notice is None:
            self.hide()
            return
        prefix = {
            "warning": translate("Widgets", "Please note:"),
            "error": translate("Widgets", "Problem:"),
        }.get(str(notice.tone), "")
        text = str(notice.text)
        self.text.setText(f"{prefix} {text}" if prefix else text)
        self.setAccessibleName(self.text.text())
        self._fit()
        if self.property("tone") != str(notice.tone):
            self.setProperty("tone", str(notice.tone))
            self.style().unpolish(self)
            self.style().polish(self)
        self.show()

    def _lines_at(self, px: int, width: int) -> int:
        font = self.text.font()
        font.setPixelSize(px)
        metrics = QFontMetrics(font)
        box = metrics.boundingRect(
            QRect(0, 0, max(1, width), 100_000), int(Qt.TextFlag.TextWordWrap), self.text.text()
        )
        return -(-box.height() // metrics.lineSpacing())

    def _fit(self) -> None:
        """The theme's size when the notice fits the lines kept for it, else the largest size (down to 3/4 of
        it) that does: the header, and so the page below it, keeps its height."""
        if self._shrunk:
            self._shrunk = 0
            self.text.setStyleSheet("")
        self.text.ensurePolished()
        normal = self.text.font().pixelSize()
        width = self.text.width()
        if normal <= 0 or width <= 0 or self._lines_at(normal, width) <= self.lines:
            return
        px = normal
        while px > round(normal * 0.75) and self._lines_at(px, width) > self.lines:
            px -= 1
        self._shrunk = px
        self.text.setStyleSheet(f"font-size: {px}px;")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._notice is not None and event.size().width() != event.oldSize().width():
            self._fit()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and self._notice is not None:
            self.show_notice(self._notice)
        super().changeEvent(event)


class PinPad(QWidget):
    """Two steps on one pad: the staff number (shown as typed), then the PIN (shown as dots); 'Clear' and 'OK'.

    `submitted` carries (staff number, PIN) and clears the pad; 'Clear' on an empty PIN goes back to the number.
    The staff number says whose PIN it is, so the server checks one account's PIN, not everyone's.
    """

    submitted = Signal(int, str)

    def __init__(self, *, max_length: int = 12, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._number = ""
        self._pin = ""
        self._on_pin = False
        self._max = max_length
        box = QVBoxLayout(self)
        box.setSpacing(14)
        self.prompt = label("", "body", name="pin_prompt")
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.prompt)
        self.display = label("", "big_number", wrap=False, name="pin_display")
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.display.setMinimumHeight(80)
        box.addWidget(self.display)
        grid = QGridLayout()
        grid.setSpacing(12)
        box.addLayout(grid)
        self.keys: dict[str, BigButton] = {}
        for i, digit in enumerate("1234567890"):
            key = BigButton(f"pin_key_{digit}", "pin")
            key.set_text(digit)
            key.clicked.connect(lambda _=False, d=digit: self._press(d))
            self.keys[digit] = key
            row, col = (3, 1) if digit == "0" else divmod(i, 3)
            grid.addWidget(key, row, col)
        self.clear_key = BigButton("pin_clear", "pin")
        self.clear_key.clicked.connect(self._clear_step)
        grid.addWidget(self.clear_key, 3, 0)
        self.ok_key = BigButton("pin_ok", "pin")  # the themes colour it as the primary action
        self.ok_key.clicked.connect(self._submit)
        grid.addWidget(self.ok_key, 3, 2)
        # A key is as tall as the theme makes it, never squeezed: a squeezed grid drew its rows over each other
        # and cut off the last one (worst once an error line had taken its room on the staff-exit card).
        for key in (*self.keys.values(), self.clear_key, self.ok_key):
            key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.retranslate()
        self._show()

    def retranslate(self) -> None:
        self.clear_key.set_text(translate("Widgets", "Clear"), translate("Widgets", "Clear what was typed"))
        self._show()

    def _press(self, digit: str) -> None:
        if self._on_pin and len(self._pin) < self._max:
            self._pin += digit
        elif not self._on_pin and len(self._number) < 6:
            self._number += digit.lstrip("0") if not self._number else digit
        self._show()

    def clear(self) -> None:
        """Back to the start: no staff number, no PIN."""
        self._number, self._pin, self._on_pin = "", "", False
        self._show()

    def _clear_step(self) -> None:
        if self._on_pin and not self._pin:
            self._on_pin = False
        elif self._on_pin:
            self._pin = ""
        else:
            self._number = ""
        self._show()

    def _submit(self) -> None:
        if not self._on_pin and self._number:
            self._on_pin = True
            self._show()
        elif self._on_pin and self._pin:
            number, pin = int(self._number), self._pin
            self.clear()
            self.submitted.emit(number, pin)

    def _show(self) -> None:
        if self._on_pin:
            self.prompt.setText(
                translate("Widgets", "PIN of staff number {number}").format(number=self._number)
            )
            self.display.setText("●" * len(self._pin) if self._pin else "–")
            entered = translate("Widgets", "{count} digits entered").format(count=len(self._pin))
            self.ok_key.set_text(translate("Widgets", "OK"), translate("Widgets", "Confirm the PIN"))
        else:
            self.prompt.setText(translate("Widgets", "Staff number"))
            self.display.setText(self._number or "–")
            entered = translate("Widgets", "Staff number {number}").format(number=self._number or "–")
            self.ok_key.set_text(translate("Widgets", "Next"), translate("Widgets", "Go on to the PIN"))
        self.display.setAccessibleName(entered)
        enabled = bool(self._pin if self._on_pin else self._number)
        if not enabled and self.ok_key.hasFocus():
            # Disabled with the focus (just tapped), it would pass it down the chain to the screen's Cancel,
            # where the next Enter releases the buyer's places: the focus stays on the pad.
            self.keys["1"].setFocus(Qt.FocusReason.OtherFocusReason)
        self.ok_key.setEnabled(enabled)

    def keyPressEvent(self, event) -> None:
        text = event.text()
        if text.isdigit():
            self._press(text)
        elif event.key() == Qt.Key.Key_Backspace:
            if self._on_pin:
                self._pin = self._pin[:-1]
            else:
                self._number = self._number[:-1]
            self._show()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.ok_key.isEnabled():
            self._submit()
        else:
            super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class QuantityPicker(QWidget):
    """'−  2  +' with big buttons, for quantities; `value` stays within 1..maximum."""

    def __init__(
        self, name: str, on_change: Callable[[int], None] | None = None, *, compact: bool = False
    ) -> None:
        super().__init__()
        self._value, self._max, self._on_change = 1, 1, on_change
        box = QHBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(8 if compact else 10)
        # Compact: a stepper that shares a row with its caption or button (the seats screen's side column).
        self.minus = BigButton(f"{name}_minus", "step" if compact else "key")
        self.plus = BigButton(f"{name}_plus", "step" if compact else "key")
        self.number = label("1", "count" if compact else "big_number", wrap=False, name=f"{name}_value")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number.setMinimumWidth(56 if compact else 90)
        self.minus.clicked.connect(lambda: self.set_value(self._value - 1))
        self.plus.clicked.connect(lambda: self.set_value(self._value + 1))
        box.addWidget(self.minus)
        box.addWidget(self.number)
        box.addWidget(self.plus)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.retranslate()

    @property
    def value(self) -> int:
        return self._value

    def set_maximum(self, maximum: int) -> None:
        self._max = max(0, maximum)
        self.set_value(self._value)

    def set_value(self, value: int) -> None:
        value = max(min(value, self._max), 1 if self._max else 0)
        changed = value != self._value
        self._value = value
        self.number.setText(str(value))
        self.minus.setEnabled(value > 1)
        self.plus.setEnabled(value < self._max)
        self.retranslate()
        if changed and self._on_change is not None:
            self._on_change(value)

    def retranslate(self) -> None:
        self.minus.set_text("−", translate("Widgets", "One fewer, now {n}").format(n=self._value))
        self.plus.set_text("+", translate("Widgets", "One more, now {n}").format(n=self._value))
        self.number.setAccessibleName(translate("Widgets", "{n} places").format(n=self._value))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
