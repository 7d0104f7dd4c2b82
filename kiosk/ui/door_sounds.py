"""The door's verdict sounds (resources/sounds), silent without a word where the machine has no audio output."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtMultimedia import QMediaDevices, QSoundEffect

import resources
from kiosk.viewmodels.door import Tone

SOUNDS_DIR = resources.path("sounds")
_FILES = {Tone.ADMIT: "admit.wav", Tone.REFUSE: "refuse.wav", Tone.WARN: "warn.wav"}


class DoorSounds(QObject):
    """One short sound per verdict tone. With no audio output no QSoundEffect is made at all: playing into
    nothing makes Qt print warnings and puts the effect in an error state."""

    def __init__(self, parent: QObject | None = None, *, directory: Path = SOUNDS_DIR) -> None:
        super().__init__(parent)
        self.audible = bool(QMediaDevices.audioOutputs())
        self.played: list[Tone] = []
        """The last tones asked for (bounded), audible or not: for the diagnostics screen and tests."""
        self._effects: dict[Tone, QSoundEffect] = {}
        if self.audible:
            for tone, name in _FILES.items():
                effect = QSoundEffect(self)
                effect.setSource(QUrl.fromLocalFile(str(directory / name)))
                effect.setVolume(0.9)
                self._effects[tone] = effect

    def play(self, tone: Tone) -> None:
        self.played = [*self.played[-19:], tone]
        effect = self._effects.get(tone)
        if effect is not None:
            effect.play()
