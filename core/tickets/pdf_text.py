"""Fonts, ink and text for ticket PDFs: word wrapping, fitting text to a box, and letter-spaced captions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

__all__ = ["Fonts", "Ink", "draw_label", "draw_text", "fit", "fonts", "wrap"]

_FONT_DIRS = (
    Path(__file__).resolve().parents[2] / "resources" / "fonts",
    Path("/usr/share/fonts/truetype/dejavu"),
)


@dataclass(frozen=True, slots=True)
class Fonts:
    regular: str
    bold: str
    mono: str


@lru_cache(maxsize=1)
def fonts() -> Fonts:
    """DejaVu covers Ł, ź, ő and friends that Helvetica's WinAnsi encoding lacks; Helvetica is the last resort."""
    files = {"EncoreSans": "DejaVuSansCondensed.ttf", "EncoreSans-Bold": "DejaVuSansCondensed-Bold.ttf"}
    files["EncoreMono"] = "DejaVuSansMono.ttf"
    for folder in _FONT_DIRS:
        if all((folder / f).is_file() for f in files.values()):
            for name, file in files.items():
                pdfmetrics.registerFont(TTFont(name, str(folder / file)))
            return Fonts("EncoreSans", "EncoreSans-Bold", "EncoreMono")
    return Fonts("Helvetica", "Helvetica-Bold", "Courier")


@dataclass(frozen=True, slots=True)
class Ink:
    accent: Color
    text: Color
    muted: Color
    rule: Color
    watermark: Color


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap; a word wider than the line is broken between characters rather than overflow."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if pdfmetrics.stringWidth(candidate, font, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:
            if pdfmetrics.stringWidth(line + char, font, size) > width and line:
                lines.append(line)
                line = ""
            line += char
    if line:
        lines.append(line)
    return lines or [""]


def fit(
    text: str,
    font: str,
    width: float,
    sizes: tuple[float, float],
    max_lines: int,
    *,
    balance: bool = True,
    budget: float | None = None,
) -> tuple[float, list[str]]:
    """The largest size (in half points) at which text fits in max_lines; at the smallest, an ellipsis ends it.

    `budget` caps lines × size, so a long name shrinks rather than stacking four huge lines. Balanced lines
    (as CSS `text-wrap: balance`) keep a lone last word off a headline's second line."""
    size = sizes[0]
    while True:
        lines = wrap(text, font, size, width)
        if len(lines) <= max_lines and (budget is None or len(lines) * size <= budget or size == sizes[1]):
            return size, (_balanced(text, font, size, width, len(lines)) if balance else lines)
        if size - 0.5 < sizes[1]:
            break
        size -= 0.5
    kept = lines[:max_lines]
    last = kept[-1]
    while last and pdfmetrics.stringWidth(last + "…", font, size) > width:
        last = last[:-1].rstrip()
    kept[-1] = last + "…"
    return size, kept


def _balanced(text: str, font: str, size: float, width: float, count: int) -> list[str]:
    """The narrowest measure that still wraps text into `count` lines, found by bisection."""
    lines = wrap(text, font, size, width)
    if count < 2:
        return lines
    low, high = width / count, width
    for _ in range(10):
        middle = (low + high) / 2
        attempt = wrap(text, font, size, middle)
        if len(attempt) <= count:
            high, lines = middle, attempt
        else:
            low = middle
    return lines


def draw_text(
    c: Canvas,
    x: float,
    top: float,
    lines: list[str],
    font: str,
    size: float,
    color: Color,
    *,
    leading: float = 1.15,
    align: str = "left",
) -> float:
    """Draw lines whose first cap height starts at `top`; returns the y just below the last line's descenders."""
    c.setFillColor(color)
    c.setFont(font, size)
    baseline = top - size * 0.74
    for line in lines:
        if align == "right":
            c.drawRightString(x, baseline, line)
        elif align == "center":
            c.drawCentredString(x, baseline, line)
        else:
            c.drawString(x, baseline, line)
        baseline -= size * leading
    return baseline + size * leading - size * 0.26


def draw_label(
    c: Canvas, x: float, top: float, text: str, ink: Ink, *, size: float = 6.2, align: str = "left"
) -> None:
    """A small letter-spaced caption above a value, e.g. SECTION."""
    font, spacing, text = fonts().bold, size * 0.12, text.upper()
    width = pdfmetrics.stringWidth(text, font, size) + spacing * (len(text) - 1)
    start = x - width if align == "right" else x
    c.setFillColor(ink.muted)
    c.setFont(font, size)
    c.drawString(start, top - size * 0.74, text, charSpace=spacing)
