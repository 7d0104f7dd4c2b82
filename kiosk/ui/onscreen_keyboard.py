"""The kiosk's own keyboard for an e-mail address: a touchscreen kiosk has no keyboard, and no system one."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QGridLayout, QLineEdit, QSizePolicy, QWidget

from kiosk.ui.widgets import BigButton

translate = QCoreApplication.translate

ROWS = ("1234567890", "qwertyuiop", "asdfghjkl-", "zxcvbnm._@")
"""What an address needs, and nothing else: letters, digits and . _ - @ (the rest is rare and can be typed
on a keyboard plugged into the kiosk)."""


def _key_name(char: str) -> str:
    return {"@": "at", ".": "dot", "_": "underscore", "-": "hyphen"}.get(char, char)


class OnScreenKeyboard(QWidget):
    """Types into one QLineEdit; keys never take the focus from it, so the caret stays where the buyer is."""

    def __init__(self, target: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("email_keyboard")
        self._target = target
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        self.keys: dict[str, BigButton] = {}
        for r, row in enumerate(ROWS):
            for c, char in enumerate(row):
                key = self._key(f"osk_{_key_name(char)}", lambda _=False, ch=char: self._type(ch))
                key.set_text(char)
                grid.addWidget(key, r, c)
                self.keys[char] = key
        self.dot_com = self._key("osk_dot_com", lambda: self._type(".com"))
        self.dot_com.set_text(".com")
        self.backspace = self._key("osk_backspace", self._target.backspace)
        self.clear_all = self._key("osk_clear", self._target.clear)
        grid.addWidget(self.dot_com, len(ROWS), 0, 1, 2)
        grid.addWidget(self.clear_all, len(ROWS), 2, 1, 3)
        grid.addWidget(self.backspace, len(ROWS), 5, 1, 5)
        self.retranslate()

    def _key(self, name: str, on_click) -> BigButton:
        key = BigButton(name, "osk")
        # The field keeps the focus (and its caret) while keys are tapped; Tab still reaches them.
        key.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        key.clicked.connect(on_click)
        return key

    def _type(self, text: str) -> None:
        self._target.insert(text)

    def retranslate(self) -> None:
        self.backspace.set_text(
            translate("Keyboard", "⌫ Delete"), translate("Keyboard", "Delete the last letter")
        )
        self.clear_all.set_text(translate("Keyboard", "Clear"), translate("Keyboard", "Clear the address"))
        for char, key in self.keys.items():
            spoken = {
                "@": translate("Keyboard", "at sign"),
                ".": translate("Keyboard", "dot"),
                "_": translate("Keyboard", "underscore"),
                "-": translate("Keyboard", "hyphen"),
            }.get(char, char)
            key.set_text(char, spoken)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
