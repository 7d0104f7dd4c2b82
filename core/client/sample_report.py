"""A sample sales report rendered as the admin's Reports screen gets it: for `encore-admin --self-test`, which
checks that reportlab and the fonts it embeds work on this machine (made-up figures; nothing is read)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from core.domain.reports import CategoryLine, DayLine, GateLine, SalesReport
from core.services.sales_report_pdf import render_sales_report
from core.tickets.pdf_fonts import fonts

__all__ = ["render_sample_report"]


def render_sample_report() -> tuple[bytes, Path | None]:
    """The PDF, and the font file its text is set in (None: reportlab's Helvetica, no font file was found)."""
    now = datetime.now(UTC)
    report = SalesReport(
        concert_id=0,
        title="Self-test",
        artist="Encore",
        venue_name="This desktop",
        timezone="UTC",
        starts_at=now + timedelta(days=1),
        status="on_sale",
        currency="EUR",
        made_at=now,
        capacity=100,
        categories=[CategoryLine("Stalls", 4500, 3, 1, 13500, 4500)],
        days=[DayLine(date(2026, 1, 1), 2, 3, 13500)],
        gates=[GateLine("Main entrance", 1)],
        orders=2,
        refunds=1,
        admitted=1,
    )
    pdf = render_sales_report(report)
    face = pdfmetrics.getFont(fonts().regular)
    return pdf, Path(face.face.filename) if isinstance(face, TTFont) else None
