"""Ticket PDFs rendered for real, rasterised with pdfium, QR codes decoded with zxing-cpp, text extracted back."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pypdfium2 as pdfium
import pytest
import zxingcpp

from core.domain.money import Money
from core.tickets.document import TicketDocument
from core.tickets.pdf import Layout, render_pdf
from core.tickets.raster import rasterise

MM = 72 / 25.4
DPI = 200

QR_TEXTS = [
    "ENC1",
    "NCF$8Z:3K6Q0B8F1V:5TAR7XQD1%E*DT4H.VYM8I4N-1QW2/HPRL6W3G+ZL0B1E9I6W6+Q-Z7$MOIH9OJ6F",
    "6BFOXN%TSMAHN-HWWK2T8Q+5J2VWM3N8V ECAI3:D6S4B9P0HQ" * 4,  # 200 characters, spaces included
]
LONG_TITLE = "An Evening of Into the Trees, Snowmelt and Other Pieces for Cello and Live Looping Electronics"
LONG_ARTIST = "Zoë Keating & the Extraordinarily Long Chamber Orchestra Łódź"


def make_ticket(**changes: Any) -> TicketDocument:
    base = TicketDocument(
        concert_title="Ágætis byrjun — 25th Anniversary Tour",
        artist="Sigur Rós",
        venue_name="Tempodrom Berlin",
        venue_timezone="Europe/Berlin",
        doors_at=datetime(2026, 12, 2, 18, 0, tzinfo=UTC),
        starts_at=datetime(2026, 12, 2, 19, 0, tzinfo=UTC),
        section="Stalls Left",
        row="F",
        seat=12,
        category="Category A",
        price=Money(4500, "EUR"),
        order_code="K7QX-4M2P",
        serial="T-0004-2719",
        qr_text=QR_TEXTS[1],
    )
    return replace(base, **changes)


def page_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [" ".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document))]
    finally:
        document.close()


def decode(pdf: bytes) -> list[list[zxingcpp.Barcode]]:
    return [
        [b for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode]
        for image in rasterise(pdf, DPI)
    ]


@pytest.mark.parametrize("layout", list(Layout))
@pytest.mark.parametrize("qr_text", QR_TEXTS, ids=["short", "base45", "long"])
def test_the_printed_qr_code_decodes_to_the_ticket_text(layout: Layout, qr_text: str) -> None:
    pages = decode(render_pdf([make_ticket(qr_text=qr_text)], layout))

    assert [[b.text for b in page] for page in pages] == [[qr_text]]


@pytest.mark.parametrize(
    ("layout", "minimum_mm"), [(Layout.TICKET80, 30), (Layout.A4, 35), (Layout.LETTER, 35)]
)
def test_the_qr_symbol_is_large_enough_to_scan_at_the_door(layout: Layout, minimum_mm: float) -> None:
    (barcode,) = decode(render_pdf([make_ticket()], layout))[0]

    width_mm = (barcode.position.top_right.x - barcode.position.top_left.x) / DPI * 25.4
    assert minimum_mm <= width_mm <= 45


def test_a_sheet_holds_three_tickets_a_page_each_with_its_own_code() -> None:
    tickets = [make_ticket(serial=f"T-{i}", qr_text=f"ENC{i}X{i * 7919}") for i in range(4)]

    pages = decode(render_pdf(tickets, Layout.A4))

    assert [sorted(b.text for b in page) for page in pages] == [
        ["ENC0X0", "ENC1X7919", "ENC2X15838"],
        ["ENC3X23757"],
    ]


@pytest.mark.parametrize(
    ("layout", "width", "heights"),
    [(Layout.TICKET80, 80 * MM, (140 * MM, 200 * MM)), (Layout.A4, 595.28, (841.89, 841.89))],
)
def test_page_sizes(layout: Layout, width: float, heights: tuple[float, float]) -> None:
    document = pdfium.PdfDocument(render_pdf([make_ticket(), make_ticket(demo=True)], layout))
    sizes = [document[i].get_size() for i in range(len(document))]
    document.close()

    for page_w, page_h in sizes:
        assert page_w == pytest.approx(width, abs=0.1)
        assert heights[0] - 0.1 <= page_h <= heights[1] + 0.1


def test_letter_pages_are_us_letter() -> None:
    document = pdfium.PdfDocument(render_pdf([make_ticket()], Layout.LETTER))
    assert document[0].get_size() == pytest.approx((612, 792))
    document.close()


@pytest.mark.parametrize("layout", list(Layout))
def test_the_ticket_shows_what_the_door_and_the_buyer_need(layout: Layout) -> None:
    (text,) = page_texts(render_pdf([make_ticket()], layout))

    for expected in (
        "Sigur Rós",
        "Ágætis byrjun",
        "Tempodrom Berlin",
        "Wed, 2 Dec 2026",
        "Stalls Left",
        "Category A",
    ):
        assert expected in text
    # 18:00 and 19:00 UTC are 19:00 and 20:00 in Berlin in December (CET, UTC+1).
    assert "Doors 19:00 · Start 20:00" in text
    assert "K7QX-4M2P" in text
    assert "T-0004-2719" in text
    assert "€45.00" in text
    assert "Standing" not in text


@pytest.mark.parametrize("layout", list(Layout))
def test_times_follow_the_venue_zone_and_its_summer_time(layout: Layout) -> None:
    summer = make_ticket(
        doors_at=datetime(2026, 7, 3, 17, 30, tzinfo=UTC),
        starts_at=datetime(2026, 7, 3, 23, 0, tzinfo=UTC),
        venue_timezone="America/New_York",
    )

    (text,) = page_texts(render_pdf([summer], layout))

    assert "Fri, 3 Jul 2026" in text
    assert "Doors 13:30 · Start 19:00" in text


@pytest.mark.parametrize("layout", list(Layout))
def test_a_standing_ticket_says_standing(layout: Layout) -> None:
    standing = make_ticket(section="Floor", row=None, seat=None, category="General Admission")

    (text,) = page_texts(render_pdf([standing], layout))

    assert "Standing" in text
    assert "Floor" in text
    assert "Seat" not in text


def test_prices_use_the_currency_minor_units() -> None:
    (text,) = page_texts(render_pdf([make_ticket(price=Money(650000, "JPY"))], Layout.TICKET80))

    assert "JP¥650,000" in text  # no decimals: the yen has no minor unit


@pytest.mark.parametrize("layout", list(Layout))
def test_only_demo_tickets_carry_the_demo_mark(layout: Layout) -> None:
    real, demo = (
        page_texts(render_pdf([make_ticket()], layout))[0],
        page_texts(render_pdf([make_ticket(demo=True)], layout))[0],
    )

    assert "DEMO" in demo
    assert "NOT VALID" in demo
    assert "DEMO" not in real.upper()
    assert "NOT VALID" not in real


@pytest.mark.parametrize("layout", list(Layout))
def test_long_and_non_latin1_names_wrap_inside_the_ticket(layout: Layout) -> None:
    assert len(LONG_TITLE) >= 90
    assert len(LONG_ARTIST) >= 60
    doc = make_ticket(
        artist=LONG_ARTIST, concert_title=LONG_TITLE, venue_name="Atlas Arena Łódź", section="Parkiet Północ"
    )

    pdf = render_pdf([doc], layout)

    (text,) = page_texts(pdf)
    for name in (LONG_ARTIST, LONG_TITLE, "Atlas Arena Łódź", "Parkiet Północ"):
        assert name in text
    left, right = _ink_extent(pdf)
    page_w = 80 * MM if layout is Layout.TICKET80 else 612 if layout is Layout.LETTER else 595.28
    margin = 5 * MM if layout is Layout.TICKET80 else 10 * MM
    assert margin <= left
    assert right <= page_w - margin
    assert [[b.text for b in page] for page in decode(pdf)] == [[doc.qr_text]]


@pytest.mark.parametrize("name", ["Motörhead", "Zoë Keating", "Sigur Rós", "Łódź Kaliska", "Žižek & Ørsted"])
def test_names_outside_latin1_keep_their_letters(name: str) -> None:
    pdf = render_pdf([make_ticket(artist=name)], Layout.TICKET80)

    assert name in page_texts(pdf)[0]
    assert b"/FontFile2" in pdf  # an embedded TrueType font, which has these glyphs; Helvetica would not


def test_the_qr_code_is_vector_and_the_output_is_deterministic() -> None:
    tickets = [make_ticket(), make_ticket(demo=True, seat=None, row=None)]

    first, second = render_pdf(tickets, Layout.A4), render_pdf(tickets, Layout.A4)

    assert first == second
    assert b"/Subtype /Image" not in first


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one ticket"):
        render_pdf([], Layout.A4)
    with pytest.raises(ValueError, match="UTC"):
        make_ticket(doors_at=datetime(2026, 12, 2, 18, 0))
    with pytest.raises(ValueError, match="IANA"):
        make_ticket(venue_timezone="Mars/Olympus_Mons")
    with pytest.raises(ValueError, match="qr_text"):
        make_ticket(qr_text="")
    with pytest.raises(ValueError, match="dpi"):
        rasterise(render_pdf([make_ticket()], Layout.TICKET80), dpi=0)


def test_the_rasteriser_gives_one_image_a_page_at_the_asked_resolution() -> None:
    images = rasterise(render_pdf([make_ticket(), make_ticket()], Layout.TICKET80), dpi=100)

    assert len(images) == 2
    assert images[0].mode == "RGB"
    assert images[0].width == round(80 / 25.4 * 100)


def _ink_extent(pdf: bytes) -> tuple[float, float]:
    """The leftmost and rightmost edge of any printed character on the first page, in points."""
    document = pdfium.PdfDocument(pdf)
    textpage = document[0].get_textpage()
    boxes = [textpage.get_charbox(i) for i in range(textpage.count_chars())]
    text = textpage.get_text_range()
    document.close()
    # The scissors mark the cut lines in the sheet's margin on purpose.
    printed = [box for box, char in zip(boxes, text, strict=False) if not re.match(r"[\s✂]", char)]
    return min(b[0] for b in printed), max(b[2] for b in printed)
