"""The door's concerts: the chooser's entries, the chosen concert's categories by place, and which night it is."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from core.domain.catalog import ConcertSummary, SeatMap
from core.domain.places import place_label
from kiosk.viewmodels.door_state import ConcertChoice
from kiosk.viewmodels.door_words import Day, doors_text
from kiosk.viewmodels.words import LocalName


def concert_choices(summaries: Iterable[ConcertSummary]) -> tuple[ConcertChoice, ...]:
    """The chooser's entries for the server's list of tonight's concerts (by doors time)."""
    return tuple(
        ConcertChoice(
            s.concert.id,
            s.concert.title,
            doors_text(s.concert.doors_at, s.timezone),
            s.timezone,
            s.concert.doors_at,
        )
        for s in summaries
    )


def chosen_concert(seat_map: SeatMap) -> ConcertChoice:
    """The chosen concert as its seat map describes it (also when it is no longer in the chooser's list)."""
    concert = seat_map.concert
    return ConcertChoice(
        concert.id,
        concert.title,
        doors_text(concert.doors_at, seat_map.timezone),
        seat_map.timezone,
        concert.doors_at,
    )


def categories_by_place(seat_map: SeatMap) -> dict[str, LocalName]:
    """Each place's price category, keyed by core's English place label (what a scan outcome names)."""
    names = {s.id: s.name for s in seat_map.sections}
    cats = {c.id: LocalName(c.name, c.names) for c in seat_map.categories}
    return {place_label(names[p.section_id], p.row, p.number): cats[p.category_id] for p in seat_map.places}


def another_night(doors_at: datetime, timezone: str, now: datetime) -> Day | None:
    """The date of the listed concerts' night when it is not tonight (the server lists the next concert night's
    when there is none tonight); None for tonight's: doors open already, or on the venue's today."""
    zone = ZoneInfo(timezone)
    if doors_at <= now or doors_at.astimezone(zone).date() == now.astimezone(zone).date():
        return None
    return Day(doors_at, timezone)
