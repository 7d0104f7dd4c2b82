"""The 80 mm thermal ticket: one ticket a page, the page as long as the ticket needs."""

from __future__ import annotations

import io

from reportlab.lib.colors import black
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from core.tickets.document import TicketDocument
from core.tickets.pdf_cells import Cell, draw_row, plan_row
from core.tickets.pdf_pieces import draw_band, draw_codes, draw_demo_banner, draw_rule, place_cells
from core.tickets.pdf_qr import draw_qr
from core.tickets.pdf_text import Ink, draw_text, fit, fonts

__all__ = ["thermal_page"]

# Thermal heads print black only: grey would be dithered into noise, so the thermal ink is black throughout.
_INK = Ink(black, black, black, black, black)
_WIDTH = 80 * mm
_MARGIN = 6 * mm  # 80 mm rolls print about 72 mm; 6 mm keeps clear of the unprintable edge
_DOT = 72 / 203  # points per dot of a 203 dpi thermal head


def thermal_page(c: Canvas, doc: TicketDocument) -> None:
    """Draw one ticket on a page of its own, 80 mm wide and at least 150 mm long."""
    # Lay the ticket out once on a scratch canvas (QR code skipped, the costly part) to learn its height:
    # simpler and safer than a second set of measuring code that could drift from the drawing code.
    scratch = Canvas(io.BytesIO(), pagesize=(_WIDTH, 1000 * mm), invariant=1)
    height = 1000 * mm - _thermal_body(scratch, doc, 1000 * mm, measure=True) + _MARGIN
    height = max(height, 150 * mm)
    c.setPageSize((_WIDTH, height))
    _thermal_body(c, doc, height)
    c.showPage()


def _thermal_body(c: Canvas, doc: TicketDocument, page_h: float, *, measure: bool = False) -> float:
    """Artist first, then when, then where; the QR code below a tear line; returns the bottom of the text."""
    ink, f = _INK, fonts()
    x, w = _MARGIN, _WIDTH - 2 * _MARGIN
    top = page_h - 5 * mm
    if doc.demo:
        # A grey watermark would vanish on a black-only head or be stippled by a dithering driver: the DEMO
        # mark is solid black here, in bands of its own that no text or QR module shares.
        draw_demo_banner(c, x, top - 17 * mm, w, 17 * mm, "DEMO", doc.words.not_valid)
        top -= 10 * mm
    else:
        draw_band(c, x, top - 7 * mm, w, 7 * mm, doc.words.admit_one, f"№ {doc.serial}", ink.text)
    size, lines = fit(doc.artist, f.bold, w, (26, 13), 4, budget=54)
    y = draw_text(c, x, top - 13 * mm, lines, f.bold, size, ink.text, leading=1.04)
    size, lines = fit(doc.concert_title, f.regular, w, (11, 8), 3)
    y = draw_text(c, x, y - 2.4 * mm, lines, f.regular, size, ink.text, leading=1.2)
    draw_rule(c, x, y - 4.5 * mm, w, ink)
    size, lines = fit(doc.date_text(), f.bold, w, (13, 9), 2)
    y = draw_text(c, x, y - 8 * mm, lines, f.bold, size, ink.text)
    size, lines = fit(doc.times_text(), f.regular, w, (10.5, 8), 2)
    y = draw_text(c, x, y - 1.8 * mm, lines, f.regular, size, ink.text)
    size, lines = fit(doc.venue_name, f.regular, w, (10.5, 8), 3)
    y = draw_text(c, x, y - 1.8 * mm, lines, f.regular, size, ink.text)
    draw_rule(c, x, y - 4.5 * mm, w, ink)
    place = plan_row(place_cells(doc), w, (16, 9), 3)
    y = draw_row(c, x, y - 8 * mm, place, ink)
    words = doc.words
    price = [Cell(words.category, doc.category, 0.55), Cell(words.price, doc.price_text(), 0.45, wraps=False)]
    y = draw_row(c, x, y - 4.5 * mm, plan_row(price, w, (11, 7), 3), ink)
    if doc.demo:
        draw_band(c, x, y - 11 * mm, w, 6 * mm, doc.words.demo_band, "", ink.text)
        y -= 10 * mm
    draw_rule(c, x, y - 5 * mm, w, ink, dashed=True)
    qr = draw_qr(c, doc.qr_text, _WIDTH / 2, y - 6 * mm, 42 * mm, dot=_DOT, draw=not measure)
    y = y - 6 * mm - qr
    codes = [(doc.words.order, doc.order_code), (doc.words.ticket, doc.serial)]
    y = draw_codes(c, x, y - 0.5 * mm, w, codes, ink)
    if doc.demo:
        draw_band(c, x, y - 10 * mm, w, 6 * mm, doc.words.demo_band, "", ink.text)
        y -= 10 * mm
    size, lines = fit(doc.conditions, f.regular, w, (6.4, 5.5), 8, balance=False)
    return draw_text(c, x, y - 4.5 * mm, lines, f.regular, size, ink.muted, leading=1.3)
