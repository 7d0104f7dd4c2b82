"""Words built from core's parts in the buyer's language: places, venue-entered names, money (Babel/CLDR).

Core sends a place as parts (section, row, seat) and names with their translations; the kiosk says them in the
language chosen now. Functions return text for widgets that render it at once; the small frozen classes turn
into text each time they are shown, like i18n.Text, so a sentence made earlier follows a language switch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.numbers import format_decimal

from core.domain.holds import HeldPlace
from core.domain.local_formats import date_time_text, locale_for, long_date_text, money_text, time_text
from core.domain.money import Money
from core.domain.names import Translations, name_in
from core.domain.places import PlaceName
from kiosk.viewmodels.i18n import QT_TRANSLATE_NOOP as T
from kiosk.viewmodels.i18n import current_language

__all__ = [
    "Amount",
    "HeldPlaces",
    "LocalName",
    "PlaceText",
    "Places",
    "concert_time",
    "held_category",
    "held_place",
    "local_name",
    "money",
    "place",
    "spoken_money",
]

SEAT = T("Place", "{section}, row {row}, seat {seat}")
STANDING = T("Place", "{section}, standing")


def locale() -> Locale:
    """The CLDR locale of the language chosen now (core's, shared with tickets and mail)."""
    return locale_for(current_language())


def money(amount: Money) -> str:
    """'17,00 €' in German and Spanish, '€17.00' in English."""
    return money_text(amount, current_language())


def concert_time(moment: datetime, timezone: str) -> str:
    """When a concert starts, by the venue's clock, as the buyer's language writes it: 'Di., 8. Dezember 2026,
    19:30' (CLDR's patterns through Babel, like the ticket's)."""
    local, language = moment.astimezone(ZoneInfo(timezone)), current_language()
    return date_time_text(long_date_text(local, language), time_text(local, language), language)


def spoken_money(amount: Money, currency_word: str | None) -> str:
    """The number as the language writes it and the currency as a word, for speech: '17,00 Euro'."""
    number = format_decimal(amount.amount, format="#,##0." + "0" * amount.exponent, locale=locale())
    if amount.exponent == 0:
        number = format_decimal(amount.amount, format="#,##0", locale=locale())
    return f"{number} {currency_word or amount.currency}"


def local_name(name: str, translations: Translations) -> str:
    """A venue-entered name (section, category) in the buyer's language, else as entered."""
    return name_in(name, translations, current_language())


def place(section: str, row: str | None, seat: int | None) -> str:
    """'Parkett, Reihe C, Platz 12' or 'Stehbereich, Stehplatz': ``section`` already in the buyer's language."""
    if seat is None:
        return str(STANDING.format(section=section))
    return str(SEAT.format(section=section, row=row or "–", seat=seat))


def place_name(name: PlaceName) -> str:
    return place(local_name(name.section, name.section_names), name.row, name.seat)


def held_place(held: HeldPlace) -> str:
    """A held place in the buyer's language (core's English label from a server too old to send parts)."""
    return held.label if held.place is None else place_name(held.place)


def held_category(held: HeldPlace) -> str:
    return local_name(held.category, held.category_names)


@dataclass(frozen=True, slots=True)
class Amount:
    """Money shown in whatever language is current when it is shown."""

    value: Money

    def __str__(self) -> str:
        return money(self.value)


@dataclass(frozen=True, slots=True)
class Places:
    """Places named in the language current when shown: 'Parkett, Reihe A, Platz 1, Parkett, Reihe A, …'."""

    names: tuple[PlaceName, ...]

    @staticmethod
    def of(names: Sequence[PlaceName]) -> Places:
        return Places(tuple(names))

    def __str__(self) -> str:
        return ", ".join(place_name(n) for n in self.names)


@dataclass(frozen=True, slots=True)
class PlaceText:
    """One place named in the language current when shown; core's English label when there are no parts
    (an older server sent none)."""

    name: PlaceName | None
    label: str = ""

    def __str__(self) -> str:
        return self.label if self.name is None else place_name(self.name)


@dataclass(frozen=True, slots=True)
class LocalName:
    """A venue-entered name (a price category) in the language current when shown."""

    name: str
    translations: Translations = ()

    def __str__(self) -> str:
        return local_name(self.name, self.translations)


@dataclass(frozen=True, slots=True)
class HeldPlaces:
    places: tuple[HeldPlace, ...]

    def __str__(self) -> str:
        return ", ".join(held_place(p) for p in self.places)
