"""'Are you still there?': a card over the whole screen with the seconds left and 'Yes, I need more time'."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from kiosk.ui.widgets import BigButton, centred, label


class IdleDialog(QFrame):
    """An overlay, not a window: it cannot open behind the full-screen kiosk or steal the window manager's focus."""

    def __init__(self, parent: QWidget, on_still_here: Callable[[], None]) -> None:
        super().__init__(parent)
        self.setObjectName("idle_dialog")
        self.setProperty("role", "scrim")
        outer = QVBoxLayout(self)
        card = QFrame()
        card.setProperty("role", "dialog")
        card.setMinimumWidth(640)
        card.setMaximumWidth(900)
        box = QVBoxLayout(card)
        box.setContentsMargins(48, 40, 48, 40)
        box.setSpacing(24)
        self.question = label(role="title", name="idle_question")
        self.question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.seconds = label(role="big_number", wrap=False, name="idle_seconds")
        self.seconds.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.explain = label(role="body")
        self.explain.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.still_here = BigButton("still_here", "primary")
        self.still_here.clicked.connect(on_still_here)
        for w in (self.question, self.seconds, self.explain, self.still_here):
            box.addWidget(w)
        outer.addStretch(1)
        outer.addLayout(centred(card))
        outer.addStretch(1)
        self._left: int | None = None
        self._order_code = ""
        parent.installEventFilter(self)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        self.question.setText(self.tr("Are you still there?"))
        self.still_here.set_text(self.tr("Yes, I need more time"))
        self._show_seconds()

    def show_seconds_left(self, seconds: int | None, order_code: str = "") -> None:
        """None hides the dialog; a number shows it (raised over everything) and moves the focus to the button.
        With an order code the places are paid for: starting over lets nothing go, and staff can print them."""
        was_open = self._left is not None
        self._left = seconds
        self._order_code = order_code
        if seconds is None:
            self.hide()
            return
        self._show_seconds()
        if not was_open:
            self.setGeometry(self.parentWidget().rect())
            self.show()
            self.raise_()
            self.still_here.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_seconds(self) -> None:
        self.explain.setText(
            self.tr(
                "If nobody answers, the kiosk starts over. Your tickets are paid: staff can print them (order {code})."
            ).format(code=self._order_code)
            if self._order_code
            else self.tr("If nobody answers, the kiosk starts over and your places are let go.")
        )
        if self._left is not None:
            self.seconds.setText(self.tr("{seconds} s").format(seconds=self._left))
            self.seconds.setAccessibleName(
                self.tr("Starting over in {seconds} seconds").format(seconds=self._left)
            )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return False

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
