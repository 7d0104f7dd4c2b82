"""Spoken guidance: F1 switches speech on and off; the focused control's name and each new screen are spoken."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.viewmodels.speech import Speaker

SPEECH_KEY = Qt.Key.Key_F1
"""F1 is the key a blind buyer finds without looking (top-left of any keyboard) and means "help" everywhere."""

translate = QCoreApplication.translate


def spoken_name(widget: QWidget | None) -> str:
    """What a screen reader would say for a control: its accessible name, else its visible text."""
    if widget is None:
        return ""
    name = widget.accessibleName()
    if not name and hasattr(widget, "text"):
        text = widget.text()
        name = text if isinstance(text, str) else ""
    description = widget.accessibleDescription()
    return f"{name}. {description}" if name and description else name


class SpeechGuide(QObject):
    """Bridges Qt focus and the kiosk's screens to a Speaker (QtSpeaker in the app, RecordingSpeaker in tests)."""

    toggled = Signal(bool)

    def __init__(self, speaker: Speaker, window: QWidget) -> None:
        super().__init__(window)
        self.speaker = speaker
        self._quiet = 0
        app = QApplication.instance()
        app.focusChanged.connect(self._on_focus_changed)
        # The connection is to the app, which outlives the window: cut it when the window goes.
        window.destroyed.connect(lambda *_: _disconnect(app.focusChanged, self._on_focus_changed))
        self._shortcut = QShortcut(QKeySequence(SPEECH_KEY), window)
        self._shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        self._shortcut.activated.connect(self.toggle)

    @property
    def on(self) -> bool:
        return self.speaker.enabled

    def set_on(self, on: bool) -> None:
        if on == self.speaker.enabled:
            return
        if not on:
            self.speaker.say(translate("Accessibility", "Speech off."))
        self.speaker.set_enabled(on)
        if on:
            self.speaker.say(
                translate(
                    "Accessibility", "Speech on. Press Tab to move, Enter to choose, F1 to turn speech off."
                )
            )
        self.toggled.emit(on)

    def toggle(self) -> None:
        self.set_on(not self.speaker.enabled)

    def say(self, text: str, *, interrupt: bool = True) -> None:
        if self._quiet == 0:
            self.speaker.say(text, interrupt=interrupt)

    def screen_changed(self, spoken: str) -> None:
        """A new screen says where the buyer is (interrupting whatever the last screen was saying)."""
        self.speaker.say(spoken, interrupt=True)

    @contextlib.contextmanager
    def quiet(self) -> Iterator[None]:
        """Focus moves made by the app (a new screen) are not read out: the screen's own summary is."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        text = spoken_name(new)
        if text:
            self.say(text)


def _disconnect(signal, slot) -> None:
    with contextlib.suppress(RuntimeError, TypeError):
        signal.disconnect(slot)
