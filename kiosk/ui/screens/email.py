"""The e-mail address for the tickets, typed on the kiosk's own keyboard; a wrong address is said by the field."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QWidget

from kiosk.ui.onscreen_keyboard import OnScreenKeyboard
from kiosk.ui.screens.base import Screen, ScreenDeps
from kiosk.ui.widgets import BigButton, label, panel
from kiosk.viewmodels.flow_state import FlowState, Step


class EmailScreen(Screen):
    step = Step.EMAIL

    def __init__(self, deps: ScreenDeps) -> None:
        super().__init__(deps)
        self.heading = label(role="title", name="email_title")
        self.back = BigButton("email_back")
        self.back.clicked.connect(lambda: self.flow.request_back())
        head = QHBoxLayout()
        head.addWidget(self.heading, 1)
        head.addWidget(self.back, 0, Qt.AlignmentFlag.AlignTop)
        self.root.addLayout(head)
        frame, box = panel()
        self.field = QLineEdit()
        self.field.setObjectName("email_field")
        self.field.setInputMethodHints(
            Qt.InputMethodHint.ImhEmailCharactersOnly | Qt.InputMethodHint.ImhNoAutoUppercase
        )
        self.field.setMinimumHeight(64)
        self.field.textChanged.connect(self._on_field_changed)
        self.field.returnPressed.connect(self._save)
        # Done beside the field it confirms: on a 1080-pixel screen with large text a row of its own under the
        # keyboard fell below the fold.
        self.done = BigButton("email_done", "primary")
        self.done.setMinimumWidth(280)
        self.done.clicked.connect(self._save)
        field_row = QHBoxLayout()
        field_row.setSpacing(20)
        field_row.addWidget(self.field, 1)
        field_row.addWidget(self.done, 0)
        box.addLayout(field_row)
        # The complaint sits right under the field it is about, and goes when the field changes.
        self._error_lines = 1
        self.error = label(role="warning_text", name="email_error")
        box.addWidget(self.error)
        self._keep_error_room()
        self.keyboard = OnScreenKeyboard(self.field)
        box.addWidget(self.keyboard)
        self.root.addWidget(frame)
        self.root.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("E-mail for your tickets (optional)"))
        self.field.setPlaceholderText(self.tr("name@example.com"))
        self.field.setAccessibleName(self.tr("E-mail address for the tickets, optional"))
        self.back.set_text(self.tr("Back"), self.tr("Back to your places, without changing the address"))
        self.done.set_text(self.tr("Done"), self.tr("Done: use this address"))

    def _on_field_changed(self, text: str) -> None:
        # Keys of the on-screen keyboard change the text without "edited": tell the flow all the same.
        if self.last is None or text.strip() != self.last.email:
            self.flow.set_email(text)

    def _keep_error_room(self) -> None:
        """Room for the complaint, kept when there is none, so the keyboard never moves under a finger: one line
        on a landscape screen (it fits there), two on a portrait one."""
        self.error.ensurePolished()
        self.error.setMinimumHeight(self._error_lines * self.error.fontMetrics().lineSpacing())

    def reflow(self, portrait: bool) -> None:
        self._error_lines = 2 if portrait else 1
        self._keep_error_room()

    def changeEvent(self, event) -> None:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._keep_error_room()
        super().changeEvent(event)

    def _save(self) -> None:
        self.flow.save_email(self.field.text())

    def render(self, state: FlowState) -> None:
        if self.field.text().strip() != state.email:
            self.field.setText(state.email)
        error = str(state.email_error) if state.email_error else ""
        self.error.setText(error)
        self.field.setAccessibleDescription(error)

    def first_focus(self) -> QWidget | None:
        return self.field
