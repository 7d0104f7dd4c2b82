"""A sample ticket rendered as a station's printer would get it: for `encore-kiosk --self-test`, which checks
that the renderer and its fonts work on this machine (nothing is sold, the QR code says SELF-TEST)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.domain.money import Money
from core.domain.tickets import Layout
from core.tickets.document import TicketDocument
from core.tickets.pdf import render_pdf

__all__ = ["render_sample_ticket"]


def render_sample_ticket(layout: Layout = Layout.TICKET80) -> bytes:
    starts = datetime.now(UTC) + timedelta(days=1)
    document = TicketDocument(
        concert_title="Self-test",
        artist="Encore",
        venue_name="This station",
        venue_timezone="UTC",
        doors_at=starts - timedelta(hours=1),
        starts_at=starts,
        section="Stalls",
        row="A",
        seat=1,
        category="Test",
        price=Money(0, "EUR"),
        order_code="SELFTEST",
        serial="SELF-TEST-0001",
        qr_text="SELF-TEST",
        demo=True,
    )
    return render_pdf([document], layout)
