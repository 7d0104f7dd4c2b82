"""Ticket PDFs: 80 mm thermal stock (one ticket a page) and A4/letter sheets (three tickets a page, cut lines)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfgen.canvas import Canvas

from core.domain.tickets import Layout
from core.tickets.document import TicketDocument
from core.tickets.pdf_sheet import sheet_pages
from core.tickets.pdf_thermal import thermal_page

__all__ = ["Layout", "render_pdf"]


def render_pdf(tickets: Sequence[TicketDocument], layout: Layout) -> bytes:
    """Render the tickets into one PDF. Output is byte-for-byte deterministic for the same input."""
    if not tickets:
        raise ValueError("render_pdf needs at least one ticket")
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    canvas.setCreator("Encore box office")
    canvas.setAuthor(tickets[0].venue_name)
    first = tickets[0]
    title = (
        f"{first.artist} – {first.words.tickets}"
        if len(tickets) > 1
        else f"{first.words.ticket} {first.serial}"
    )
    canvas.setTitle(title)
    if layout is Layout.TICKET80:
        for doc in tickets:
            thermal_page(canvas, doc)
    else:
        sheet_pages(canvas, tickets, A4 if layout is Layout.A4 else LETTER)
    canvas.save()
    return buf.getvalue()
