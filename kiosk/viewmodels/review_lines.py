"""The review screen's lines: one per seat, one per kind of standing place ("3 × Floor, standing")."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.holds import HeldPlace, Hold
from core.domain.money import Money
from kiosk.viewmodels.words import held_category, held_place, local_name


@dataclass(frozen=True, slots=True)
class ReviewLine:
    count: int
    name: str
    """'Stalls, row B, seat 1' in the buyer's language, with the price category only where the place's name does
    not already say it."""
    price: Money
    """The line's total: the price of one place times `count`."""


def place_name(place: HeldPlace) -> str:
    """The place in the buyer's language, and its category when that adds something: a category named like the
    section ('Stalls, row B, seat 1' in category 'Stalls') is said once, not 'Stalls, row B, seat 1 · Stalls'."""
    name, category = held_place(place), held_category(place)
    if place.place is not None:
        section = local_name(place.place.section, place.place.section_names)
    else:  # an older server's English label
        section = place.label.split(",", 1)[0].strip()
    if not category or category.casefold() in {section.casefold(), name.casefold()}:
        return name
    return f"{name} · {category}"


def review_lines(hold: Hold) -> tuple[ReviewLine, ...]:
    """Places with the same name and price make one line (standing places have no seat of their own), in the
    order the hold lists them."""
    groups: dict[tuple[str, Money], int] = {}
    for place in hold.places:
        key = (place_name(place), place.price)
        groups[key] = groups.get(key, 0) + 1
    return tuple(
        ReviewLine(count, name, Money(price.minor * count, price.currency))
        for (name, price), count in groups.items()
    )
