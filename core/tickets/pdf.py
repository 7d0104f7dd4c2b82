"""Ticket PDFs: 80 mm thermal stock (one ticket a page) and A4/letter sheets (three tickets a page, cut lines)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import Color, HexColor, black, white
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from core.tickets.document import TicketDocument

__all__ = ["Layout", "render_pdf"]


class Layout(StrEnum):
    TICKET80 = "ticket80"
    A4 = "a4"
    LETTER = "letter"


def render_pdf(tickets: Sequence[TicketDocument], layout: Layout) -> bytes:
    """Render the tickets into one PDF. Output is byte-for-byte deterministic for the same input."""
    if not tickets:
        raise ValueError("render_pdf needs at least one ticket")
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    canvas.setCreator("Encore box office")
    canvas.setAuthor(tickets[0].venue_name)
    canvas.setTitle(f"{tickets[0].artist} – tickets" if len(tickets) > 1 else f"Ticket {tickets[0].serial}")
    if layout is Layout.TICKET80:
        for doc in tickets:
            _thermal_page(canvas, doc)
    else:
        _sheet_pages(canvas, tickets, A4 if layout is Layout.A4 else LETTER)
    canvas.save()
    return buf.getvalue()


# ---- fonts and ink ---------------------------------------------------------------------------------------

_FONT_DIRS = (
    Path(__file__).resolve().parents[2] / "resources" / "fonts",
    Path("/usr/share/fonts/truetype/dejavu"),
)


@dataclass(frozen=True, slots=True)
class _Fonts:
    regular: str
    bold: str
    mono: str


@lru_cache(maxsize=1)
def _fonts() -> _Fonts:
    """DejaVu covers Ł, ź, ő and friends that Helvetica's WinAnsi encoding lacks; Helvetica is the last resort."""
    files = {"EncoreSans": "DejaVuSansCondensed.ttf", "EncoreSans-Bold": "DejaVuSansCondensed-Bold.ttf"}
    files["EncoreMono"] = "DejaVuSansMono.ttf"
    for folder in _FONT_DIRS:
        if all((folder / f).is_file() for f in files.values()):
            for name, file in files.items():
                pdfmetrics.registerFont(TTFont(name, str(folder / file)))
            return _Fonts("EncoreSans", "EncoreSans-Bold", "EncoreMono")
    return _Fonts("Helvetica", "Helvetica-Bold", "Courier")


@dataclass(frozen=True, slots=True)
class _Ink:
    accent: Color
    text: Color
    muted: Color
    rule: Color
    watermark: Color


# Thermal heads print black only: grey would be dithered into noise, so the thermal ink is black throughout.
_THERMAL = _Ink(black, black, black, black, HexColor("#D0D0D0"))
_SHEET = _Ink(
    HexColor("#9B1C31"), HexColor("#1B1B1F"), HexColor("#6B6B73"), HexColor("#C9C9CF"), HexColor("#F3E4E7")
)


# ---- text ------------------------------------------------------------------------------------------------

_Op = Callable[[Canvas], None]


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
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


def _fit(
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
        lines = _wrap(text, font, size, width)
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
    lines = _wrap(text, font, size, width)
    if count < 2:
        return lines
    low, high = width / count, width
    for _ in range(10):
        middle = (low + high) / 2
        attempt = _wrap(text, font, size, middle)
        if len(attempt) <= count:
            high, lines = middle, attempt
        else:
            low = middle
    return lines


def _text(
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


def _label(
    c: Canvas, x: float, top: float, text: str, ink: _Ink, *, size: float = 6.2, align: str = "left"
) -> None:
    """A small letter-spaced caption above a value, e.g. SECTION."""
    font, spacing, text = _fonts().bold, size * 0.12, text.upper()
    width = pdfmetrics.stringWidth(text, font, size) + spacing * (len(text) - 1)
    start = x - width if align == "right" else x
    c.setFillColor(ink.muted)
    c.setFont(font, size)
    c.drawString(start, top - size * 0.74, text, charSpace=spacing)


# ---- QR --------------------------------------------------------------------------------------------------

_QUIET = 4  # modules of white around the symbol, as ISO/IEC 18004 asks


@lru_cache(maxsize=64)
def _qr_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    qr.add_data(text)
    qr.make(fit=True)
    return tuple(tuple(row) for row in qr.get_matrix())


def _qr(
    c: Canvas, text: str, cx: float, top: float, size: float, dot: float | None = None, *, draw: bool = True
) -> float:
    """Draw a QR code of about `size` points, quiet zone included, centred on cx below `top`; returns its size.

    With `dot` (a printer's dot pitch) modules and origin snap to whole dots, so a thermal head prints every
    module the same width instead of alternating 4- and 5-dot columns."""
    matrix = _qr_matrix(text)
    modules = len(matrix) + 2 * _QUIET
    module = size / modules
    if dot is not None:
        module = max(1, round(module / dot)) * dot
    total = module * modules
    x, y = cx - total / 2, top - total
    if dot is not None:
        x, y = round(x / dot) * dot, round(y / dot) * dot
    if not draw:
        return total
    c.setFillColor(white)
    c.rect(x, y, total, total, stroke=0, fill=1)
    path = c.beginPath()
    for r, row in enumerate(matrix):
        col = 0
        while col < len(row):
            if not row[col]:
                col += 1
                continue
            run = col
            while run < len(row) and row[run]:
                run += 1
            top = y + total - (r + _QUIET) * module
            path.rect(x + (col + _QUIET) * module, top - module, (run - col) * module, module)
            col = run
    c.setFillColor(black)
    c.drawPath(path, stroke=0, fill=1)
    return total


# ---- shared pieces ---------------------------------------------------------------------------------------


def _watermark(c: Canvas, cx: float, cy: float, size: float, ink: _Ink) -> None:
    c.saveState()
    c.translate(cx, cy)
    c.rotate(32)
    c.setFillColor(ink.watermark)
    c.setFont(_fonts().bold, size)
    c.drawCentredString(0, -size * 0.35, "DEMO")
    c.restoreState()


def _band(c: Canvas, x: float, y: float, w: float, h: float, left: str, right: str, fill: Color) -> None:
    """A solid band with white letter-spaced text: ADMIT ONE, or the DEMO warning."""
    c.setFillColor(fill)
    c.roundRect(x, y, w, h, 1.2 * mm, stroke=0, fill=1)
    size = 7.4
    font = _fonts().bold
    c.setFillColor(white)
    c.setFont(font, size)
    base = y + (h - size * 0.72) / 2
    c.drawString(x + 2.6 * mm, base, left, charSpace=size * 0.14)
    if right:
        width = pdfmetrics.stringWidth(right, font, size) + size * 0.14 * (len(right) - 1)
        c.drawString(x + w - 2.6 * mm - width, base, right, charSpace=size * 0.14)


def _rule(c: Canvas, x: float, y: float, w: float, ink: _Ink, *, dashed: bool = False) -> None:
    c.setStrokeColor(ink.rule)
    c.setLineWidth(0.5)
    c.setDash([2, 2] if dashed else [])
    c.line(x, y, x + w, y)
    c.setDash([])


def _cells(
    c: Canvas, x: float, top: float, w: float, cells: list[tuple[str, str, float]], ink: _Ink, size: float
) -> float:
    """A row of label-over-value cells; each cell gets its share of `w`; the last is right-aligned."""
    fonts = _fonts()
    bottom = top
    cursor = x
    for i, (caption, value, share) in enumerate(cells):
        cell_w = w * share
        last = i == len(cells) - 1
        anchor = cursor + cell_w if last else cursor
        align = "right" if last else "left"
        _label(c, anchor, top, caption, ink, align=align)
        fit_size, lines = _fit(value, fonts.bold, cell_w - 4 * mm, (size, size * 0.55), 1)
        end = _text(c, anchor, top - 3.6 * mm, lines, fonts.bold, fit_size, ink.text, align=align)
        bottom = min(bottom, end)
        cursor += cell_w
    return bottom


def _place_cells(doc: TicketDocument) -> list[tuple[str, str, float]]:
    if doc.seat is None:
        return [("Section", doc.section, 0.55), ("Entry", "Standing", 0.45)]
    return [("Section", doc.section, 0.5), ("Row", doc.row or "–", 0.25), ("Seat", str(doc.seat), 0.25)]


# ---- 80 mm thermal ticket --------------------------------------------------------------------------------

_THERMAL_W = 80 * mm
_THERMAL_MARGIN = 6 * mm  # 80 mm rolls print about 72 mm; 6 mm keeps clear of the unprintable edge
_DOT = 72 / 203  # points per dot of a 203 dpi thermal head


def _thermal_page(c: Canvas, doc: TicketDocument) -> None:
    # Lay the ticket out once on a scratch canvas (QR code skipped, the costly part) to learn its height:
    # simpler and safer than a second set of measuring code that could drift from the drawing code.
    scratch = Canvas(io.BytesIO(), pagesize=(_THERMAL_W, 1000 * mm), invariant=1)
    height = 1000 * mm - _thermal_body(scratch, doc, 1000 * mm, measure=True) + _THERMAL_MARGIN
    height = max(height, 150 * mm)
    c.setPageSize((_THERMAL_W, height))
    _thermal_body(c, doc, height)
    c.showPage()


def _thermal_body(c: Canvas, doc: TicketDocument, page_h: float, *, measure: bool = False) -> float:
    """Artist first, then when, then where; the QR code below a tear line; returns the bottom of the text."""
    ink, fonts = _THERMAL, _fonts()
    x, w = _THERMAL_MARGIN, _THERMAL_W - 2 * _THERMAL_MARGIN
    if doc.demo:
        _watermark(c, _THERMAL_W / 2, page_h * 0.6, 64, ink)
    top = page_h - 5 * mm
    band = ("DEMO — NOT VALID FOR ENTRY", "") if doc.demo else ("ADMIT ONE", f"№ {doc.serial}")
    _band(c, x, top - 7 * mm, w, 7 * mm, *band, ink.text)
    size, lines = _fit(doc.artist, fonts.bold, w, (26, 13), 4, budget=54)
    y = _text(c, x, top - 13 * mm, lines, fonts.bold, size, ink.text, leading=1.04)
    size, lines = _fit(doc.concert_title, fonts.regular, w, (11, 8), 3)
    y = _text(c, x, y - 2.4 * mm, lines, fonts.regular, size, ink.text, leading=1.2)
    _rule(c, x, y - 4.5 * mm, w, ink)
    y = _text(c, x, y - 8 * mm, [doc.date_text()], fonts.bold, 13, ink.text)
    y = _text(c, x, y - 1.8 * mm, [doc.times_text()], fonts.regular, 10.5, ink.text)
    size, lines = _fit(doc.venue_name, fonts.regular, w, (10.5, 8), 2)
    y = _text(c, x, y - 1.8 * mm, lines, fonts.regular, size, ink.text)
    _rule(c, x, y - 4.5 * mm, w, ink)
    y = _cells(c, x, y - 8 * mm, w, _place_cells(doc), ink, 16)
    cells = [("Category", doc.category, 0.55), ("Price", doc.price.format(), 0.45)]
    y = _cells(c, x, y - 4.5 * mm, w, cells, ink, 11)
    _rule(c, x, y - 5 * mm, w, ink, dashed=True)
    qr = _qr(c, doc.qr_text, _THERMAL_W / 2, y - 6 * mm, 42 * mm, dot=_DOT, draw=not measure)
    y = y - 6 * mm - qr
    codes = [("Order", doc.order_code, 0.5), ("Ticket", doc.serial, 0.5)]
    y = _codes_row(c, x, y - 0.5 * mm, w, codes, ink)
    if doc.demo:
        _band(c, x, y - 10 * mm, w, 6 * mm, "DEMO — NOT VALID FOR ENTRY", "", ink.text)
        y -= 10 * mm
    size, lines = _fit(doc.small_print, fonts.regular, w, (6.4, 5.5), 8, balance=False)
    return _text(c, x, y - 4.5 * mm, lines, fonts.regular, size, ink.muted, leading=1.3)


def _codes_row(
    c: Canvas, x: float, top: float, w: float, cells: list[tuple[str, str, float]], ink: _Ink
) -> float:
    fonts = _fonts()
    bottom = top
    for i, (caption, value, share) in enumerate(cells):
        last = i == len(cells) - 1
        anchor = x + w if last else x + w * sum(s for _, _, s in cells[:i])
        align = "right" if last else "left"
        _label(c, anchor, top, caption, ink, align=align)
        size, lines = _fit(value, fonts.mono, w * share - 1 * mm, (8.6, 6), 1)
        bottom = min(bottom, _text(c, anchor, top - 3.2 * mm, lines, fonts.mono, size, ink.text, align=align))
    return bottom


# ---- A4 / letter sheet -----------------------------------------------------------------------------------

_PER_SHEET = 3
_SHEET_MARGIN = 10 * mm


def _sheet_pages(c: Canvas, tickets: Sequence[TicketDocument], page: tuple[float, float]) -> None:
    page_w, page_h = page
    slot_h = (page_h - 2 * _SHEET_MARGIN) / _PER_SHEET
    for start in range(0, len(tickets), _PER_SHEET):
        c.setPageSize(page)
        batch = tickets[start : start + _PER_SHEET]
        for i, doc in enumerate(batch):
            bottom = page_h - _SHEET_MARGIN - (i + 1) * slot_h
            _sheet_ticket(c, doc, _SHEET_MARGIN, bottom, page_w - 2 * _SHEET_MARGIN, slot_h)
        _cut_lines(c, page_w, page_h, slot_h, len(batch))
        c.showPage()


def _cut_lines(c: Canvas, page_w: float, page_h: float, slot_h: float, count: int) -> None:
    c.setStrokeColor(HexColor("#9A9AA2"))
    c.setLineWidth(0.4)
    c.setDash([3, 3])
    bottom = page_h - _SHEET_MARGIN - count * slot_h
    for i in range(count + 1):
        y = page_h - _SHEET_MARGIN - i * slot_h
        c.line(0, y, page_w, y)
    for x in (_SHEET_MARGIN, page_w - _SHEET_MARGIN):
        c.line(x, 0 if count == _PER_SHEET else bottom, x, page_h)
    c.setDash([])
    c.setFillColor(HexColor("#9A9AA2"))
    c.setFont(_fonts().regular, 9)
    for i in range(count + 1):
        c.drawString(2.5 * mm, page_h - _SHEET_MARGIN - i * slot_h - 1.1 * mm, "✂")


def _sheet_ticket(c: Canvas, doc: TicketDocument, x: float, y: float, w: float, h: float) -> None:
    ink, fonts = _SHEET, _fonts()
    pad, bar, stub_w = 6 * mm, 9 * mm, 54 * mm
    main_x, main_w = x + bar + pad, w - bar - stub_w - 2 * pad
    if doc.demo:
        _watermark(c, main_x + main_w / 2, y + h / 2, 88, ink)
    _side_bar(c, doc, x, y, bar, h, ink)
    size, lines = _fit(doc.artist, fonts.bold, main_w, (34, 14), 2)
    cursor = _text(c, main_x, y + h - pad - 1 * mm, lines, fonts.bold, size, ink.accent, leading=1.02)
    size, lines = _fit(doc.concert_title, fonts.regular, main_w, (13, 8.5), 2)
    cursor = _text(c, main_x, cursor - 2.6 * mm, lines, fonts.regular, size, ink.text, leading=1.18)
    cursor = _text(c, main_x, cursor - 5 * mm, [doc.when_text()], fonts.bold, 12, ink.text)
    size, lines = _fit(doc.venue_name, fonts.regular, main_w, (11, 8), 1)
    _text(c, main_x, cursor - 2 * mm, lines, fonts.regular, size, ink.text)
    size, lines = _fit(doc.small_print, fonts.regular, main_w, (6.4, 5.4), 3, balance=False)
    fine_top = y + pad + size * 0.74 + (len(lines) - 1) * size * 1.3
    _text(c, main_x, fine_top, lines, fonts.regular, size, ink.muted, leading=1.3)
    grid_top = fine_top + 14.5 * mm
    _rule(c, main_x, grid_top + 3.5 * mm, main_w, ink)
    _cells(c, main_x, grid_top, main_w, _sheet_cells(doc), ink, 14)
    _stub(c, doc, x + w - stub_w, y, stub_w, h, ink)


def _sheet_cells(doc: TicketDocument) -> list[tuple[str, str, float]]:
    place = _place_cells(doc)
    shares = [0.28, 0.1, 0.1] if len(place) == 3 else [0.24, 0.18]
    cells = [(caption, value, share) for (caption, value, _), share in zip(place, shares, strict=True)]
    return [*cells, ("Category", doc.category, 0.74 - sum(shares)), ("Price", doc.price.format(), 0.26)]


def _side_bar(c: Canvas, doc: TicketDocument, x: float, y: float, w: float, h: float, ink: _Ink) -> None:
    c.setFillColor(ink.accent)
    c.rect(x, y, w, h, stroke=0, fill=1)
    c.saveState()
    c.translate(x + w / 2 + 2.6, y + h / 2)
    c.rotate(90)
    c.setFillColor(white)
    c.setFont(_fonts().bold, 7.4)
    text = "DEMO — NOT VALID FOR ENTRY" if doc.demo else "ADMIT ONE"
    c.drawCentredString(0, 0, text, charSpace=1.2)
    c.restoreState()


def _stub(c: Canvas, doc: TicketDocument, x: float, y: float, w: float, h: float, ink: _Ink) -> None:
    """The stub beyond the perforation: the QR code, the codes the door may type in, and the place again."""
    fonts = _fonts()
    c.setStrokeColor(ink.rule)
    c.setLineWidth(0.6)
    c.setDash([1.5, 2.5])
    c.line(x, y + 4 * mm, x, y + h - 4 * mm)
    c.setDash([])
    qr_size = 46 * mm  # quiet zone included: the symbol itself is 37 to 40 mm
    qr_y = y + h - 3 * mm - _qr(c, doc.qr_text, x + w / 2, y + h - 3 * mm, qr_size)
    inner_x, inner_w = x + 5.5 * mm, w - 9 * mm
    codes = [("Order", doc.order_code, 0.5), ("Ticket", doc.serial, 0.5)]
    bottom = _codes_row(c, inner_x, qr_y - 0.5 * mm, inner_w, codes, ink)
    if doc.demo:
        _band(c, inner_x, y + 5 * mm, inner_w, 5.5 * mm, "DEMO — NOT VALID", "", ink.accent)
        return
    size, lines = _fit(doc.place_text(), fonts.bold, inner_w, (8, 6), 2)
    bottom = _text(c, inner_x, bottom - 3.5 * mm, lines, fonts.bold, size, ink.text)
    _text(c, inner_x, bottom - 1.5 * mm, [doc.date_text()], fonts.regular, 8, ink.muted)
