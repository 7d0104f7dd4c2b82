"""Speech through QtTextToSpeech: speech-dispatcher on a kiosk, Qt's 'mock' engine where there is no audio."""

from __future__ import annotations

import logging

from PySide6.QtTextToSpeech import QTextToSpeech

log = logging.getLogger(__name__)

PREFERRED_ENGINES = ("speechd", "flite", "mock")


def pick_engine(available: list[str], wanted: str = "") -> str:
    if wanted and wanted in available:
        return wanted
    return next((e for e in PREFERRED_ENGINES if e in available), available[0] if available else "")


def open_engine(wanted: str = "") -> tuple[str, QTextToSpeech]:
    """The first engine that actually starts: a listed plugin may still fail to load (speechd without
    speech-dispatcher installed), and then the next one is tried; 'mock' speaks nothing but always works."""
    available = QTextToSpeech.availableEngines()
    order = [pick_engine(available, wanted)] + [e for e in PREFERRED_ENGINES if e in available]
    for name in dict.fromkeys(n for n in order if n):
        tts = QTextToSpeech(name)
        if tts.state() is not QTextToSpeech.State.Error:
            if name == "mock" and wanted != "mock":
                log.warning(
                    "no speech engine works here, so spoken guidance is silent; on a kiosk install "
                    "speech-dispatcher and espeak-ng"
                )
            return name, tts
        tts.deleteLater()
    return "", QTextToSpeech()


class QtSpeaker:
    """A Speaker backed by a real QTextToSpeech engine."""

    def __init__(self, engine: str = "", *, locale_name: str = "en") -> None:
        self.engine_name, self._tts = open_engine(engine)
        self.available = self.engine_name not in ("", "mock") or engine == "mock"
        """A real voice: False when only Qt's silent 'mock' engine (or none) started, so the screen can say so."""
        self.enabled = False
        self.said: list[str] = []
        """The last sentences handed to the engine (bounded), for the staff diagnostics screen and tests."""
        self.set_language(locale_name)

    @property
    def engine(self) -> QTextToSpeech:
        return self._tts

    def set_language(self, locale_name: str) -> None:
        from PySide6.QtCore import QLocale

        locale = QLocale(locale_name)
        if locale in self._tts.availableLocales():
            self._tts.setLocale(locale)

    def set_enabled(self, on: bool) -> None:
        self.enabled = on
        if not on:
            self._tts.stop()

    def say(self, text: str, *, interrupt: bool = True) -> None:
        if not self.enabled or not text:
            return
        self.said = [*self.said[-49:], text]
        if interrupt:
            self._tts.say(text)
        else:
            self._tts.enqueue(text)
