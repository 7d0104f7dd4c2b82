"""The concert's date on the concert cards and the review screen, as each language writes it (CLDR's own patterns
through Babel): German had 'Di. 1 Dezember 2026' from a hand-made pattern, not 'Di., 1. Dezember 2026'."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.viewmodels.flow_state import Step
from tests.kiosk import screenshots
from tests.support.kiosk_windows import find, make_window

# The stand-in's first concert starts on Tuesday 1 December 2026 at 20:30 in Berlin.
WHEN = {
    "en": "Tue, 1 December 2026, 20:30",
    "de": "Di., 1. Dezember 2026, 20:30",
    "es": "mar, 1 de diciembre de 2026, 20:30",
}


@pytest.mark.parametrize("language", ["de", "es", "en"])
def test_the_review_and_the_concert_cards_write_the_date_as_the_language_does(qtbot, stand_in, language):
    window = make_window(qtbot, stand_in)
    states = screenshots.states()
    review = states["review"]
    assert review.concert is not None
    stand_in.show(replace(review, language=language))
    qtbot.waitUntil(lambda: window.current_screen() is window.screens[Step.REVIEW])
    assert find(window, "review_when").text() == f"{WHEN[language]} · {review.concert.venue_name}"

    stand_in.show(replace(states["concerts"], language=language))
    qtbot.waitUntil(lambda: window.current_screen() is window.screens[Step.CONCERTS])
    card = find(window, f"concert_card_{review.concert.concert.id}")
    assert card.when.text() == WHEN[language]
