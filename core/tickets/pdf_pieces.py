"""Pieces both ticket layouts draw: the DEMO watermark, solid bands, rules and label-over-value cells."""

from __future__ import annotations

from reportlab.lib.colors import Color, white
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from core.tickets.document import TicketDocument
from core.tickets.pdf_text import Ink, draw_label, draw_text, fit, fonts

__all__ = ["Cell", "draw_band", "draw_cells", "draw_codes", "draw_rule", "draw_watermark", "place_cells"]

Cell = tuple[str, str, float]
"""A caption, its value and the cell's share of the row's width."""


def draw_watermark(c: Canvas, cx: float, cy: float, size: float, ink: Ink) -> None:
    c.saveState()
    c.translate(cx, cy)
    c.rotate(32)
    c.setFillColor(ink.watermark)
    c.setFont(fonts().bold, size)
    c.drawCentredString(0, -size * 0.35, "DEMO")
    c.restoreState()


def draw_band(c: Canvas, x: float, y: float, w: float, h: float, left: str, right: str, fill: Color) -> None:
    """A solid band with white letter-spaced text: ADMIT ONE, or the DEMO warning."""
    c.setFillColor(fill)
    c.roundRect(x, y, w, h, 1.2 * mm, stroke=0, fill=1)
    size = 7.4
    font = fonts().bold
    c.setFillColor(white)
    c.setFont(font, size)
    base = y + (h - size * 0.72) / 2
    c.drawString(x + 2.6 * mm, base, left, charSpace=size * 0.14)
    if right:
        width = pdfmetrics.stringWidth(right, font, size) + size * 0.14 * (len(right) - 1)
        c.drawString(x + w - 2.6 * mm - width, base, right, charSpace=size * 0.14)


def draw_rule(c: Canvas, x: float, y: float, w: float, ink: Ink, *, dashed: bool = False) -> None:
    c.setStrokeColor(ink.rule)
    c.setLineWidth(0.5)
    c.setDash([2, 2] if dashed else [])
    c.line(x, y, x + w, y)
    c.setDash([])


def draw_cells(c: Canvas, x: float, top: float, w: float, cells: list[Cell], ink: Ink, size: float) -> float:
    """A row of label-over-value cells; each cell gets its share of `w`; the last is right-aligned."""
    font = fonts().bold
    bottom = top
    cursor = x
    for i, (caption, value, share) in enumerate(cells):
        cell_w = w * share
        last = i == len(cells) - 1
        anchor = cursor + cell_w if last else cursor
        align = "right" if last else "left"
        draw_label(c, anchor, top, caption, ink, align=align)
        fit_size, lines = fit(value, font, cell_w - 4 * mm, (size, size * 0.55), 1)
        end = draw_text(c, anchor, top - 3.6 * mm, lines, font, fit_size, ink.text, align=align)
        bottom = min(bottom, end)
        cursor += cell_w
    return bottom


def draw_codes(c: Canvas, x: float, top: float, w: float, cells: list[Cell], ink: Ink) -> float:
    """The order and ticket codes in monospace, for a door that has to type them in."""
    mono = fonts().mono
    bottom = top
    for i, (caption, value, share) in enumerate(cells):
        last = i == len(cells) - 1
        anchor = x + w if last else x + w * sum(s for _, _, s in cells[:i])
        align = "right" if last else "left"
        draw_label(c, anchor, top, caption, ink, align=align)
        size, lines = fit(value, mono, w * share - 1 * mm, (8.6, 6), 1)
        bottom = min(bottom, draw_text(c, anchor, top - 3.2 * mm, lines, mono, size, ink.text, align=align))
    return bottom


def place_cells(doc: TicketDocument) -> list[Cell]:
    """Section, row and seat; or section and 'Standing' for a ticket without a seat."""
    if doc.seat is None:
        return [("Section", doc.section, 0.55), ("Entry", "Standing", 0.45)]
    return [("Section", doc.section, 0.5), ("Row", doc.row or "–", 0.25), ("Seat", str(doc.seat), 0.25)]
