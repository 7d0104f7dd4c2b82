"""Pieces both ticket layouts draw: the DEMO watermark, solid bands, rules, the codes and the place's cells."""

from __future__ import annotations

from reportlab.lib.colors import Color, black, white
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from core.tickets.document import TicketDocument
from core.tickets.pdf_cells import Cell
from core.tickets.pdf_text import Ink, draw_label, draw_string, draw_text, fit, fonts, string_width

__all__ = ["draw_band", "draw_codes", "draw_demo_banner", "draw_rule", "draw_watermark", "place_cells"]


def draw_watermark(c: Canvas, cx: float, cy: float, size: float, ink: Ink) -> None:
    c.saveState()
    c.translate(cx, cy)
    c.rotate(32)
    c.setFillColor(ink.watermark)
    c.setFont(fonts().bold, size)
    c.drawCentredString(0, -size * 0.35, "DEMO")
    c.restoreState()


def draw_band(c: Canvas, x: float, y: float, w: float, h: float, left: str, right: str, fill: Color) -> None:
    """A solid band with white letter-spaced text: ADMIT ONE, or the DEMO warning; long words shrink to fit."""
    c.setFillColor(fill)
    c.roundRect(x, y, w, h, 1.2 * mm, stroke=0, fill=1)
    font, pad = fonts().bold, 2.6 * mm
    size = 7.4
    while size > 5 and _spaced_width(left, size) + _spaced_width(right, size) + 3 * pad > w:
        size -= 0.2
    base = y + (h - size * 0.72) / 2
    draw_string(c, x + pad, base, left, font, size, white, char_space=size * 0.14)
    if right:
        right_x = x + w - pad - _spaced_width(right, size)
        draw_string(c, right_x, base, right, font, size, white, char_space=size * 0.14)


def draw_demo_banner(c: Canvas, x: float, y: float, w: float, h: float, big: str, small: str) -> None:
    """A solid black block with a large white DEMO and the warning under it: survives any 1-bit print."""
    c.setFillColor(black)
    c.roundRect(x, y, w, h, 1.6 * mm, stroke=0, fill=1)
    font, pad = fonts().bold, 3 * mm
    small_size = 7.4
    while small_size > 5 and _spaced_width(small, small_size) > w - 2 * pad:
        small_size -= 0.2
    big_size = 30.0
    while big_size > 12 and string_width(big, font, big_size, big_size * 0.08) > w - 2 * pad:
        big_size -= 0.5
    big_base = y + h - 2.2 * mm - big_size * 0.73
    width = string_width(big, font, big_size, big_size * 0.08)
    draw_string(c, x + (w - width) / 2, big_base, big, font, big_size, white, char_space=big_size * 0.08)
    width = _spaced_width(small, small_size)
    draw_string(
        c, x + (w - width) / 2, y + 2.4 * mm, small, font, small_size, white, char_space=small_size * 0.14
    )


def _spaced_width(text: str, size: float) -> float:
    return string_width(text, fonts().bold, size, size * 0.14) if text else 0.0


def draw_rule(c: Canvas, x: float, y: float, w: float, ink: Ink, *, dashed: bool = False) -> None:
    c.setStrokeColor(ink.rule)
    c.setLineWidth(0.5)
    c.setDash([2, 2] if dashed else [])
    c.line(x, y, x + w, y)
    c.setDash([])


def draw_codes(c: Canvas, x: float, top: float, w: float, codes: list[tuple[str, str]], ink: Ink) -> float:
    """The order and ticket codes in monospace, for a door that has to type them in: left and right."""
    mono = fonts().mono
    bottom = top
    for i, (caption, value) in enumerate(codes):
        last = i == len(codes) - 1
        anchor = x + w if last else x + w * i / len(codes)
        align = "right" if last else "left"
        draw_label(c, anchor, top, caption, ink, align=align)
        size, lines = fit(value, mono, w / len(codes) - 1 * mm, (8.6, 6), 1)
        bottom = min(bottom, draw_text(c, anchor, top - 3.2 * mm, lines, mono, size, ink.text, align=align))
    return bottom


def place_cells(doc: TicketDocument) -> list[Cell]:
    """Section, row and seat; or section and 'Standing' for a ticket without a seat."""
    w = doc.words
    if doc.seat is None:
        return [Cell(w.section, doc.section, 0.55), Cell(w.kind, w.standing, 0.45)]
    return [
        Cell(w.section, doc.section, 0.5),
        Cell(w.row, doc.row or "–", 0.25, wraps=False),
        Cell(w.seat, str(doc.seat), 0.25, wraps=False),
    ]
