"""Fonts for ticket PDFs: DejaVu for Latin, Greek and Cyrillic, and per glyph a CJK font for what DejaVu lacks."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

import resources

__all__ = ["CJK_FONT_FILES", "Fallback", "Fonts", "Run", "cjk_fallbacks", "fonts", "runs"]

log = logging.getLogger(__name__)

_RESOURCES = resources.path("fonts")
_LATIN_DIRS = (_RESOURCES, Path("/usr/share/fonts/truetype/dejavu"))

CJK_FONT_FILES: tuple[Path, ...] = (
    # reportlab embeds TrueType (glyf) outlines only, not CFF: so not Noto Sans CJK's .otf/.ttc. Droid Sans
    # Fallback (Apache-2.0; Debian's fonts-droid-fallback, which `make` installs) has the Chinese characters
    # of GB 2312 and Big5, Japanese kana and JIS kanji; the others are used where a machine has them instead.
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf"),  # Hangul, which Droid's fallback font lacks
)
# CJK characters that no font file has (all of them without a file; Hangul where only Droid's is found) fall to
# reportlab's Adobe CID fonts: named in the PDF but not embedded, so the viewer or the printer driver must have
# an Asian font to draw them with. Still better than an empty box for certain.
_CID_FONTS = (
    ("HeiseiKakuGo-W5", re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")),  # text with kana: Japanese
    ("HYGothic-Medium", re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")),  # text with Hangul: Korean
    ("STSong-Light", re.compile(r".")),  # otherwise Chinese
)
_CJK_CHARS = re.compile(
    r"[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)


@dataclass(frozen=True, slots=True)
class Fonts:
    regular: str
    bold: str
    mono: str


@dataclass(frozen=True, slots=True)
class Fallback:
    """A font that draws the characters the ticket's own face lacks."""

    name: str
    glyphs: frozenset[int] | None
    """The code points it has; None for a non-embedded CID font, which the viewer has to supply."""


@dataclass(frozen=True, slots=True)
class Run:
    """Part of a string drawn in one font; `fake_bold` strokes the outline where the fallback has no bold."""

    text: str
    font: str
    fake_bold: bool = False


@lru_cache(maxsize=1)
def fonts() -> Fonts:
    """DejaVu covers Ł, ź, ő and friends that Helvetica's WinAnsi encoding lacks; Helvetica is the last resort."""
    files = {"EncoreSans": "DejaVuSansCondensed.ttf", "EncoreSans-Bold": "DejaVuSansCondensed-Bold.ttf"}
    files["EncoreMono"] = "DejaVuSansMono.ttf"
    for folder in _LATIN_DIRS:
        if all((folder / f).is_file() for f in files.values()):
            for name, file in files.items():
                pdfmetrics.registerFont(TTFont(name, str(folder / file)))
            return Fonts("EncoreSans", "EncoreSans-Bold", "EncoreMono")
    return Fonts("Helvetica", "Helvetica-Bold", "Courier")


def cjk_fallbacks(files: tuple[Path, ...] = CJK_FONT_FILES) -> tuple[Fallback, ...]:
    """The fonts found among `files`, in order, then the CID fonts for CJK characters none of them has.

    With no file found at all, a warning says how to get one: CID fonts are not embedded."""
    found = []
    for index, path in enumerate(files):
        if not path.is_file():
            continue
        name = f"EncoreCJK{index}"
        try:
            font = TTFont(name, str(path), subfontIndex=0)
        except TTFError as exc:  # e.g. PostScript outlines: reportlab cannot embed them
            log.warning("ticket font %s is not usable: %s", path, exc)
            continue
        pdfmetrics.registerFont(font)
        found.append(Fallback(name, frozenset(font.face.charToGlyph)))
    if not found:
        log.warning(
            "no CJK font for tickets (looked for %s): Chinese, Japanese and Korean names print with a font the "
            "PDF does not embed; install Debian's fonts-droid-fallback (make does) to embed one",
            ", ".join(str(f) for f in files),
        )
    for name, _ in _CID_FONTS:
        pdfmetrics.registerFont(UnicodeCIDFont(name))
    return (*found, *(Fallback(name, None) for name, _ in _CID_FONTS))


@lru_cache(maxsize=1)
def _default_fallbacks() -> tuple[Fallback, ...]:
    # Loaded on the first character DejaVu lacks: most tickets never pay for parsing a 4 MB font.
    return cjk_fallbacks()


@lru_cache(maxsize=16)
def _glyphs(font: str) -> frozenset[int]:
    registered = pdfmetrics.getFont(font)
    if isinstance(registered, TTFont):
        return frozenset(registered.face.charToGlyph)
    return frozenset(ord(char) for char in bytes(range(32, 256)).decode("cp1252", "ignore"))  # Helvetica


def runs(text: str, font: str, fallbacks: tuple[Fallback, ...] | None = None) -> list[Run]:
    """Split text into runs: each character in `font` where it has the glyph, else in the first fallback that has.

    A character nobody has stays in `font` (it prints .notdef there, as it would have anyway)."""
    if fallbacks is None:
        return _runs_cached(text, font)
    return _split(text, font, fallbacks)


@lru_cache(maxsize=8192)
def _runs_cached(text: str, font: str) -> list[Run]:
    have = _glyphs(font)
    if all(ord(char) in have for char in text):
        return [Run(text, font)]
    return _split(text, font, _default_fallbacks())


def _split(text: str, font: str, fallbacks: tuple[Fallback, ...]) -> list[Run]:
    have, bold = _glyphs(font), font.endswith("Bold")
    cid = next((f for f in fallbacks if f.glyphs is None and _cid_pattern(f.name).search(text)), None)
    result: list[Run] = []
    for char in text:
        chosen = font
        if ord(char) not in have and not char.isspace():
            chosen = next((f.name for f in fallbacks if f.glyphs and ord(char) in f.glyphs), font)
            if chosen == font and cid is not None and _CJK_CHARS.match(char):
                chosen = cid.name
        if result and result[-1].font == chosen:
            result[-1] = Run(result[-1].text + char, chosen, result[-1].fake_bold)
        else:
            result.append(Run(char, chosen, bold and chosen != font))
    return result


def _cid_pattern(name: str) -> re.Pattern[str]:
    return next(pattern for cid, pattern in _CID_FONTS if cid == name)
