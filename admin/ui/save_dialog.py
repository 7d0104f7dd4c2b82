"""Where to save a file: the system's save dialog, starting in the user's Documents (tests put their own chooser
in its place)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

ChooseFile = Callable[[str, str], Path | None]
"""(suggested file name, filter such as 'CSV files (*.csv)') -> the path chosen, or None."""


def save_dialog(parent: QWidget) -> ChooseFile:
    def choose(suggested: str, kinds: str) -> Path | None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        chosen, _ = QFileDialog.getSaveFileName(
            parent, parent.tr("Save as"), str(Path(folder) / suggested), kinds
        )
        return Path(chosen) if chosen else None

    return choose
