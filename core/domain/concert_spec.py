"""A concert before it is stored: its price categories and the checks that need no database."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from core.domain.concerts import MIN_EXTENSIONS
from core.domain.errors import ErrorCode, InputError
from core.domain.validation import clean_text

MAX_EXTENSIONS = 50
MAX_PRICE_MINOR = 10**9
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_CURRENCY = re.compile(r"[A-Z]{3}")

SeatOverride = tuple[str, str, int]
"""(section name, row label, seat number)."""


@dataclass(frozen=True, slots=True)
class NewCategory:
    """A price category for whole sections (by name) and/or single seats, which win over their section's."""

    name: str
    price_minor: int
    colour: str
    sections: tuple[str, ...] = ()
    seats: tuple[SeatOverride, ...] = ()


@dataclass(frozen=True, slots=True)
class ConcertRules:
    max_per_order: int = 8
    hold_seconds: int = 300
    max_extensions: int = MIN_EXTENSIONS
    reentry_allowed: bool = False


def check_text(field: str, value: str, *, code: ErrorCode, limit: int = 200) -> str:
    return clean_text(field, value, limit=limit, code=code)


def check_times(
    doors_at: datetime, starts_at: datetime, sales_open_at: datetime, sales_close_at: datetime
) -> None:
    named = {
        "doors_at": doors_at,
        "starts_at": starts_at,
        "sales_open_at": sales_open_at,
        "sales_close_at": sales_close_at,
    }
    for field, value in named.items():
        if value.tzinfo is None or value.utcoffset() is None:
            raise InputError(
                field,
                "give a time with its time zone (for example the venue's local time).",
                code=ErrorCode.TIME_NOT_AWARE,
            )
    if doors_at > starts_at:
        raise InputError(
            "doors_at", "doors must open at or before the start time.", code=ErrorCode.DOORS_AFTER_START
        )
    if sales_open_at >= sales_close_at:
        raise InputError(
            "sales_close_at", "sales must close after they open.", code=ErrorCode.SALES_WINDOW_EMPTY
        )
    if sales_close_at > starts_at:
        raise InputError(
            "sales_close_at",
            "sales must close at or before the start time.",
            code=ErrorCode.SALES_CLOSE_AFTER_START,
        )


def check_currency(currency: str) -> str:
    if not _CURRENCY.fullmatch(currency):
        raise InputError(
            "currency",
            f"use a three-letter ISO code in capitals such as EUR, not {currency!r}.",
            code=ErrorCode.CURRENCY_INVALID,
        )
    return currency


def check_rules(rules: ConcertRules) -> None:
    if not 1 <= rules.max_per_order <= 50:
        raise InputError(
            "max_per_order", "allow 1 to 50 places per order.", code=ErrorCode.MAX_PER_ORDER_INVALID
        )
    if not 60 <= rules.hold_seconds <= 1800:
        raise InputError(
            "hold_seconds",
            "a hold must last 60 to 1800 seconds (1 to 30 minutes).",
            code=ErrorCode.HOLD_SECONDS_INVALID,
        )
    if not MIN_EXTENSIONS <= rules.max_extensions <= MAX_EXTENSIONS:
        raise InputError(
            "max_extensions",
            f"allow {MIN_EXTENSIONS} to {MAX_EXTENSIONS} extensions; buyers who "
            f"need more time must be able to extend at least {MIN_EXTENSIONS} times (WCAG 2.2.1).",
            code=ErrorCode.MAX_EXTENSIONS_INVALID,
        )


def check_categories(categories: Sequence[NewCategory]) -> None:
    """Names, prices, colours, and that no section or seat is given two categories."""
    if not categories:
        raise InputError("categories", "add at least one price category.", code=ErrorCode.CATEGORIES_MISSING)
    names: set[str] = set()
    sections: dict[str, str] = {}
    seats: dict[SeatOverride, str] = {}
    for i, cat in enumerate(categories):
        field = f"categories[{i}]"
        name = check_text(f"{field}.name", cat.name, code=ErrorCode.CATEGORY_NAME_INVALID, limit=100)
        if name in names:
            raise InputError(
                f"{field}.name",
                f"the category name {name!r} is used twice.",
                code=ErrorCode.CATEGORY_DUPLICATE,
            )
        names.add(name)
        if isinstance(cat.price_minor, bool) or not 0 <= cat.price_minor <= MAX_PRICE_MINOR:
            raise InputError(
                f"{field}.price_minor",
                "the price must be 0 or more, in minor units (cents).",
                code=ErrorCode.PRICE_INVALID,
            )
        if not _COLOUR.fullmatch(cat.colour):
            raise InputError(
                f"{field}.colour",
                f"use a colour such as #1f77b4, not {cat.colour!r}.",
                code=ErrorCode.COLOUR_INVALID,
            )
        if not cat.sections and not cat.seats:
            raise InputError(
                f"{field}.sections",
                f"{name} applies to no section and no seat.",
                code=ErrorCode.CATEGORY_UNUSED,
            )
        for section in cat.sections:
            if section in sections:
                raise InputError(
                    f"{field}.sections",
                    f"section {section!r} is already priced by "
                    f"{sections[section]!r}; give each section one category.",
                    code=ErrorCode.SECTION_PRICED_TWICE,
                )
            sections[section] = name
        for seat in cat.seats:
            if seat in seats:
                raise InputError(
                    f"{field}.seats",
                    f"seat {seat[1]}{seat[2]} in {seat[0]} is already priced by {seats[seat]!r}.",
                    code=ErrorCode.SEAT_PRICED_TWICE,
                )
            seats[seat] = name
