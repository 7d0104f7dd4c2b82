"""The kiosk's look: QSS themes (default, high contrast) with a large-text scale and a compact scale for small
displays, switched at runtime."""

from __future__ import annotations

import re

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

import resources

THEMES = resources.path("themes")
FONTS = resources.path("fonts")
THEME_NAMES = ("default", "high_contrast")
LARGE_TEXT_SCALE = 1.4
COMPACT_SCALE = 0.8
"""The themes are drawn for 1920x1080 and 1080x1920 displays; on a smaller one (1280x800, 1366x768) their sizes
left the seat map a strip and pushed the sale's buttons below the fold."""
COMPACT_BELOW = (1600, 1000)
"""A window whose long side is under 1600 px or whose short side is under 1000 px is a small display."""

_SIZE = re.compile(r"\b(font-size|min-height|min-width):\s*(\d+)px")
_PADDING = re.compile(r"\bpadding:((?:\s*\d+px)+)")


MIN_CONTENT_PX = 42
"""A scaled-down minimum height or width never goes below this: with a button's 3 px border on each side it is
the 48 px touch minimum (a sheet's min-height replaces the minimum the widget sets in code)."""


def scale_sizes(qss: str, factor: float) -> str:
    """Large text: every font size (and the minimum sizes that must grow with it) times `factor`. Scaled down
    (compact), minimum sizes keep the touch minimum (MIN_CONTENT_PX)."""
    if factor == 1.0:
        return qss

    def scaled(m: re.Match[str]) -> str:
        px = int(m.group(2))
        new = round(px * factor)
        if m.group(1) != "font-size" and factor < 1.0:
            new = max(new, min(px, MIN_CONTENT_PX))
        return f"{m.group(1)}: {new}px"

    return _SIZE.sub(scaled, qss)


def scale_padding(qss: str, factor: float) -> str:
    """Compact: the room inside buttons and frames shrinks with their text."""
    if factor == 1.0:
        return qss

    def scaled(m: re.Match[str]) -> str:
        sizes = [round(int(px) * factor) for px in re.findall(r"\d+", m.group(1))]
        return "padding: " + " ".join(f"{px}px" for px in sizes)

    return _PADDING.sub(scaled, qss)


def is_compact(width: int, height: int) -> bool:
    """A display too small for the full-size theme (see COMPACT_BELOW)."""
    return max(width, height) < COMPACT_BELOW[0] or min(width, height) < COMPACT_BELOW[1]


def load_fonts() -> None:
    """The bundled DejaVu fonts: the same letters on every kiosk (and in the screenshots), any language."""
    for path in sorted(FONTS.glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(path))


def stylesheet(name: str, *, large_text: bool = False, compact: bool = False) -> str:
    if name not in THEME_NAMES:
        raise ValueError(f"unknown theme {name!r}; known: {', '.join(THEME_NAMES)}")
    qss = (THEMES / f"{name}.qss").read_text(encoding="utf-8")
    large = LARGE_TEXT_SCALE if large_text else 1.0
    small = COMPACT_SCALE if compact else 1.0
    qss = scale_padding(scale_sizes(qss, large * small), small)
    if not (compact or large_text):
        return qss
    # Slimmer buttons where the seat screen's column stacks many: on a small display, and with large text on any
    # (its column did not fit 1920x1080 and the standing picker fell below the fold).
    slimmer = (THEMES / "slim.qss").read_text(encoding="utf-8")  # its sizes are the compact ones
    return qss + scale_sizes(slimmer, large)


class Theme(QObject):
    """The current look; the welcome screen's toggles switch it. `changed` fires after the sheet is applied."""

    changed = Signal()

    def __init__(self, target: QApplication | QWidget, *, name: str = "default", large_text: bool = False):
        super().__init__()
        self._target = target
        self.name = name
        self.large_text = large_text
        self.compact = False
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

    def set_compact(self, on: bool) -> None:
        """For a small display (the window decides, from its size); a no-op when it already is."""
        if on != self.compact:
            self.compact = on
            self.apply()

    def apply(self) -> None:
        self._target.setStyleSheet(stylesheet(self.name, large_text=self.large_text, compact=self.compact))
        self.changed.emit()
