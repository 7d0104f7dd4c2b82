"""Everything a buyer needs prints whole on every format: long and non-Latin names wrap or shrink, never cut."""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from core.tickets.document import TicketDocument
from core.tickets.pdf import Layout, render_pdf
from tests.core.tickets.test_pdf import decode, make_ticket, page_texts
from tests.support.ticket_pdf import MM, printed_chars, squash, text_collisions

# The longest names the database takes (artist, title and venue 200 characters; section and category 100).
LONGEST = {
    "artist": (
        "The Extraordinarily Long-Named Philharmonic Chamber Orchestra of Łódź and Kraków with Guest Soloists "
        "from Reykjavík, Zürich, São Paulo and Wrocław, Conducted by Ólafur Arnalds and Friends"
    ),
    "concert_title": (
        "An Evening of Into the Trees, Snowmelt and Other Pieces for Cello and Live Looping Electronics, "
        "Followed After the Interval by Improvised Pieces Chosen by the Audience on the Night Itself"
    ),
    "venue_name": (
        "Großes Festspielhaus der Stadt Salzburg am Herbert-von-Karajan-Platz, Eingang Hofstallgasse, "
        "Haupteingang links vom Brunnen, gegenüber der Pferdeschwemme und dem Museum der Moderne"
    ),
    "section": "Galerie Seite links, obere Reihen hinter der Säule, eingeschränkte Sicht auf die Bühne, Zugang B",
    "category": "Kategorie sechs – Hörplatz ohne Sicht auf die Bühne, ermäßigt für Schüler und Studenten mit Ausweis",
}
NAMED = [
    # The names the issue saw cut: the category's warning, whole words of a standing section, an artist's end.
    make_ticket(category="Balcony – restricted view", section="Balcony Left Side Upper"),
    make_ticket(
        section="Stehplatz Innenraum vor der Bühne", row=None, seat=None, category="Stehplatz ermäßigt"
    ),
    make_ticket(
        artist="Zoë Keating & the Extraordinarily Long Chamber Orchestra Łódź of Sound, with the Kraków "
        "Philharmonic Choir and Friends"
    ),
    make_ticket(
        artist="周杰伦 与 宇多田ヒカル",
        section="スタンド北ブロック 立見エリア",
        category="S席 · 头等座 · 视野受限",
    ),
    make_ticket(**LONGEST, row="Parterre 12", seat=1234),
    make_ticket(**LONGEST, row=None, seat=None),
    # The ticket's own words in the sale's language are longer than English ones ("Stehplatz", "45,00 €").
    *(
        make_ticket(**LONGEST, row=row, seat=seat, language=lang)
        for lang in ("de", "es")
        for row, seat in (("AA", 1234), (None, None))
    ),
]
IDS = ["category", "standing", "artist", "cjk", "longest", "longest-standing"]
IDS += [f"longest-{kind}-{lang}" for lang in ("de", "es") for kind in ("seated", "standing")]


def _fields(doc: TicketDocument) -> list[str]:
    fields = [doc.artist, doc.concert_title, doc.venue_name, doc.section, doc.category, doc.price_text()]
    fields += [doc.date_text(), doc.times_text(), doc.order_code, doc.serial]
    return fields + ([doc.row or "", str(doc.seat)] if doc.seat is not None else [doc.words.standing])


@pytest.mark.parametrize("layout", list(Layout))
@pytest.mark.parametrize("doc", NAMED, ids=IDS)
def test_every_name_prints_whole(layout: Layout, doc: TicketDocument) -> None:
    pdf = render_pdf([doc], layout)

    (text,) = page_texts(pdf)
    assert "…" not in text
    for field in (" ".join(f.split()) for f in _fields(doc)):  # extraction reads a no-break space as a space
        # Words stay whole: a line breaks between words, so the extracted text reads as the name, spaces and all.
        # CJK lines break between characters, where extraction adds a space of its own: compare those unspaced.
        found = squash(field) in squash(text) if not field.isascii() and _has_cjk(field) else field in text
        assert found, f"{field!r} is not printed whole in {text!r}"
    assert [[b.text for b in page] for page in decode(pdf)] == [[doc.qr_text]]


@pytest.mark.parametrize("layout", list(Layout))
@pytest.mark.parametrize("doc", NAMED, ids=IDS)
def test_long_names_stay_legible_inside_their_ticket(layout: Layout, doc: TicketDocument) -> None:
    """No line runs into another, into the next ticket on the sheet or off the page; nothing shrinks unreadably."""
    pdf = render_pdf([doc, doc], layout)

    document = pdfium.PdfDocument(pdf)
    page_w, page_h = document[0].get_size()
    sizes = _font_sizes(document[0])
    document.close()
    chars = [c for c in printed_chars(pdf) if c.char != "✂"]  # the scissors mark the cut lines on purpose
    if layout is Layout.TICKET80:
        slots = [(0.0, page_h)]
    else:  # three slots a page between 10 mm margins: the first two hold our tickets
        slot = (page_h - 20 * MM) / 3
        slots = [(page_h - 10 * MM - (i + 1) * slot, page_h - 10 * MM - i * slot) for i in range(2)]
    for c in chars:
        left, bottom, right, top = c.box
        assert left >= 5 * MM, c
        assert right <= page_w - 5 * MM, c
        assert any(low <= bottom and top <= high for low, high in slots), c
    assert not text_collisions(chars)
    assert min(sizes) >= 5.4


def _has_cjk(text: str) -> bool:
    return any(0x3040 <= ord(ch) <= 0x9FFF for ch in text)


def _font_sizes(page: pdfium.PdfPage) -> list[float]:
    textpage = page.get_textpage()
    return [
        pdfium_c.FPDFText_GetFontSize(textpage, i)
        for i in range(textpage.count_chars())
        if not chr(pdfium_c.FPDFText_GetUnicode(textpage, i)).isspace()
    ]
