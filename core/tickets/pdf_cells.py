"""Rows of label-over-value cells (SECTION / Stalls Left …) that print every value whole, at one size a row."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from core.tickets.pdf_text import (
    Ink,
    draw_label,
    draw_text,
    fonts,
    label_width,
    string_width,
    text_height,
    widest_word,
    wrap,
)

__all__ = ["Cell", "RowPlan", "draw_row", "plan_row"]

_GAP = 4 * mm  # between two cells
_VALUE_DROP = 3.6 * mm  # from the caption's top to the value's
_STEP = 0.25
_LEADING = 1.1


@dataclass(frozen=True, slots=True)
class Cell:
    caption: str
    value: str
    share: float
    """The cell's share of the row's spare width: where the values are short, the cells sit at these shares."""
    wraps: bool = True
    """False for a value read as one piece (a price, a seat number): it shrinks but never breaks."""


@dataclass(frozen=True, slots=True)
class RowPlan:
    """Where each cell of a row goes and how its value wraps, all values at one size so the row reads even."""

    cells: tuple[Cell, ...]
    size: float
    lefts: tuple[float, ...]
    widths: tuple[float, ...]
    lines: tuple[tuple[str, ...], ...]

    @property
    def height(self) -> float:
        return _VALUE_DROP + text_height(max(len(v) for v in self.lines), self.size, _LEADING)


def plan_row(cells: list[Cell], w: float, sizes: tuple[float, float], max_lines: int) -> RowPlan:
    """The largest size (down to sizes[1]) at which every value fits on max_lines without a broken word.

    Values first shrink together; a row still too long then wraps its wordy values. Below the smallest size
    nothing is cut off: values take the lines they need, and the caller's layout makes room."""
    # A little shrinking reads better than a wrapped line, and two lines better than three.
    passes = [(n, floor) for n, floor in ((1, 0.8), (2, 0.65)) if n < max_lines] + [(max_lines, 0.0)]
    for lines, floor in passes:
        smallest = max(sizes[1], sizes[0] * floor)
        size = sizes[0]
        while size >= smallest:
            plan = _attempt(cells, w, size, lines)
            if plan is not None:
                return plan
            size -= _STEP
    return _attempt(cells, w, sizes[1], None)  # type: ignore[return-value]  # None only with a line limit


def _attempt(cells: list[Cell], w: float, size: float, max_lines: int | None) -> RowPlan | None:
    font = fonts().bold
    room = w - _GAP * (len(cells) - 1)
    natural = [max(string_width(c.value, font, size), label_width(c.caption)) for c in cells]
    if sum(natural) <= room:
        spare, shares = room - sum(natural), sum(c.share for c in cells)
        widths = [n + spare * c.share / shares for n, c in zip(natural, cells, strict=True)]
        return _plan(cells, size, widths, [[c.value] for c in cells])
    # Too long for one line each: the longest word of each value is as narrow as its cell can go.
    narrowest = [
        max(label_width(c.caption), widest_word(c.value, font, size) if c.wraps else n)
        for c, n in zip(cells, natural, strict=True)
    ]
    if sum(narrowest) > room and max_lines is not None:
        return None
    widths = _share_out(room, natural, narrowest)
    lines: list[list[str]] = []
    for cell, width in zip(cells, widths, strict=True):
        wrapped, broke = wrap(cell.value, font, size, width)
        if max_lines is not None and (broke or len(wrapped) > max_lines):
            return None
        lines.append(wrapped)
    return _plan(cells, size, widths, lines)


def _share_out(room: float, natural: list[float], narrowest: list[float]) -> list[float]:
    """Each cell its narrowest width, then the rest of the room in proportion to what each still lacks."""
    if sum(narrowest) >= room:
        return [room * n / sum(narrowest) for n in narrowest]
    lacking = [max(n - low, 0.0) for n, low in zip(natural, narrowest, strict=True)]
    spare = room - sum(narrowest)
    if not sum(lacking):
        lacking = [1.0] * len(natural)
    return [low + spare * need / sum(lacking) for low, need in zip(narrowest, lacking, strict=True)]


def _plan(cells: list[Cell], size: float, widths: list[float], lines: list[list[str]]) -> RowPlan:
    lefts, cursor = [], 0.0
    for width in widths:
        lefts.append(cursor)
        cursor += width + _GAP
    return RowPlan(tuple(cells), size, tuple(lefts), tuple(widths), tuple(tuple(v) for v in lines))


def draw_row(c: Canvas, x: float, top: float, plan: RowPlan, ink: Ink) -> float:
    """Draw a planned row with its captions' tops at `top`; the last cell is right-aligned. Returns its bottom."""
    font = fonts().bold
    bottom = top
    for i, cell in enumerate(plan.cells):
        last = i == len(plan.cells) - 1
        anchor = x + plan.lefts[i] + (plan.widths[i] if last else 0)
        align = "right" if last else "left"
        draw_label(c, anchor, top, cell.caption, ink, align=align)
        lines = list(plan.lines[i])
        end = draw_text(
            c, anchor, top - _VALUE_DROP, lines, font, plan.size, ink.text, leading=_LEADING, align=align
        )
        bottom = min(bottom, end)
    return bottom
