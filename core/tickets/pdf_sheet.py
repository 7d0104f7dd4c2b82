"""The A4/letter sheet: three tickets a page between cut lines, each with a QR stub beyond a perforation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from core.tickets.document import TicketDocument
from core.tickets.pdf_cells import Cell, RowPlan, draw_row, plan_row
from core.tickets.pdf_pieces import draw_band, draw_codes, draw_rule, draw_watermark, place_cells
from core.tickets.pdf_qr import draw_qr
from core.tickets.pdf_text import Ink, draw_string, draw_text, fit, fonts, string_width, text_height

__all__ = ["sheet_pages"]

_INK = Ink(
    HexColor("#9B1C31"), HexColor("#1B1B1F"), HexColor("#6B6B73"), HexColor("#C9C9CF"), HexColor("#F3E4E7")
)
_PER_SHEET = 3
_MARGIN = 10 * mm
_ROW_GAP = 3 * mm


class _Block(NamedTuple):
    """One text block of the header, and the space above it."""

    gap: float
    lines: list[str]
    font: str
    size: float
    color: Color
    leading: float


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
    # Bottom up: the small print, the place and price cells, a rule; the names take the room above it.
    size, lines = fit(doc.conditions, f.regular, main_w, (6.4, 5.4), 3, balance=False)
    fine_top = y + pad + text_height(len(lines), size, 1.3)
    draw_text(c, main_x, fine_top, lines, f.regular, size, ink.muted, leading=1.3)
    header_top = y + h - pad - 1 * mm
    # Names and cells take the room above; when it is short they shrink together, so sizes stay in proportion.
    for step in range(13):
        scale = 1 - step * 0.05
        rows = _sheet_rows(doc, main_w, scale)
        top = fine_top + 6 * mm + sum(r.height for r in rows) + _ROW_GAP * (len(rows) - 1)
        rule_y = top + 3.5 * mm
        header = _header(doc, main_w, scale)
        if (
            sum(b.gap + text_height(len(b.lines), b.size, b.leading) for b in header)
            <= header_top - rule_y - 3 * mm
        ):
            break
    draw_rule(c, main_x, rule_y, main_w, ink)
    for row in rows:
        draw_row(c, main_x, top, row, ink)
        top -= row.height + _ROW_GAP
    cursor = header_top
    for b in header:
        cursor = draw_text(c, main_x, cursor - b.gap, b.lines, b.font, b.size, b.color, leading=b.leading)
    _stub(c, doc, x + w - stub_w, y, stub_w, h, ink)


def _header(doc: TicketDocument, w: float, s: float) -> list[_Block]:
    """Artist, title, date and venue at scale `s`, each wrapped whole."""
    ink, f = _INK, fonts()
    return [
        _block(0, doc.artist, f.bold, w, (34 * s, max(14 * s, 9)), 2, ink.accent, 1.02),
        _block(2.6 * mm * s, doc.concert_title, f.regular, w, (13 * s, max(8.5 * s, 7)), 2, ink.text, 1.18),
        _block(5 * mm * s, doc.when_text(), f.bold, w, (12 * s, max(9 * s, 7)), 1, ink.text, 1.15),
        _block(2 * mm * s, doc.venue_name, f.regular, w, (11 * s, max(8 * s, 7)), 2, ink.text, 1.15),
    ]


def _block(
    gap: float,
    text: str,
    font: str,
    w: float,
    sizes: tuple[float, float],
    lines: int,
    color: Color,
    leading: float,
) -> _Block:
    size, wrapped = fit(text, font, w, sizes, lines)
    return _Block(gap, wrapped, font, size, color, leading)


def _sheet_rows(doc: TicketDocument, w: float, s: float) -> list[RowPlan]:
    """Place, category and price in one row where each fits on a line at a good size; else in two rows."""
    place = place_cells(doc)
    shares = [0.28, 0.1, 0.1] if len(place) == 3 else [0.24, 0.18]
    cells = [Cell(p.caption, p.value, share) for p, share in zip(place, shares, strict=True)]
    words = doc.words
    price = [Cell(words.category, doc.category, 0.26), Cell(words.price, doc.price_text(), 0.26, wraps=False)]
    sizes = (14 * s, max(8 * s, 7))
    one = plan_row([*cells, *price], w, sizes, 1)
    if one.size >= 11 * s and all(len(v) == 1 for v in one.lines):
        return [one]
    # Two rows, one size: the smaller of the two rows' best, so section and category read alike.
    size = min(plan_row(place, w, sizes, 2).size, plan_row(price, w, sizes, 2).size)
    return [plan_row(place, w, (size, sizes[1]), 2), plan_row(price, w, (size, sizes[1]), 2)]


def _side_bar(c: Canvas, doc: TicketDocument, x: float, y: float, w: float, h: float, ink: Ink) -> None:
    c.setFillColor(ink.accent)
    c.rect(x, y, w, h, stroke=0, fill=1)
    c.saveState()
    c.translate(x + w / 2 + 2.6, y + h / 2)
    c.rotate(90)
    text = doc.words.demo_band if doc.demo else doc.words.admit_one
    font, size = fonts().bold, 7.4
    while size > 5 and string_width(text, font, size, size * 0.16) > h - 8 * mm:
        size -= 0.2
    width = string_width(text, font, size, size * 0.16)
    draw_string(c, -width / 2, 0, text, font, size, white, char_space=size * 0.16)
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
    codes = [(doc.words.order, doc.order_code), (doc.words.ticket, doc.serial)]
    bottom = draw_codes(c, inner_x, qr_y - 0.5 * mm, inner_w, codes, ink)
    if doc.demo:
        draw_band(c, inner_x, y + 5 * mm, inner_w, 5.5 * mm, doc.words.demo_stub, "", ink.accent)
        return
    size, lines = fit(doc.place_text(), f.bold, inner_w, (8, 5.5), 3)
    bottom = draw_text(c, inner_x, bottom - 3.5 * mm, lines, f.bold, size, ink.text)
    draw_text(c, inner_x, bottom - 1.5 * mm, [doc.date_text()], f.regular, 8, ink.muted)
