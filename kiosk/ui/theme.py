"""The kiosk's look: QSS themes (default, high contrast) with a large-text scale, switched at runtime."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
THEMES = RESOURCES / "themes"
FONTS = RESOURCES / "fonts"
THEME_NAMES = ("default", "high_contrast")
LARGE_TEXT_SCALE = 1.4

_SIZE = re.compile(r"\b(font-size|min-height|min-width):\s*(\d+)px")


def scale_sizes(qss: str, factor: float) -> str:
    """Large text: every font size (and the minimum sizes that must grow with it) times `factor`."""
    if factor == 1.0:
        return qss
    return _SIZE.sub(lambda m: f"{m.group(1)}: {round(int(m.group(2)) * factor)}px", qss)


def load_fonts() -> None:
    """The bundled DejaVu fonts: the same letters on every kiosk (and in the screenshots), any language."""
    for path in sorted(FONTS.glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(path))


def stylesheet(name: str, *, large_text: bool = False) -> str:
    if name not in THEME_NAMES:
        raise ValueError(f"unknown theme {name!r}; known: {', '.join(THEME_NAMES)}")
    qss = (THEMES / f"{name}.qss").read_text(encoding="utf-8")
    return scale_sizes(qss, LARGE_TEXT_SCALE if large_text else 1.0)


class Theme(QObject):
    """The current look; the welcome screen's toggles switch it. `changed` fires after the sheet is applied."""

    changed = Signal()

    def __init__(self, target: QApplication | QWidget, *, name: str = "default", large_text: bool = False):
        super().__init__()
        self._target = target
        self.name = name
        self.large_text = large_text
        load_fonts()
        self.apply()

    @property
    def high_contrast(self) -> bool:
        return self.name == "high_contrast"

    def set_high_contrast(self, on: bool) -> None:
        self.name = "high_contrast" if on else "default"
        self.apply()

    def set_large_text(self, on: bool) -> None:
        self.large_text = on
        self.apply()

    def apply(self) -> None:
        self._target.setStyleSheet(stylesheet(self.name, large_text=self.large_text))
        self.changed.emit()
