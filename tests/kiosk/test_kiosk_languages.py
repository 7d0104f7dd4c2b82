"""A German and a Spanish sale through the real kiosk widgets: place words, the venue's names, money and dates in
the buyer's language, the ticket printed in it, and a core error said in it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from core.client.local import LocalClient
from core.domain.errors import ErrorCode
from core.services import concerts, sales
from kiosk.viewmodels.flow_state import Step
from tests.builders import ROOT, signing_kiosk
from tests.core.tickets.test_pdf import page_texts
from tests.support.kiosk_window import Kiosk, find, tap_seat

ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")  # fmt: skip
GERMAN_MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
                 "November", "Dezember")  # fmt: skip
WORDS = {
    # language: (Stalls, row, seat, a price "45,00 €", a word of the printed ticket, a month)
    "de": ("Parkett", "Reihe", "Platz", re.compile(r"\d+,\d\d\s€"), "Einlass", GERMAN_MONTHS),
    "es": ("Platea", "fila", "asiento", re.compile(r"\d+,\d\d\s€"), "Puertas", ()),
}


@pytest.fixture
def kiosk_folder(tmp_path: Path) -> Path:
    return tmp_path / "printed"


def _texts(window: Any) -> list[str]:
    return [w.text() for w in window.findChildren(QLabel) if w.isVisible()]


def _stalls_seats(kiosk: Kiosk, n: int) -> list[Any]:
    model = kiosk.flow.seat_map
    assert model is not None
    stalls = next(s.id for s in model.seat_map.sections if s.name == "Stalls")
    plain = [
        p
        for p in kiosk.free_seats(400)
        if model.places[p].section_id == stalls and not model.places[p].companion
    ]
    return plain[:n]  # companion seats have a category of their own


def _to_seats(qtbot: Any, kiosk: Kiosk, language: str) -> None:
    qtbot.mouseClick(find(kiosk.window, f"language_{language}"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.flow.state.language == language)
    qtbot.mouseClick(find(kiosk.window, "buy_tickets"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.on(Step.CONCERTS))
    concert = kiosk.flow.state.concerts[0].concert
    card = find(kiosk.window, f"concert_card_{concert.id}")
    stalls, _row, _seat, money, _ticket, months = WORDS[language]
    assert money.search(card.price.text()), card.price.text()  # "12,00 € – 59,00 €", not "EUR 12.00"
    assert "EUR" not in card.price.text()
    if months:
        assert any(m in card.when.text() for m in months), card.when.text()
        assert not any(m in card.when.text() for m in ENGLISH_MONTHS if m not in months)
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.on(Step.SEATS))
    assert stalls in _texts(kiosk.window), "the legend names the categories in the buyer's language"


_ROW_SEAT = {"en": "row {}, seat {}", "de": "Reihe {}, Platz {}"}


def _companion_seat(kiosk: Kiosk) -> Any:
    """A seat whose price category ('Companion') is not its section's ('Balcony')."""
    model = kiosk.flow.seat_map
    assert model is not None
    return next(p for p in kiosk.free_seats(400) if model.places[p].companion)


@pytest.mark.parametrize(
    ("language", "section", "category"),
    [("en", "Stalls", "Companion"), ("de", "Parkett", "Begleitplatz")],
)
def test_the_review_says_a_place_once_and_adds_its_category_only_when_it_differs(
    qtbot, qt_run, kiosk_ctx, kiosk_folder, language, section, category
):
    kiosk = Kiosk(qtbot, LocalClient.over(kiosk_ctx), kiosk_ctx.settings, kiosk_folder)
    qtbot.mouseClick(find(kiosk.window, f"language_{language}"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.flow.state.language == language)
    qtbot.mouseClick(find(kiosk.window, "buy_tickets"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.on(Step.CONCERTS))
    concert = kiosk.flow.state.concerts[0].concert
    qtbot.mouseClick(find(kiosk.window, f"concert_card_{concert.id}"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.on(Step.SEATS))
    seat, companion = _stalls_seats(kiosk, 1)[0], _companion_seat(kiosk)
    for place in (seat, companion):
        tap_seat(qtbot, kiosk, place)
    places = kiosk.flow.seat_map.places  # the review screen lets go of the map
    qtbot.mouseClick(find(kiosk.window, "continue"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.on(Step.REVIEW), timeout=10_000)
    lines = [w.text() for w in kiosk.window.findChildren(QLabel, "review_line_text") if w.isVisible()]
    row, number = places[seat].row, places[seat].number
    assert f"{section}, {_ROW_SEAT[language].format(row, number)}" in lines, lines  # not '… · Stalls'
    c_row, c_number = places[companion].row, places[companion].number
    said = [
        line for line in lines if line.endswith(f"{_ROW_SEAT[language].format(c_row, c_number)} · {category}")
    ]
    assert len(said) == 1, lines
    assert said[0].count(" · ") == 1, lines
    assert len(lines) == 2, lines
    qt_run(kiosk.flow.aclose())
    kiosk.window.languages.close()


def _sell(qtbot: Any, kiosk: Kiosk, language: str, folder: Path) -> None:
    stalls, row, seat, money, ticket_word, _months = WORDS[language]
    _to_seats(qtbot, kiosk, language)
    for place in _stalls_seats(kiosk, 2):
        tap_seat(qtbot, kiosk, place)
    qtbot.mouseClick(find(kiosk.window, "continue"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.on(Step.REVIEW), timeout=10_000)
    lines = [t for t in _texts(kiosk.window) if f"{stalls}, {row} " in t]
    assert len(lines) == 2, _texts(kiosk.window)
    # 'Parkett, Reihe A, Platz 3' once: the category is named like the section, so it is not repeated.
    assert all(re.fullmatch(rf"{stalls}, {row} [A-Z]+, {seat} \d+", line) for line in lines), lines
    total = find(kiosk.window, "review_total").text()
    assert money.fullmatch(total.replace("\xa0", " ")), total
    assert "standing" not in " ".join(lines)
    assert "row" not in " ".join(lines)

    qtbot.mouseClick(find(kiosk.window, "pay"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.on(Step.PAYMENT))
    qtbot.mouseClick(find(kiosk.window, "demo_approve"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.on(Step.DONE), timeout=20_000)
    (pdf,) = folder.glob("*.pdf")
    text = " ".join(page_texts(pdf.read_bytes())).replace("\xa0", " ")
    assert ticket_word in text, text
    assert stalls in text
    assert money.search(text)
    assert "Doors" not in text
    assert "Stalls" not in text


def test_a_german_sale_is_german_from_the_seat_map_to_the_printed_ticket(
    qtbot, qt_run, kiosk_ctx, kiosk_folder
):
    kiosk = Kiosk(qtbot, LocalClient.over(kiosk_ctx), kiosk_ctx.settings, kiosk_folder)
    _sell(qtbot, kiosk, "de", kiosk_folder)
    qt_run(kiosk.flow.aclose())
    kiosk.window.languages.close()


def test_a_spanish_sale_is_spanish(qtbot, qt_run, kiosk_ctx, kiosk_folder):
    kiosk = Kiosk(qtbot, LocalClient.over(kiosk_ctx), kiosk_ctx.settings, kiosk_folder)
    _sell(qtbot, kiosk, "es", kiosk_folder)
    qt_run(kiosk.flow.aclose())
    kiosk.window.languages.close()


def test_seats_taken_by_another_kiosk_are_named_in_the_buyers_language(
    qtbot, qt_run, kiosk_ctx, kiosk_folder
):
    kiosk = Kiosk(qtbot, LocalClient.over(kiosk_ctx), kiosk_ctx.settings, kiosk_folder)
    _to_seats(qtbot, kiosk, "de")
    chosen = _stalls_seats(kiosk, 2)
    for place in chosen:
        tap_seat(qtbot, kiosk, place)
    model = kiosk.flow.seat_map
    assert model is not None
    # The live map would drop seats taken elsewhere from the selection with a notice of its own; keep them, so
    # Continue meets core's SeatsTaken error, as a buyer does when the other kiosk is a moment quicker.
    model.note_own_hold(set(chosen))
    other = qt_run(signing_kiosk(kiosk_ctx, "Other kiosk"))
    qt_run(sales.hold_places(kiosk_ctx, other, kiosk.flow.seat_map.seat_map.concert.id, chosen[:1]))
    qtbot.mouseClick(find(kiosk.window, "continue"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.flow.state.notice is not None and not kiosk.flow.state.busy, timeout=10_000)
    assert kiosk.flow.state.notice.code == ErrorCode.SEATS_TAKEN
    taken = model.places[chosen[0]]
    shown = find(kiosk.window, "notice_text").text()
    assert f"Parkett, Reihe {taken.row}, Platz {taken.number}" in shown, shown
    assert "Stalls" not in shown
    assert "row" not in shown
    qt_run(kiosk.flow.aclose())
    kiosk.window.languages.close()


def test_a_concert_cancelled_while_a_german_buyer_chooses_is_said_in_german(
    qtbot, qt_run, kiosk_ctx, kiosk_folder
):
    kiosk = Kiosk(qtbot, LocalClient.over(kiosk_ctx), kiosk_ctx.settings, kiosk_folder)
    _to_seats(qtbot, kiosk, "de")
    chosen = _stalls_seats(kiosk, 1)
    tap_seat(qtbot, kiosk, chosen[0])
    qt_run(concerts.cancel_concert(kiosk_ctx, ROOT, kiosk.flow.seat_map.seat_map.concert.id))
    qtbot.mouseClick(find(kiosk.window, "continue"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.flow.state.notice is not None and not kiosk.flow.state.busy, timeout=10_000)
    assert kiosk.flow.state.notice.code == ErrorCode.SALES_CLOSED
    shown = find(kiosk.window, "notice_text").text()
    assert "abgesagt" in shown, shown  # not "Night Music has been cancelled." nor "Sales … have closed"
    qt_run(kiosk.flow.aclose())
    kiosk.window.languages.close()
