"""Dates, times and money as a language writes them (CLDR via Babel), shared by tickets, mail and the kiosk.

Never the machine's locale: a ticket or a mail reads the same from any server. Babel is pure data and code, so
the domain may use it without reaching outside.
"""

from __future__ import annotations

from datetime import datetime

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton, format_time
from babel.numbers import format_currency

from core.domain.money import Money

__all__ = [
    "base_language",
    "date_text",
    "date_time_text",
    "day_text",
    "locale_for",
    "long_date_text",
    "money_text",
    "time_text",
    "weekday_text",
]

_LOCALES = {"en": "en_GB"}
"""CLDR's plain 'en' is American ('Dec 2'); a European venue's English reads 'Wed, 2 Dec 2026'."""


def locale_for(language: str) -> Locale:
    """The CLDR locale for dates and money in ``language``; English for one Babel does not know."""
    try:
        return Locale.parse(_LOCALES.get(language, language))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(_LOCALES["en"])


def base_language(language: str) -> str:
    """'de' for 'de_AT' or 'de-AT'."""
    return language.replace("-", "_").split("_")[0]


def date_text(moment: datetime, language: str) -> str:
    """The date with its weekday: 'Wed, 2 Dec 2026', 'Mi., 2. Dez. 2026', 'mié, 2 dic 2026'."""
    return format_skeleton("yMMMEd", moment, locale=locale_for(language))


def long_date_text(moment: datetime, language: str) -> str:
    """The date with the month written out: 'Tue, 8 December 2026', 'Di., 8. Dezember 2026',
    'mar, 8 de diciembre de 2026' (each language's own pattern for the skeleton, never a hand-made one)."""
    return format_skeleton("yMMMMEd", moment, locale=locale_for(language))


def day_text(moment: datetime, language: str) -> str:
    """A day of the coming weeks, without its year: 'Tue 8 Dec', 'Di., 8. Dez.', 'mar, 8 dic'."""
    return format_skeleton("MMMEd", moment, locale=locale_for(language))


def date_time_text(date: str, time: str, language: str) -> str:
    """A date and a time joined as the language joins them ('Di., 8. Dezember 2026, 19:30')."""
    pattern = locale_for(language).datetime_formats["medium"]
    # CLDR quotes literal words in the pattern ("{1} 'um' {0}"); Babel drops the quotes the same way.
    return str(pattern).replace("'", "").replace("{1}", date).replace("{0}", time)


def time_text(moment: datetime, language: str) -> str:
    """The clock time as the language writes it ('20:00')."""
    return format_time(moment, "short", locale=locale_for(language))


def weekday_text(moment: datetime, language: str) -> str:
    return format_skeleton("E", moment, locale=locale_for(language))


def money_text(money: Money, language: str) -> str:
    """'€45.00' in English, '45,00 €' in German and Spanish; the currency's own number of decimals."""
    return format_currency(money.amount, money.currency, locale=locale_for(language))
