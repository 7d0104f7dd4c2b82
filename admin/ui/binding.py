"""bind(): connect a psygnal signal to a widget slot for exactly as long as the widget lives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from psygnal import SignalInstance
from PySide6.QtCore import QObject


def bind(signal: SignalInstance, slot: Callable[..., Any], owner: QObject) -> None:
    """A psygnal connection outlives the C++ widget; without this, emitting after deleteLater() raises."""
    signal.connect(slot)
    owner.destroyed.connect(lambda *_: signal.disconnect(slot, missing_ok=True))
