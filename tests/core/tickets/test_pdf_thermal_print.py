"""The 80 mm ticket printed as a thermal head prints it: 203 dpi, each dot black or white."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
import zxingcpp

from core.tickets.pdf import Layout, render_pdf
from core.tickets.raster import rasterise
from tests.core.tickets.test_pdf import make_ticket
from tests.support.ticket_pdf import (
    MM,
    filled_shapes,
    grey_areas,
    one_bit,
    overlap,
    printed_chars,
    text_collisions,
)

DPI = 203  # the usual 8 dots/mm head


@pytest.mark.parametrize("demo", [True, False], ids=["demo", "real"])
def test_a_black_only_print_loses_nothing(demo: bool) -> None:
    """Grey ink is what a black-only head drops and a dithering driver stipples: the ticket has none."""
    (image,) = rasterise(render_pdf([make_ticket(demo=demo)], Layout.TICKET80), DPI)

    inked = sum(image.convert("L").histogram()[:128])
    assert inked > 50_000
    assert grey_areas(image) < 0.001 * inked


def test_the_demo_mark_survives_a_one_bit_print_beside_legible_text() -> None:
    doc = make_ticket(demo=True)
    pdf = render_pdf([doc], Layout.TICKET80)
    (image,) = rasterise(pdf, DPI)
    printed = one_bit(image)
    page_h = pdfium.PdfDocument(pdf)[0].get_size()[1]

    chars = printed_chars(pdf)
    text = "".join(c.char for c in chars)
    marks = [chars[m : m + 4] for m in _find_all(text, "DEMO")]
    assert len(marks) >= 3  # top, middle and bottom: a torn-off end does not take the mark away
    assert any(mark[0].box[3] - mark[0].box[1] >= 6 * MM for mark in marks)  # one of them large
    for mark in marks:
        # White letters on solid black: the band around the word prints black at any threshold.
        left, bottom = mark[0].box[0] - 0.6 * MM, min(c.box[1] for c in mark) - 0.6 * MM
        right, top = mark[-1].box[2] + 0.6 * MM, max(c.box[3] for c in mark) + 0.6 * MM
        area = printed.crop(_pixels((left, bottom, right, top), page_h))
        black = area.histogram()[0] / (area.width * area.height)
        assert 0.45 <= black <= 0.95, (black, mark)
    # The bands hold the DEMO words and nothing else: no other text is printed over or under them.
    bands = [s for s in filled_shapes(pdf) if s[2] - s[0] > 50 * MM and 5 * MM < s[3] - s[1] < 25 * MM]
    assert len(bands) == len(marks)
    for band in bands:
        inside = "".join(c.char for c in chars if overlap(band, c.box))
        assert inside.startswith("DEMO")
        assert len(inside) <= 30, inside  # the warning, and nothing of the ticket's own text
    assert not text_collisions(chars)
    # The door still reads the code from the 1-bit print.
    codes = zxingcpp.read_barcodes(printed.convert("L"))
    assert [b.text for b in codes if b.format == zxingcpp.BarcodeFormat.QRCode] == [doc.qr_text]


def _find_all(text: str, word: str) -> list[int]:
    return [i for i in range(len(text)) if text.startswith(word, i)]


def _pixels(box: tuple[float, float, float, float], page_h: float) -> tuple[int, int, int, int]:
    scale = DPI / 72
    left, bottom, right, top = box
    return (
        round(left * scale),
        round((page_h - top) * scale),
        round(right * scale),
        round((page_h - bottom) * scale),
    )
