"""Chinese and Japanese names print as real glyphs: embedded, extracted back, and each drawn with its own shape."""

from __future__ import annotations

import itertools
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from core.tickets.pdf import Layout, render_pdf
from core.tickets.pdf_fonts import CJK_FONT_FILES, Run, cjk_fallbacks, fonts, runs
from core.tickets.raster import rasterise
from tests.core.tickets.test_pdf import decode, make_ticket, page_texts
from tests.support.logfail import ExpectLog
from tests.support.ticket_pdf import glyph_shape, is_cjk, printed_chars, squash

DPI = 300
CJK_NAMES = {
    "artist": "周杰伦 与 宇多田ヒカル",
    "concert_title": "音楽図鑑 — 东京公演",
    "venue_name": "東京国際フォーラム ホールA",
    "section": "スタンド北ブロック",
    "category": "S席 · 头等座",
}


@pytest.mark.parametrize("layout", list(Layout))
def test_chinese_and_japanese_names_print_as_real_glyphs(layout: Layout) -> None:
    doc = make_ticket(**CJK_NAMES)

    pdf = render_pdf([doc], layout)

    text = squash(page_texts(pdf)[0])
    for name in CJK_NAMES.values():
        assert squash(name) in text
    chars = printed_chars(pdf)
    assert all(c.embedded for c in chars), {c.font for c in chars if not c.embedded}
    cjk = {c.char: c for c in chars if is_cjk(c.char)}
    assert set(cjk) == {ch for name in CJK_NAMES.values() for ch in name if is_cjk(ch)}
    # Latin letters keep the ticket's own face: the CJK font fills in only what it lacks.
    assert all("DejaVu" in c.font for c in chars if c.char.isascii())
    assert not any("DejaVu" in c.font for c in cjk.values())
    (image,) = rasterise(pdf, DPI)
    page_h = pdfium.PdfDocument(pdf)[0].get_size()[1]
    shapes = {char: glyph_shape(image, c.box, DPI, page_h) for char, c in cjk.items()}
    assert all(shapes.values()), [char for char, shape in shapes.items() if not shape]
    for (a, shape_a), (b, shape_b) in itertools.combinations(shapes.items(), 2):
        differing = sum(x != y for x, y in zip(shape_a, shape_b, strict=True))
        assert differing > 24 * 24 * 0.08, f"{a} and {b} print the same shape: a missing glyph's box"
    assert [[b.text for b in page] for page in decode(pdf)] == [[doc.qr_text]]


def test_each_character_takes_the_first_font_that_has_it() -> None:
    bold = fonts().bold

    parts = runs("周杰伦 & 宇多田ヒカル Ł", bold)

    assert [p.text for p in parts] == ["周杰伦", " & ", "宇多田ヒカル", " Ł"]
    assert parts[1].font == parts[3].font == bold
    assert parts[0].font == parts[2].font != bold
    assert parts[0].fake_bold  # the CJK font has no bold face: its outline is stroked to match


def test_without_a_cjk_font_file_names_fall_back_to_fonts_the_viewer_supplies(
    tmp_path: Path, expect_log: ExpectLog
) -> None:
    with expect_log(
        "core.tickets.pdf_fonts", "no CJK font for tickets .* install Debian's fonts-droid-fallback"
    ):
        fallbacks = cjk_fallbacks((tmp_path / "missing.ttf",))

    regular = fonts().regular
    assert [f.name for f in fallbacks] == ["HeiseiKakuGo-W5", "HYGothic-Medium", "STSong-Light"]
    # Japanese (it has kana) takes the Japanese font for its kanji too; Chinese takes the Chinese one.
    assert runs("宇多田ヒカル", regular, fallbacks) == [Run("宇多田ヒカル", "HeiseiKakuGo-W5")]
    assert runs("周杰伦 Jay", regular, fallbacks) == [Run("周杰伦", "STSong-Light"), Run(" Jay", regular)]
    assert runs("방탄소년단", regular, fallbacks) == [Run("방탄소년단", "HYGothic-Medium")]


def test_characters_no_font_file_has_fall_to_a_cid_font_not_an_empty_box() -> None:
    droid = CJK_FONT_FILES[0]
    assert droid.is_file(), "make installs Debian's fonts-droid-fallback; the tickets' CJK font"

    fallbacks = cjk_fallbacks((droid,))

    regular = fonts().regular
    assert runs("周杰伦", regular, fallbacks)[0].font == fallbacks[0].name  # embedded, from the file
    assert runs("방탄소년단", regular, fallbacks) == [
        Run("방탄소년단", "HYGothic-Medium")
    ]  # Droid has no Hangul


def test_make_installs_the_font_the_tickets_look_for_first() -> None:
    script = Path(__file__).resolve().parents[3] / "packaging" / "system-libs.sh"

    (line,) = [line for line in script.read_text().splitlines() if line.startswith("CJK_FONT=")]

    assert Path(line.removeprefix("CJK_FONT=")) == CJK_FONT_FILES[0]
    assert "wanted+=(fonts-droid-fallback)" in script.read_text()
