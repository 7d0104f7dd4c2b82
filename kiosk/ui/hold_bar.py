"""The hold's countdown, its warning and 'More time', in one strip above every screen that has places held."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QRect, Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QSizePolicy, QWidget

from kiosk.ui.widgets import BigButton, format_clock, label
from kiosk.viewmodels.flow_state import Countdown, FlowState, Step

translate = QCoreApplication.translate

HOLD_SCREENS = frozenset({Step.SEATS, Step.REVIEW, Step.EMAIL, Step.PAYMENT})
"""Every screen a held place can be on: the buyer sees the clock (and can ask for more time) on each."""


def _keep_space(widget: QWidget) -> None:
    """Hidden, the widget still takes its room: the warning and 'More time' appear without moving anything."""
    policy = widget.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    widget.setSizePolicy(policy)


class HoldBar(QFrame):
    """'Your places are held for you for 9:42'; under a minute a warning (a word and a frame, not only colour)
    and 'More time', in room kept for them from the start."""

    def __init__(self, on_extend: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("countdown")
        self.setProperty("role", "countdown")
        self.setProperty("warning", False)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(28, 6, 12, 6)
        self._grid.setHorizontalSpacing(16)
        self._grid.setVerticalSpacing(0)
        self.caption = label(role="subtitle", wrap=False, name="countdown_caption")
        self.clock = label(role="big_number", wrap=False, name="countdown_clock")
        self.warning = label(role="warning_text", name="countdown_warning")
        self.warning.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        _keep_space(self.warning)
        self.extend = BigButton("extend", "primary")
        self.extend.clicked.connect(on_extend)
        self.extend.setMinimumWidth(240)
        _keep_space(self.extend)
        self._portrait: bool | None = None
        self.set_portrait(False)
        self._last: Countdown | None = None
        self.retranslate()
        self.show_state(None)

    def fit(self, width: int) -> None:
        """For a bar ``width`` px wide: the warning beside the clock, or on a line of its own under it, whichever
        makes the bar lower (large text on a 1280 px window squeezed it beside the clock into five lines)."""
        self.ensurePolished()
        for w in (self.caption, self.clock, self.warning, self.extend):
            w.ensurePolished()
        margins = self._grid.contentsMargins()
        inside = width - margins.left() - margins.right() - 2 * self.frameWidth()
        row = [self.caption, self.clock, self.extend]
        room = inside - sum(w.sizeHint().width() for w in row) - 3 * self._grid.horizontalSpacing()
        tall = max(w.sizeHint().height() for w in row)
        beside = max(tall, self._warning_height(room))
        under = tall + self._grid.verticalSpacing() + self._warning_height(inside)
        self.set_portrait(room <= 0 or under < beside)

    def _warning_height(self, width: int) -> int:
        """The height of the longer warning at ``width`` px, in the warning's font."""
        metrics = self.warning.fontMetrics()
        flags = int(Qt.TextFlag.TextWordWrap)
        texts = (
            translate("Widgets", "⚠ Time is almost up. Tap “More time” if you need it."),
            translate("Widgets", "⚠ Time is almost up. Please pay now or cancel."),
        )
        return max(
            metrics.boundingRect(QRect(0, 0, max(1, width), 100_000), flags, t).height() for t in texts
        )

    def set_portrait(self, portrait: bool) -> None:
        """Landscape: clock, warning and 'More time' on one line. Portrait: the warning on a line of its own
        under them (squeezed between them, it wrapped into a tall, narrow column)."""
        if portrait == self._portrait:
            return
        self._portrait = portrait
        for w in (self.caption, self.clock, self.warning, self.extend):
            self._grid.removeWidget(w)
        center = Qt.AlignmentFlag.AlignVCenter
        self._grid.addWidget(self.caption, 0, 0, center)
        self._grid.addWidget(self.clock, 0, 1, center)
        if portrait:
            self._grid.addWidget(self.extend, 0, 3, center)
            self._grid.addWidget(self.warning, 1, 0, 1, 4)
        else:
            self._grid.addWidget(self.warning, 0, 2)
            self._grid.addWidget(self.extend, 0, 3, center)
        self._grid.setColumnStretch(2, 1)

    def retranslate(self) -> None:
        self.caption.setText(translate("Widgets", "Your places are held for you for"))
        self.extend.set_text(
            translate("Widgets", "More time"), translate("Widgets", "More time: keep my places longer")
        )
        self._show(self._last)

    def show_state(self, state: FlowState | None) -> None:
        shown = state is not None and state.step in HOLD_SCREENS and state.countdown is not None
        self.setVisible(shown)
        self._show(state.countdown if shown and state is not None else None)

    def _show(self, countdown: Countdown | None) -> None:
        self._last = countdown
        if countdown is None:
            return
        self.clock.setText(format_clock(countdown.seconds_left))
        self.clock.setAccessibleName(
            translate("Widgets", "{minutes} minutes {seconds} seconds left").format(
                minutes=countdown.seconds_left // 60, seconds=countdown.seconds_left % 60
            )
        )
        # The text is always set, so the room kept for it fits it before it shows.
        self.warning.setText(
            translate("Widgets", "⚠ Time is almost up. Tap “More time” if you need it.")
            if countdown.can_extend
            else translate("Widgets", "⚠ Time is almost up. Please pay now or cancel.")
        )
        self.warning.setVisible(countdown.warning)
        self.extend.setVisible(countdown.warning and countdown.can_extend)
        if self.property("warning") != countdown.warning:
            self.setProperty("warning", countdown.warning)
            self.style().unpolish(self)
            self.style().polish(self)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
