"""Languages: a live switch on the real screens, and .ts/.qm files that cover every string of the kiosk."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.ui import i18n
from kiosk.viewmodels.flow_state import Step
from tests.kiosk.ui.test_screens import on_screen
from tests.support.kiosk_windows import find, make_window

WORDS = {
    "en": ("Buy tickets", "Welcome to", "Speech: off"),
    "de": ("Tickets kaufen", "Willkommen im", "Sprachausgabe: aus"),
    "es": ("Comprar entradas", "Bienvenido a", "Voz: no"),
}


def test_switching_language_retranslates_the_live_screen_and_the_flow_texts(qtbot, real_flow):
    window = make_window(qtbot, real_flow)
    for language in ("de", "es", "en"):
        qtbot.mouseClick(find(window, f"language_{language}"), Qt.MouseButton.LeftButton)
        buy, welcome, speech = WORDS[language]
        qtbot.waitUntil(lambda b=buy: find(window, "buy_tickets").text() == b)
        assert find(window, "welcome_title").text().startswith(welcome)
        assert find(window, "speech_toggle").text() == speech
        assert find(window, f"language_{language}").text().startswith("✓")
        assert str(real_flow.state.spoken).startswith(welcome)  # view-model texts translate at render time
    qtbot.mouseClick(find(window, "language_de"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: find(window, "buy_tickets").text() == "Tickets kaufen")
    qtbot.mouseClick(find(window, "buy_tickets"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: on_screen(window, Step.CONCERTS) and not real_flow.state.busy)
    assert find(window, "back").text() == "Zurück"
    first = real_flow.state.concerts[0]
    assert f"noch {first.available}" in find(window, f"concert_card_{first.concert.id}").accessibleName()


def test_a_hidden_screen_is_translated_when_it_shows(qtbot, stand_in):
    from tests.kiosk import screenshots

    window = make_window(qtbot, stand_in)
    stand_in.show(replace(screenshots.states()["review-warning"], language="es"))
    assert find(window, "pay").text() == "Pagar"
    assert find(window, "countdown_warning").text().startswith("⚠ El tiempo casi")
    assert find(window, "notice_text").text() == "You have more time now."  # plain() texts are shown as given


def _messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(ts).getroot()
    return {
        (ctx.findtext("name") or "", msg.findtext("source") or ""): msg.find("translation")
        for ctx in root.iter("context")
        for msg in ctx.iter("message")
    }


@pytest.mark.parametrize("language", i18n.TRANSLATED)
def test_every_source_string_of_the_kiosk_is_translated(language, tmp_path):
    """Extract the sources afresh into a copy of the .ts: nothing new, nothing unfinished, placeholders kept."""
    fresh = tmp_path / f"kiosk_{language}.ts"
    shutil.copy(i18n.ts_path(language), fresh)
    i18n.extract([fresh])
    messages = _messages(fresh)
    assert set(messages) == set(_messages(i18n.ts_path(language))), "run: python -m kiosk.ui.i18n update"
    assert len(messages) > 150
    missing = [k for k, t in messages.items() if t.get("type") in {"unfinished", "vanished"} or not _texts(t)]
    assert not missing, f"untranslated in {language}: {missing}"
    for (_ctx, source), translation in messages.items():
        for text in _texts(translation):
            assert set(re.findall(r"\{\w+\}|%n", source)) == set(re.findall(r"\{\w+\}|%n", text)), source


def _texts(translation: ET.Element) -> list[str]:
    """The translation, or each of its plural forms (all must be there)."""
    forms = translation.findall("numerusform")
    texts = [f.text or "" for f in forms] if forms else [translation.text or ""]
    return texts if all(texts) else []


def test_english_has_every_plural_form_and_nothing_else(tmp_path):
    """English is the source language; its .ts holds only the "%n scans" texts, with "1 scan" and "2 scans"."""
    fresh = tmp_path / "kiosk_en.ts"
    shutil.copy(i18n.ts_path("en"), fresh)
    i18n.extract([fresh], plural_only=True)
    messages = _messages(fresh)
    assert set(messages) == set(_messages(i18n.ts_path("en"))), "run: python -m kiosk.ui.i18n update"
    assert messages
    for (_ctx, source), translation in messages.items():
        assert len(_texts(translation)) == 2, source
    rebuilt = tmp_path / "kiosk_en.qm"
    i18n.release(i18n.ts_path("en"), rebuilt)
    assert rebuilt.read_bytes() == i18n.qm_path("en").read_bytes(), "run: python -m kiosk.ui.i18n release"


@pytest.mark.parametrize("language", i18n.TRANSLATED)
def test_compiled_translations_are_up_to_date(language, tmp_path):
    rebuilt = tmp_path / f"kiosk_{language}.qm"
    i18n.release(i18n.ts_path(language), rebuilt)
    assert rebuilt.read_bytes() == i18n.qm_path(language).read_bytes(), "run: python -m kiosk.ui.i18n release"
