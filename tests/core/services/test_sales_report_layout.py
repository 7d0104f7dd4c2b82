"""The sales report PDF's category table, read back from the page: every amount inside the page and apart from
its neighbours, from a club night to a stadium's millions (fixed column widths ran "2 EUR 80,600.00" together)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pypdfium2
import pytest

from core.domain.reports import CategoryLine, DayLine, GateLine, SalesReport
from core.services.sales_report_pdf import money_text, render_sales_report

_NOW = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)


def _report(price_minor: int, sold: int, name: str = "Stalls premium") -> SalesReport:
    categories = [
        CategoryLine(name, price_minor, sold, 2, price_minor * sold, price_minor * 2),
        CategoryLine("Standing", price_minor // 2, sold * 50, 0, price_minor // 2 * sold * 50, 0),
    ]
    return SalesReport(
        concert_id=1, title="Midsummer Night Live", artist="The Orchestra", venue_name="Hall",
        timezone="Europe/Berlin", starts_at=_NOW, status="on_sale", currency="EUR", made_at=_NOW,
        capacity=sold * 52, categories=categories, days=[DayLine(date(2026, 12, 4), 60, sold * 51, 1)],
        gates=[GateLine("North", 40)], orders=60, refunds=2, admitted=40,
    )  # fmt: skip


def _cells(pdf: bytes, row: list[str]) -> list[tuple[float, float]]:
    """(left, right) in points of each cell's text, found in order along one line of page 1."""
    page = pypdfium2.PdfDocument(pdf)[0]
    width = page.get_size()[0]
    text = page.get_textpage()
    spans = []
    for cell in row:
        searcher = text.search(cell, match_case=True, match_whole_word=True)
        found = [searcher.get_next() for _ in range(40)]
        boxes = [
            (text.get_charbox(start)[0], text.get_charbox(start + count - 1)[2], text.get_charbox(start)[1])
            for start, count in (f for f in found if f is not None)
        ]
        assert boxes, f"{cell!r} is not on page 1"
        spans.append(boxes)
    # The total row is the lowest line holding all its cells: pick each cell's box on one baseline.
    for baseline in sorted({round(b[2]) for b in spans[0]}):
        line: list[tuple[float, float, float]] = []
        for boxes in spans:  # left to right: "2" is also the start of "2,040" before it
            after = line[-1][0] + 1 if line else -1.0
            box = next((b for b in boxes if round(b[2]) == baseline and b[0] > after), None)
            if box is None:
                break
            line.append(box)
        if len(line) == len(row):
            assert all(0 <= b[0] < b[1] <= width for b in line), "a cell runs off the page"
            return [(b[0], b[1]) for b in line]
    pytest.fail(f"no line of page 1 holds {row}")


@pytest.mark.parametrize(
    ("price_minor", "sold"), [(6_500, 40), (6_500, 4_000), (25_000, 1_000)], ids=["club", "hall", "stadium"]
)
def test_the_category_totals_stand_apart_on_the_page(price_minor: int, sold: int) -> None:
    report = _report(price_minor, sold)
    pdf = render_sales_report(report)
    total = [
        f"{report.sold:,}", f"{report.refunds:,}", money_text(report.gross_minor, "EUR"),
        money_text(report.refunded_minor, "EUR"), money_text(report.net_minor, "EUR"),
    ]  # fmt: skip
    cells = _cells(pdf, total)
    gaps = [b[0] - a[1] for a, b in itertools.pairwise(cells)]
    assert min(gaps) >= 10, f"the total row's cells are {gaps} points apart"  # at least a clear space
