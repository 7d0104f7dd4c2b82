"""What the kiosk says aloud, behind a small interface: Qt's text-to-speech in the app, a recorder in tests."""

from __future__ import annotations

from typing import Protocol


class Speaker(Protocol):
    """Spoken guidance. `say` is a no-op while speech is off; the buyer turns it on (button or key)."""

    @property
    def enabled(self) -> bool: ...

    # Optional: `available` (bool) is False when no speech engine works here; a speaker without it is taken
    # to work (see speech_available).

    def set_enabled(self, on: bool) -> None: ...

    def say(self, text: str, *, interrupt: bool = True) -> None:
        """Speak `text`; interrupt=True cuts off what is being said (focus moved on), False queues it."""


def speech_available(speaker: object) -> bool:
    """Whether turning speech on makes a sound: a speaker says so with `available`; others are trusted."""
    return bool(getattr(speaker, "available", True))


class SilentSpeaker:
    """Speech that is never on: for door mode and for code paths that have no speaker."""

    enabled = False

    def set_enabled(self, on: bool) -> None:
        pass

    def say(self, text: str, *, interrupt: bool = True) -> None:
        pass


class RecordingSpeaker:
    """Keeps every sentence it would say, for tests (no audio device exists there)."""

    def __init__(self, *, enabled: bool = True, available: bool = True) -> None:
        self.enabled = enabled
        self.available = available
        self.said: list[str] = []

    def set_enabled(self, on: bool) -> None:
        self.enabled = on

    def say(self, text: str, *, interrupt: bool = True) -> None:
        if self.enabled and text:
            self.said.append(text)
