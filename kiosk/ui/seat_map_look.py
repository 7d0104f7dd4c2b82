"""The seat map's theme-dependent look: colours and text size, for the default and the high-contrast theme."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QFont, QPalette

LABEL_PX = 20
"""Kiosk body text: map labels keep this on-screen size whatever the zoom (and grow with large text)."""
BODY_PX = 22
"""The themes' base font size (resources/themes/*.qss): a larger widget font means large text is on."""


@dataclass(frozen=True)
class MapColours:
    background: str
    palette: tuple[str, ...]
    """Category colours, dearest category first."""
    dark_marks_on: frozenset[str]
    """Category colours light enough to take dark marks (♿, C)."""
    outline: str
    outline_px: int
    taken: str
    taken_px: int
    selected_fill: str
    selected_line: str
    """The chosen seat's border and tick."""
    neutral_fill: str
    """The legend's symbol rows: a seat of no particular category."""
    label_text: str
    label_plate: str
    stage_fill: str
    stage_text: str
    standing_text: str
    standing_plate: str
    standing_alpha: int
    standing_px: int
    cursor_outer: str
    cursor_inner: str
    cursor_inner_px: int


# Okabe-Ito: distinguishable with the common colour-vision deficiencies. Black is kept for "selected".
DEFAULT = MapColours(
    background="#f7f7f4",
    palette=("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"),
    dark_marks_on=frozenset({"#E69F00", "#56B4E9", "#F0E442"}),
    outline="#2b2b2b",
    outline_px=2,
    taken="#8a8a8a",
    taken_px=3,
    selected_fill="#111111",
    selected_line="#ffffff",
    neutral_fill="#bdbdbd",
    label_text="#333333",
    label_plate="#e6f7f7f4",
    stage_fill="#3a3a3a",
    stage_text="#ffffff",
    standing_text="#1a1a1a",
    standing_plate="#00000000",
    standing_alpha=70,
    standing_px=4,
    cursor_outer="#000000",
    cursor_inner="#ffd400",
    cursor_inner_px=5,
)

# On black: light tints of the same Okabe-Ito hues (each >= 7:1 against black), in an order that keeps
# neighbouring categories far apart in hue. The chosen seat is white with a black tick, the only white fill;
# taken seats stay hollow and crossed, in grey, so colour is never the only cue.
HIGH_CONTRAST = MapColours(
    background="#000000",
    palette=("#56B4E9", "#FFB000", "#3DDC97", "#FF9ED2", "#F0E442", "#FF7F50", "#C3A6FF"),
    dark_marks_on=frozenset({"#56B4E9", "#FFB000", "#3DDC97", "#FF9ED2", "#F0E442", "#FF7F50", "#C3A6FF"}),
    outline="#000000",
    outline_px=3,
    taken="#a6a6a6",
    taken_px=3,
    selected_fill="#ffffff",
    selected_line="#000000",
    neutral_fill="#ffffff",
    label_text="#ffffff",
    label_plate="#e6000000",
    stage_fill="#ffffff",
    stage_text="#000000",
    standing_text="#ffffff",
    standing_plate="#000000",
    standing_alpha=90,
    standing_px=6,
    cursor_outer="#000000",
    cursor_inner="#ffff00",
    cursor_inner_px=7,
)


@dataclass(frozen=True)
class MapLook:
    colours: MapColours = DEFAULT
    label_px: int = LABEL_PX

    @property
    def high_contrast(self) -> bool:
        return self.colours is HIGH_CONTRAST

    def font(self, px: int | None = None) -> QFont:
        font = QFont()
        font.setPixelSize(px or self.label_px)
        font.setBold(True)
        return font


def look_from(palette: QPalette, font: QFont) -> MapLook:
    """The look a themed widget asks for: its style sheet's background picks the colours (a dark background
    is the high-contrast theme), its font size the label size (large text scales every size)."""
    dark = palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5
    px = font.pixelSize()
    label_px = LABEL_PX if px <= 0 else max(LABEL_PX, round(LABEL_PX * px / BODY_PX))
    return MapLook(HIGH_CONTRAST if dark else DEFAULT, label_px)
