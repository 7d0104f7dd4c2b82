"""Text for ticket PDFs: measuring and drawing with per-glyph font fallback, word wrap, and fitting text to a box."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from core.tickets.pdf_fonts import Fonts, fonts, runs

__all__ = [
    "Fonts",
    "Ink",
    "draw_label",
    "draw_string",
    "draw_text",
    "fit",
    "fonts",
    "label_width",
    "string_width",
    "text_height",
    "widest_word",
    "wrap",
]

# Where a line may break: after spaces, and between CJK characters (which need no spaces), though never
# before closing punctuation or small kana, nor after an opening bracket (the Japanese kinsoku rule, simplified).
_CJK = (
    "\u1100-\u11ff\u2e80-\u2fff\u3001-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
    "\uf900-\ufaff\uff00-\uffef"
)
_NO_START = "、。，．・：；？！ー）」』】〕〉》ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〜…"
_NO_END = "（「『【〔〈《"
# Spaces a line may break at: every Unicode space but the no-break ones ("45,00\u00a0€" stays together).
_SPACES = " \t\n\r\f\v\u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000"
_TOKEN = re.compile(rf"[{_NO_END}]*[{_CJK}][{_NO_START}]*|[^{_SPACES}{_CJK}]+[{_NO_START}]*")
_SIZE_STEP = 0.25
_FAKE_BOLD = 0.03  # outline stroke, in ems, that makes a regular CJK face look as heavy as DejaVu Bold


@dataclass(frozen=True, slots=True)
class Ink:
    accent: Color
    text: Color
    muted: Color
    rule: Color
    watermark: Color


def string_width(text: str, font: str, size: float, char_space: float = 0.0) -> float:
    """The advance of text at `size`, each character measured in the font that will draw it."""
    width = sum(pdfmetrics.stringWidth(run.text, run.font, size) for run in runs(text, font))
    return width + char_space * max(len(text) - 1, 0)


def wrap(text: str, font: str, size: float, width: float) -> tuple[list[str], bool]:
    """Greedy wrap at word (and CJK character) boundaries; a word wider than the line breaks between letters.

    Returns the lines, and whether a word had to be broken to get them."""
    lines: list[str] = []
    line, end, broke = "", 0, False
    for match in _TOKEN.finditer(text):
        word, spaced = match.group(), match.start() > end
        end = match.end()
        candidate = f"{line} {word}" if line and spaced else line + word
        if string_width(candidate, font, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        if string_width(word, font, size) <= width:
            continue
        broke, line = True, ""
        for char in word:
            if string_width(line + char, font, size) > width and line:
                lines.append(line)
                line = ""
            line += char
    if line:
        lines.append(line)
    return lines or [""], broke


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
    """The largest size at which text fits in max_lines, no word broken. Nothing is ever cut off: at the
    smallest size it takes as many lines as it needs, and the caller makes room for them.

    `budget` caps lines × size, so a long name shrinks rather than stacking four huge lines. Balanced lines
    (as CSS `text-wrap: balance`) keep a lone last word off a headline's second line."""
    size = sizes[0]
    while True:
        lines, broke = wrap(text, font, size, width)
        roomy = budget is None or len(lines) * size <= budget
        if len(lines) <= max_lines and not broke and roomy:
            break
        if size - _SIZE_STEP < sizes[1]:
            break
        size -= _SIZE_STEP
    return size, (_balanced(text, font, size, width, lines) if balance else lines)


def _balanced(text: str, font: str, size: float, width: float, lines: list[str]) -> list[str]:
    """The narrowest measure that still wraps text into as many lines, no word broken, found by bisection."""
    count = len(lines)
    if count < 2:
        return lines
    low, high = width / count, width
    for _ in range(10):
        middle = (low + high) / 2
        attempt, broke = wrap(text, font, size, middle)
        if len(attempt) <= count and not broke:
            high, lines = middle, attempt
        else:
            low = middle
    return lines


def draw_string(
    c: Canvas,
    x: float,
    baseline: float,
    text: str,
    font: str,
    size: float,
    color: Color,
    *,
    char_space: float = 0.0,
) -> None:
    """One line from x, each character in a font that has it."""
    t = c.beginText(x, baseline)
    if char_space:
        t.setCharSpace(char_space)
    fake = False
    for run in runs(text, font):
        t.setFont(run.font, size)
        if run.fake_bold != fake:
            t.setTextRenderMode(2 if run.fake_bold else 0)  # 2: fill, then stroke the outline
            fake = run.fake_bold
        t.textOut(run.text)
    if fake:
        t.setTextRenderMode(0)
    c.saveState()
    c.setFillColor(color)
    c.setStrokeColor(color)  # a fake bold's outline is the text's own colour
    c.setLineWidth(size * _FAKE_BOLD)
    c.drawText(t)
    c.restoreState()


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
    baseline = top - size * 0.74
    for line in lines:
        width = string_width(line, font, size)
        start = x - width if align == "right" else x - width / 2 if align == "center" else x
        draw_string(c, start, baseline, line, font, size, color)
        baseline -= size * leading
    return baseline + size * leading - size * 0.26


def text_height(count: int, size: float, leading: float = 1.15) -> float:
    """How far draw_text goes down from `top` for `count` lines."""
    return size + (count - 1) * size * leading


def widest_word(text: str, font: str, size: float) -> float:
    """The narrowest measure text wraps into without breaking a word."""
    return max((string_width(m.group(), font, size) for m in _TOKEN.finditer(text)), default=0.0)


def draw_label(
    c: Canvas, x: float, top: float, text: str, ink: Ink, *, size: float = 6.2, align: str = "left"
) -> None:
    """A small letter-spaced caption above a value, e.g. SECTION."""
    font, spacing, text = fonts().bold, size * 0.12, text.upper()
    width = string_width(text, font, size, spacing)
    start = x - width if align == "right" else x
    draw_string(c, start, top - size * 0.74, text, font, size, ink.muted, char_space=spacing)


def label_width(text: str, size: float = 6.2) -> float:
    return string_width(text.upper(), fonts().bold, size, size * 0.12)
