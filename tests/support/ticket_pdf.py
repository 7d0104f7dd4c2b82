"""Reading ticket PDFs back for tests: each printed character with its box and font, glyph shapes, 1-bit prints."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageChops, ImageFilter

MM = 72 / 25.4


@dataclass(frozen=True, slots=True)
class PrintedChar:
    char: str
    box: tuple[float, float, float, float]
    """left, bottom, right, top in PDF points (origin bottom left)."""
    font: str
    embedded: bool


def printed_chars(pdf: bytes, page_index: int = 0) -> list[PrintedChar]:
    """Every character pdfium finds on the page, with the font that draws it and whether that font is embedded."""
    document = pdfium.PdfDocument(pdf)
    try:
        textpage = document[page_index].get_textpage()
        chars = []
        for i in range(textpage.count_chars()):
            char = chr(pdfium_c.FPDFText_GetUnicode(textpage, i))
            if char.isspace() or char == "\x00":
                continue
            font = pdfium_c.FPDFTextObj_GetFont(pdfium_c.FPDFText_GetTextObject(textpage, i))
            name = ctypes.create_string_buffer(256)
            pdfium_c.FPDFFont_GetBaseFontName(font, name, 256)
            embedded = bool(pdfium_c.FPDFFont_GetIsEmbedded(font))
            left, bottom, right, top = textpage.get_charbox(i)
            chars.append(PrintedChar(char, (left, bottom, right, top), name.value.decode(), embedded))
        return chars
    finally:
        document.close()


def squash(text: str) -> str:
    """Text without whitespace: CJK lines break between characters, where extraction then adds a space."""
    return "".join(text.split())


def is_cjk(char: str) -> bool:
    code = ord(char)
    return 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF


def glyph_shape(image: Image.Image, box: tuple[float, float, float, float], dpi: int, page_h: float) -> bytes:
    """The character's ink cropped to its own extent and scaled to 24×24 one-bit pixels.

    A missing glyph prints .notdef, the same hollow box for every character: two different characters
    with the same shape were not really drawn."""
    scale = dpi / 72
    left, bottom, right, top = box
    crop = image.convert("L").crop(
        (
            int(left * scale) - 2,
            int((page_h - top) * scale) - 2,
            int(right * scale) + 3,
            int((page_h - bottom) * scale) + 3,
        )
    )
    ink = crop.point(lambda v: 255 if v < 128 else 0)
    extent = ink.getbbox()
    if extent is None:
        return b""
    glyph = ink.crop(extent)
    side = max(glyph.size)
    square = Image.new("L", (side, side))
    square.paste(glyph, ((side - glyph.width) // 2, (side - glyph.height) // 2))
    return square.resize((24, 24)).point(lambda v: 1 if v >= 128 else 0).tobytes()


def one_bit(image: Image.Image, threshold: int = 128) -> Image.Image:
    """What a thermal head prints: each dot black or white, nothing between (no dithering)."""
    return image.convert("L").point(lambda v: 0 if v < threshold else 255).convert("1")


def overlap(
    a: tuple[float, float, float, float], b: tuple[float, float, float, float], slack: float = 0.3
) -> bool:
    """Whether two (left, bottom, right, top) boxes share more than a sliver."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width > slack and height > slack


def filled_shapes(pdf: bytes, page_index: int = 0) -> list[tuple[float, float, float, float]]:
    """The bounds of the page's vector paths (bands, QR codes, rules), in PDF points."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [
            obj.get_bounds()
            for obj in document[page_index].get_objects()
            if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH
        ]
    finally:
        document.close()


def grey_areas(image: Image.Image) -> int:
    """How many pixels are grey away from any black ink: grey that is not merely the anti-aliased edge of a
    black stroke, so what a black-only head drops and a dithering driver stipples."""
    grey = image.convert("L")
    near_ink = grey.point(lambda v: 255 if v < 96 else 0).filter(ImageFilter.MaxFilter(5))
    greyish = grey.point(lambda v: 255 if 32 < v < 224 else 0)
    return ImageChops.subtract(greyish, near_ink).histogram()[255]


def text_collisions(chars: list[PrintedChar]) -> list[tuple[PrintedChar, PrintedChar]]:
    """Pairs of characters printed over each other, neighbours on a line (which may touch) aside.

    A sweep over the characters sorted by their left edge, so a sheet of a thousand characters stays quick."""
    order = sorted(range(len(chars)), key=lambda i: chars[i].box[0])
    found = []
    for at, i in enumerate(order):
        for j in order[at + 1 :]:
            if chars[j].box[0] >= chars[i].box[2]:
                break
            if abs(i - j) > 2 and overlap(chars[i].box, chars[j].box):
                found.append((chars[i], chars[j]))
    return found
