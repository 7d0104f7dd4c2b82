"""The sales report of one concert as an A4 PDF (reportlab): totals by price category and by day, check-ins by
gate, refunds. Pure drawing: the numbers come in a SalesReport, read in one transaction."""

from __future__ import annotations

import io
from typing import Any
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.domain.money import Money
from core.domain.reports import SalesReport
from core.tickets.pdf_fonts import fonts

__all__ = ["money_text", "render_sales_report"]

_INK = colors.HexColor("#1f2933")
_RULE = colors.HexColor("#9aa5b1")
_BAND = colors.HexColor("#eef2f6")
_SIZE = 9.5
_MARGIN = 16 * mm
_WIDTH = A4[0] - 2 * _MARGIN
_PADDING = 6  # reportlab's cell padding, left and right (points)
_GAP = 8  # points between two numbers side by side, beyond the padding
_STATUS = {"draft": "Draft", "on_sale": "On sale", "sales_closed": "Sales closed", "cancelled": "Cancelled"}


def money_text(minor: int, currency: str) -> str:
    """'EUR 80,600.00': Money's plain rendering with thousands separated, for a report read by people."""
    money = Money(minor, currency)
    return f"{'-' if minor < 0 else ''}{currency} {abs(money.amount):,.{money.exponent}f}"


def render_sales_report(report: SalesReport) -> bytes:
    """CPU work: the caller runs it in a thread (the server's event loop keeps answering)."""
    face = fonts()
    title = ParagraphStyle("title", fontName=face.bold, fontSize=18, leading=22, textColor=_INK)
    sub = ParagraphStyle("sub", fontName=face.regular, fontSize=10, leading=14, textColor=_INK)
    heading = ParagraphStyle(
        "heading", fontName=face.bold, fontSize=12, leading=16, spaceBefore=10, spaceAfter=4
    )
    zone = ZoneInfo(report.timezone)

    def money(minor: int) -> str:
        return money_text(minor, report.currency)

    def table(
        rows: list[list[str]], widths: list[float], *, total: bool = True, size: float = _SIZE
    ) -> Table:
        made = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        style: list[Any] = [
            ("FONT", (0, 0), (-1, -1), face.regular, size),
            ("FONT", (0, 0), (-1, 0), face.bold, size),
            ("TEXTCOLOR", (0, 0), (-1, -1), _INK),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, _INK),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, _BAND]),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        if total:
            style += [("LINEABOVE", (0, -1), (-1, -1), 0.8, _INK), ("FONT", (0, -1), (-1, -1), face.bold, size),
                      ("BACKGROUND", (0, -1), (-1, -1), colors.white)]  # fmt: skip
        made.setStyle(TableStyle(style))
        return made

    starts = report.starts_at.astimezone(zone)
    made_at = report.made_at.astimezone(zone)
    story: list[Flowable] = [
        Paragraph(f"Sales report: {_escape(report.title)}", title),
        Paragraph(
            f"{_escape(report.artist)} · {_escape(report.venue_name)} · {starts:%a %d %b %Y, %H:%M} "
            f"({report.timezone}) · {_STATUS.get(report.status, report.status)}",
            sub,
        ),
        Paragraph(f"Made {made_at:%d %b %Y, %H:%M} · all amounts in {report.currency}", sub),
        Spacer(1, 4 * mm),
    ]
    summary = [
        ["Summary", ""],
        ["Capacity (places)", f"{report.capacity:,}"],
        ["Orders", f"{report.orders:,}"],
        ["Tickets sold", f"{report.sold:,}"],
        ["Tickets refunded", f"{report.refunds:,}"],
        ["Tickets valid", f"{report.valid:,}"],
        ["Gross sales", money(report.gross_minor)],
        ["Refunded", money(report.refunded_minor)],
        ["Net sales", money(report.net_minor)],
        ["Admitted at the doors", f"{report.admitted:,} of {report.valid:,}"],
    ]
    story += [table(summary, [70 * mm, 50 * mm], total=False)]

    story.append(Paragraph("By price category", heading))
    rows = [["Category", "Price", "Sold", "Refunded", "Gross", "Refunds", "Net"]]
    rows += [
        [c.name, money(c.price_minor), f"{c.sold:,}", f"{c.refunded:,}", money(c.gross_minor),
         money(c.refunded_minor), money(c.net_minor)]
        for c in report.categories
    ]  # fmt: skip
    rows.append(["Total", "", f"{report.sold:,}", f"{report.refunds:,}", money(report.gross_minor),
                 money(report.refunded_minor), money(report.net_minor)])  # fmt: skip
    widths, size = _fitted(rows, face.bold, _WIDTH)
    story.append(table(rows, widths, size=size))

    story.append(Paragraph(f"By day of sale ({report.timezone})", heading))
    rows = [["Day", "Orders", "Tickets", "Gross"]]
    rows += [
        [f"{d.day:%a %d %b %Y}", f"{d.orders:,}", f"{d.tickets:,}", money(d.gross_minor)] for d in report.days
    ]
    rows.append(
        ["Total", f"{sum(d.orders for d in report.days):,}", f"{report.sold:,}", money(report.gross_minor)]
    )
    story.append(table(rows, [60 * mm, 30 * mm, 30 * mm, 40 * mm]))

    story.append(Paragraph("Check-ins by gate", heading))
    rows = [["Gate", "Admitted"]]
    rows += [[g.gate, f"{g.admitted:,}"] for g in report.gates] or [["(nobody admitted yet)", ""]]
    rows.append(["Total (each ticket once)", f"{report.admitted:,}"])
    story.append(table(rows, [70 * mm, 30 * mm]))

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN,
        title=f"Sales report: {report.title}",
        author="Encore",
    )
    doc.build(story)
    return out.getvalue()


def _fitted(rows: list[list[str]], font: str, width: float) -> tuple[list[float], float]:
    """Column widths and font size for a table of right-aligned numbers after a name column: each number column
    as wide as its widest cell in bold (the total row) plus a gap, the name column the rest; a smaller size
    where millions would not fit otherwise. Fixed widths let amounts run into each other ("2 EUR 80,600.00")."""
    size = _SIZE
    while True:
        needed = [
            max(stringWidth(r[i], font, size) for r in rows) + 2 * _PADDING for i in range(len(rows[0]))
        ]
        numbers = sum(needed[1:]) + _GAP * (len(needed) - 1)
        if numbers + needed[0] <= width or size <= 6:
            return [max(width - numbers, needed[0]), *(n + _GAP for n in needed[1:])], size
        size -= 0.5


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
