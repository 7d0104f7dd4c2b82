"""A splitter that opens where the manager last left it: its state in QSettings under a key per screen."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter

__all__ = ["remember_splitter"]


def remember_splitter(splitter: QSplitter, key: str) -> bool:
    """Restore ``splitter`` from what was saved under ``key`` and save it whenever it is dragged; whether a
    saved position was used (else the splitter keeps the sizes its stretch factors give)."""
    saved = QSettings().value(key)
    restored = isinstance(saved, QByteArray) and not saved.isEmpty() and splitter.restoreState(saved)
    splitter.splitterMoved.connect(lambda *_: QSettings().setValue(key, splitter.saveState()))
    return restored
