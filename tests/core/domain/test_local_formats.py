"""Dates as each language writes them, from CLDR's patterns (Babel), never from a hand-made pattern."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core.domain.local_formats import date_time_text, day_text, long_date_text, time_text

MOMENT = datetime(2026, 12, 8, 19, 30, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize(
    ("language", "long_date", "day", "both"),
    [
        ("de", "Di., 8. Dezember 2026", "Di., 8. Dez.", "Di., 8. Dezember 2026, 19:30"),
        ("es", "mar, 8 de diciembre de 2026", "mar, 8 dic", "mar, 8 de diciembre de 2026, 19:30"),
        ("en", "Tue, 8 December 2026", "Tue 8 Dec", "Tue, 8 December 2026, 19:30"),
        ("de_AT", "Di., 8. Dezember 2026", "Di., 8. Dez.", "Di., 8. Dezember 2026, 19:30"),
    ],
)
def test_dates_follow_the_languages_own_patterns(language, long_date, day, both):
    assert long_date_text(MOMENT, language) == long_date
    assert day_text(MOMENT, language) == day
    assert date_time_text(long_date_text(MOMENT, language), time_text(MOMENT, language), language) == both


def test_a_quoted_word_in_the_languages_pattern_is_kept_without_its_quotes():
    # Corsican joins date and time with a quoted word ("{1} 'à' {0}"): the word shows, its quotes do not.
    assert date_time_text("D", "T", "co") == "D à T"
