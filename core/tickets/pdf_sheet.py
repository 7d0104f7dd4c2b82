"""The A4/letter sheet: three tickets a page between cut lines, each with a QR stub beyond a perforation."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.colors import HexColor, white
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from core.tickets.document import TicketDocument
from core.tickets.pdf_pieces import (
    Cell,
    draw_band,
    draw_cells,
    draw_codes,
    draw_rule,
    draw_watermark,
    place_cells,
)
from core.tickets.pdf_qr import draw_qr
from core.tickets.pdf_text import Ink, draw_text, fit, fonts

__all__ = ["sheet_pages"]

_INK = Ink(
    HexColor("#9B1C31"), HexColor("#1B1B1F"), HexColor("#6B6B73"), HexColor("#C9C9CF"), HexColor("#F3E4E7")
)
_PER_SHEET = 3
_MARGIN = 10 * mm


def sheet_pages(c: Canvas, tickets: Sequence[TicketDocument], page: tuple[float, float]) -> None:
    """Draw the tickets three to a page of size `page`, with cut lines between them."""
    page_w, page_h = page
    slot_h = (page_h - 2 * _MARGIN) / _PER_SHEET
    for start in range(0, len(tickets), _PER_SHEET):
        c.setPageSize(page)
        batch = tickets[start : start + _PER_SHEET]
        for i, doc in enumerate(batch):
            bottom = page_h - _MARGIN - (i + 1) * slot_h
            _sheet_ticket(c, doc, _MARGIN, bottom, page_w - 2 * _MARGIN, slot_h)
        _cut_lines(c, page_w, page_h, slot_h, len(batch))
        c.showPage()


def _cut_lines(c: Canvas, page_w: float, page_h: float, slot_h: float, count: int) -> None:
    c.setStrokeColor(HexColor("#9A9AA2"))
    c.setLineWidth(0.4)
    c.setDash([3, 3])
    bottom = page_h - _MARGIN - count * slot_h
    for i in range(count + 1):
        y = page_h - _MARGIN - i * slot_h
        c.line(0, y, page_w, y)
    for x in (_MARGIN, page_w - _MARGIN):
        c.line(x, 0 if count == _PER_SHEET else bottom, x, page_h)
    c.setDash([])
    c.setFillColor(HexColor("#9A9AA2"))
    c.setFont(fonts().regular, 9)
    for i in range(count + 1):
        c.drawString(2.5 * mm, page_h - _MARGIN - i * slot_h - 1.1 * mm, "✂")


def _sheet_ticket(c: Canvas, doc: TicketDocument, x: float, y: float, w: float, h: float) -> None:
    ink, f = _INK, fonts()
    pad, bar, stub_w = 6 * mm, 9 * mm, 54 * mm
    main_x, main_w = x + bar + pad, w - bar - stub_w - 2 * pad
    if doc.demo:
        draw_watermark(c, main_x + main_w / 2, y + h / 2, 88, ink)
    _side_bar(c, doc, x, y, bar, h, ink)
    size, lines = fit(doc.artist, f.bold, main_w, (34, 14), 2)
    cursor = draw_text(c, main_x, y + h - pad - 1 * mm, lines, f.bold, size, ink.accent, leading=1.02)
    size, lines = fit(doc.concert_title, f.regular, main_w, (13, 8.5), 2)
    cursor = draw_text(c, main_x, cursor - 2.6 * mm, lines, f.regular, size, ink.text, leading=1.18)
    cursor = draw_text(c, main_x, cursor - 5 * mm, [doc.when_text()], f.bold, 12, ink.text)
    size, lines = fit(doc.venue_name, f.regular, main_w, (11, 8), 1)
    draw_text(c, main_x, cursor - 2 * mm, lines, f.regular, size, ink.text)
    size, lines = fit(doc.small_print, f.regular, main_w, (6.4, 5.4), 3, balance=False)
    fine_top = y + pad + size * 0.74 + (len(lines) - 1) * size * 1.3
    draw_text(c, main_x, fine_top, lines, f.regular, size, ink.muted, leading=1.3)
    grid_top = fine_top + 14.5 * mm
    draw_rule(c, main_x, grid_top + 3.5 * mm, main_w, ink)
    draw_cells(c, main_x, grid_top, main_w, _sheet_cells(doc), ink, 14)
    _stub(c, doc, x + w - stub_w, y, stub_w, h, ink)


def _sheet_cells(doc: TicketDocument) -> list[Cell]:
    place = place_cells(doc)
    shares = [0.28, 0.1, 0.1] if len(place) == 3 else [0.24, 0.18]
    cells = [(caption, value, share) for (caption, value, _), share in zip(place, shares, strict=True)]
    return [*cells, ("Category", doc.category, 0.74 - sum(shares)), ("Price", doc.price.format(), 0.26)]


def _side_bar(c: Canvas, doc: TicketDocument, x: float, y: float, w: float, h: float, ink: Ink) -> None:
    c.setFillColor(ink.accent)
    c.rect(x, y, w, h, stroke=0, fill=1)
    c.saveState()
    c.translate(x + w / 2 + 2.6, y + h / 2)
    c.rotate(90)
    c.setFillColor(white)
    c.setFont(fonts().bold, 7.4)
    text = "DEMO — NOT VALID FOR ENTRY" if doc.demo else "ADMIT ONE"
    c.drawCentredString(0, 0, text, charSpace=1.2)
    c.restoreState()


def _stub(c: Canvas, doc: TicketDocument, x: float, y: float, w: float, h: float, ink: Ink) -> None:
    """The stub beyond the perforation: the QR code, the codes the door may type in, and the place again."""
    f = fonts()
    c.setStrokeColor(ink.rule)
    c.setLineWidth(0.6)
    c.setDash([1.5, 2.5])
    c.line(x, y + 4 * mm, x, y + h - 4 * mm)
    c.setDash([])
    qr_size = 46 * mm  # quiet zone included: the symbol itself is 37 to 40 mm
    qr_y = y + h - 3 * mm - draw_qr(c, doc.qr_text, x + w / 2, y + h - 3 * mm, qr_size)
    inner_x, inner_w = x + 5.5 * mm, w - 9 * mm
    codes = [("Order", doc.order_code, 0.5), ("Ticket", doc.serial, 0.5)]
    bottom = draw_codes(c, inner_x, qr_y - 0.5 * mm, inner_w, codes, ink)
    if doc.demo:
        draw_band(c, inner_x, y + 5 * mm, inner_w, 5.5 * mm, "DEMO — NOT VALID", "", ink.accent)
        return
    size, lines = fit(doc.place_text(), f.bold, inner_w, (8, 6), 2)
    bottom = draw_text(c, inner_x, bottom - 3.5 * mm, lines, f.bold, size, ink.text)
    draw_text(c, inner_x, bottom - 1.5 * mm, [doc.date_text()], f.regular, 8, ink.muted)
