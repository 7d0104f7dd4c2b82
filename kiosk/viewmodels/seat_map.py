"""The seat map view-model: live place states, the buyer's selection, a keyboard cursor and spoken descriptions."""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

import psygnal

from core.domain.catalog import MapPlace, SeatMap
from core.domain.concerts import PriceCategory
from core.domain.ids import CategoryId, ConcertId, PlaceId, SectionId
from core.domain.live import AvailabilityView
from core.domain.money import Money
from core.domain.places import PlaceState
from core.domain.venues import SectionKind
from kiosk.viewmodels.i18n import QT_TRANSLATE_NOOP as T
from kiosk.viewmodels.i18n import current_language, translate
from kiosk.viewmodels.seat_map_source import StandingInfo
from kiosk.viewmodels.tasks import TaskOwner
from kiosk.viewmodels.words import local_name, money, spoken_money
from kiosk.viewmodels.words import place as place_words

if TYPE_CHECKING:  # the client's protocol names every domain type: not loaded before Welcome
    from core.client import DeviceClient

__all__ = ["Direction", "SeatMapModel", "SeatMapState", "StandingInfo"]

# Spoken currency names; anything else is read as its ISO code ("45.00 CHF" reads fine too).
_CURRENCY_WORDS = {
    "EUR": T("SeatMap", "euros"),
    "USD": T("SeatMap", "dollars"),
    "GBP": T("SeatMap", "pounds"),
}

_STATE_WORDS = {
    PlaceState.FREE: T("SeatMap", "free"),
    PlaceState.HELD: T("SeatMap", "taken"),
    PlaceState.SOLD: T("SeatMap", "taken"),
    PlaceState.BLOCKED: T("SeatMap", "not on sale"),
}


_OFFER = T("SeatMap", "We picked these seats for you. Accept them, or choose Change to pick others.")


class Direction(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    UP = "up"
    DOWN = "down"


@dataclass(frozen=True, slots=True)
class SeatMapState:
    """One frozen snapshot. Render it whole; ``version``/``changed`` only let a widget skip unchanged seats."""

    states: Mapping[PlaceId, PlaceState]
    """Every place's state as buyers see it now (read-only)."""
    selection: tuple[PlaceId, ...]
    """The chosen seats, in the order they were chosen."""
    cursor: PlaceId | None
    """The seat the keyboard walk is on, or None before the first arrow key."""
    availability: Mapping[CategoryId, int]
    standing: tuple[StandingInfo, ...]
    live: bool
    """False while live updates are paused (the map then refreshes by polling, a little later)."""
    storage_ok: bool
    max_per_order: int
    total: Money
    """The price of the selection."""
    notice: str
    """A sentence for the buyer ("You can choose up to 8 seats"); empty when there is nothing to say."""
    notice_id: int
    """Grows with every new notice, so the same sentence said twice is shown (and spoken) twice."""
    version: int
    """Grows by one with every snapshot."""
    changed: frozenset[PlaceId]
    """Places whose look (state, selected, cursor) may differ from the previous snapshot (version - 1).
    A widget that missed a snapshot must compare every place with what it drew instead."""


class SeatMapModel:
    """Built from a SeatMap; ``start(client)`` keeps it live. Commands are sync and cheap (no I/O)."""

    changed = psygnal.Signal(SeatMapState)

    def __init__(self, seat_map: SeatMap) -> None:
        self.seat_map = seat_map
        self.places: Mapping[PlaceId, MapPlace] = MappingProxyType({p.id: p for p in seat_map.places})
        self._named: dict[str, tuple[Mapping[CategoryId, PriceCategory], Mapping[SectionId, str]]] = {}
        self._standing_ids = {s.id for s in seat_map.sections if s.kind is SectionKind.STANDING}
        self._rows = _Rows([p for p in seat_map.places if p.row is not None])
        self._tasks = TaskOwner(f"seat-map-{seat_map.concert.id}")
        self._own: frozenset[PlaceId] = frozenset()
        self._offer = False
        states = {p.id: p.state for p in seat_map.places}
        self._state = SeatMapState(
            states=MappingProxyType(states),
            selection=(),
            cursor=None,
            availability=MappingProxyType(dict(seat_map.availability().by_category)),
            standing=self._standing(states),
            live=True,
            storage_ok=True,
            max_per_order=seat_map.concert.max_per_order,
            total=Money.zero(seat_map.concert.currency),
            notice="",
            notice_id=0,
            version=0,
            changed=frozenset(states),
        )

    @classmethod
    async def load(cls, client: DeviceClient, concert_id: ConcertId) -> SeatMapModel:
        return cls(await client.get_seat_map(concert_id))

    @property
    def state(self) -> SeatMapState:
        return self._state

    @property
    def seats(self) -> tuple[MapPlace, ...]:
        """The places drawn on the map (standing places have no position)."""
        return self._rows.seats

    # --- commands -------------------------------------------------------------------------------

    def toggle(self, place_id: PlaceId) -> bool:
        """Select or deselect a seat; refuse (with a notice) what cannot be chosen. True if it changed."""
        s = self._state
        place = self.places.get(place_id)
        if place is None:
            return False
        if self._offer:  # the picked seats are held: accept them or change them, not one by one
            self._notice(str(_OFFER))
            return False
        if place_id in s.selection:
            self._publish(
                selection=tuple(p for p in s.selection if p != place_id), touched={place_id}, notice=""
            )
            return True
        if place.row is None:
            self._notice(translate("SeatMap", "Standing places are chosen by number, not on the map."))
        elif s.states.get(place_id) is not PlaceState.FREE:
            self._notice(
                translate("SeatMap", "{seat} is {state}. Please choose another.").format(
                    seat=self._short(place), state=_state_word(s.states[place_id])
                )
            )
        elif len(s.selection) >= s.max_per_order:
            self._notice(
                translate("SeatMap", "You can choose up to {count} seats.").format(count=s.max_per_order)
            )
        else:
            self._publish(selection=(*s.selection, place_id), touched={place_id}, notice="")
            return True
        return False

    def clear(self) -> None:
        self._publish(selection=(), touched=set(self._state.selection), notice="")

    @property
    def offered(self) -> bool:
        """Best available's seats are shown (and held) for the buyer to accept or change."""
        return self._offer

    def show_offer(self, place_ids: Sequence[PlaceId]) -> None:
        """Best available picked and holds these seats: show them as the choice until accepted or changed."""
        seats = tuple(p for p in place_ids if p in self.places and self.places[p].row is not None)
        self._offer = True
        self._own = frozenset(place_ids)
        self._publish(selection=seats, touched={*self._state.selection, *seats}, notice=str(_OFFER))

    def end_offer(self) -> None:
        """The buyer changes their mind: the offered seats go back (the flow released their hold)."""
        self._offer = False
        self._own = frozenset()
        self.clear()

    def move_cursor(self, direction: Direction | str) -> PlaceId | None:
        """Left/Right along the row; Up/Down to the nearest seat by x in the row in front/behind."""
        current = self._state.cursor
        target = self._rows.first() if current is None else self._rows.step(current, Direction(direction))
        if target is None:
            return current
        if target != current:
            self._publish(cursor=target, touched={t for t in (current, target) if t is not None})
        return target

    def select_cursor(self) -> bool:
        return self._state.cursor is not None and self.toggle(self._state.cursor)

    @property
    def categories(self) -> Mapping[CategoryId, PriceCategory]:
        """The price categories, named in the buyer's language."""
        return self._in_language()[0]

    @property
    def colour_order(self) -> tuple[CategoryId, ...]:
        """Dearest category first, so the same prices look alike across concerts (and the legend's order)."""
        ordered = sorted(self.categories.values(), key=lambda c: (-c.price.minor, c.name))
        return tuple(c.id for c in ordered)

    @property
    def section_names(self) -> Mapping[SectionId, str]:
        """Section names in the buyer's language."""
        return self._in_language()[1]

    def _in_language(self) -> tuple[Mapping[CategoryId, PriceCategory], Mapping[SectionId, str]]:
        language = current_language()
        named = self._named.get(language)
        if named is None:  # once per language: a map with thousands of seats asks for these per seat
            categories = {
                c.id: replace(c, name=local_name(c.name, c.names)) for c in self.seat_map.categories
            }
            sections = {s.id: local_name(s.name, s.names) for s in self.seat_map.sections}
            named = self._named[language] = (MappingProxyType(categories), MappingProxyType(sections))
        return named

    def describe(self, place_id: PlaceId) -> str:
        """What a screen reader would say: 'Stalls, row C, seat 12, 45.00 euros, wheelchair space, free'."""
        place = self.places[place_id]
        section = self.section_names[place.section_id]
        price = _spoken_money(self.categories[place.category_id].price)
        if place.row is None:
            left = next((i.left for i in self._state.standing if i.section_id == place.section_id), 0)
            return translate("SeatMap", "{place}, {price}, {left} places left").format(
                place=place_words(section, None, None), price=price, left=left
            )
        parts = [place_words(section, place.row, place.number), price]
        if place.accessible:
            parts.append(translate("SeatMap", "wheelchair space"))
        if place.companion:
            parts.append(translate("SeatMap", "companion seat"))
        if place.restricted_view:
            parts.append(translate("SeatMap", "restricted view"))
        selected = place_id in self._state.selection
        parts.append(translate("SeatMap", "selected") if selected else _state_word(self.state_of(place_id)))
        return ", ".join(parts)

    def caption(self, place_id: PlaceId) -> str:
        """The seat under the keyboard cursor for sighted users: 'Stalls, row C, seat 12 · EUR 59.00 · free'."""
        place = self.places[place_id]
        parts = [
            place_words(self.section_names[place.section_id], place.row, place.number),
            money(self.categories[place.category_id].price),
        ]
        if place.accessible:
            parts.append(translate("SeatMap", "wheelchair space"))
        if place.companion:
            parts.append(translate("SeatMap", "companion seat"))
        selected = place_id in self._state.selection
        parts.append(translate("SeatMap", "selected") if selected else _state_word(self.state_of(place_id)))
        return " · ".join(parts)

    def state_of(self, place_id: PlaceId) -> PlaceState:
        return self._state.states[place_id]

    def note_own_hold(self, place_ids: frozenset[PlaceId] | set[PlaceId]) -> None:
        """This kiosk now holds these seats: live updates must not drop them as 'taken by someone else'."""
        self._own = frozenset(place_ids)

    # --- live -----------------------------------------------------------------------------------

    def start(self, client: DeviceClient) -> None:
        self._tasks.start(self._watch(client), name="watch")

    async def aclose(self) -> None:
        await self._tasks.aclose()

    async def _watch(self, client: DeviceClient) -> None:
        async for view in client.watch_concert(self.seat_map.concert.id):
            self.apply_view(view)

    def apply_view(self, view: AvailabilityView) -> None:
        """Take a live view: new states; a chosen seat someone else took leaves the selection, with a notice."""
        s = self._state
        states = view.states
        lost = [
            p
            for p in s.selection
            if p not in self._own and states.get(p, PlaceState.FREE) is not PlaceState.FREE
        ]
        selection = tuple(p for p in s.selection if p not in lost)
        touched = {p for p in view.changed if p in self.places} | set(lost)
        self._publish(
            states=states,
            availability=view.availability,
            standing=self._standing(states),
            live=view.live,
            storage_ok=view.storage_ok,
            selection=selection,
            touched=touched,
            notice=self._lost_notice(lost),
        )

    # --- internals ------------------------------------------------------------------------------

    def _lost_notice(self, lost: list[PlaceId]) -> str | None:
        if not lost:
            return None
        if len(lost) == 1:
            return translate(
                "SeatMap", "{seat} was just taken by someone else. Please choose another."
            ).format(seat=self._short(self.places[lost[0]]))
        names = ", ".join(self._short(self.places[p]) for p in lost)
        return translate(
            "SeatMap", "These seats were just taken by someone else: {seats}. Please choose others."
        ).format(seats=names)

    def _short(self, place: MapPlace) -> str:
        return place_words(self.section_names[place.section_id], place.row, place.number)

    def _standing(self, states: Mapping[PlaceId, PlaceState]) -> tuple[StandingInfo, ...]:
        if not self._standing_ids:
            return ()
        left = dict.fromkeys(self._standing_ids, 0)
        category: dict[SectionId, CategoryId] = {}
        for p in self.seat_map.places:
            if p.section_id in left:
                category.setdefault(p.section_id, p.category_id)
                if states.get(p.id) is PlaceState.FREE:
                    left[p.section_id] += 1
        return tuple(
            StandingInfo(
                s.id,
                self.section_names[s.id],
                category[s.id],
                self.categories[category[s.id]].price,
                left[s.id],
            )
            for s in self.seat_map.sections
            if s.id in category
        )

    def _notice(self, text: str) -> None:
        self._publish(touched=set(), notice=text)

    def _publish(self, *, touched: set[PlaceId], notice: str | None = None, **fields: object) -> None:
        """Emit the next snapshot. notice: None keeps the current one, "" clears it, a sentence replaces it."""
        s = self._state
        changes: dict[str, object] = dict(fields)
        selection = fields.get("selection", s.selection)
        assert isinstance(selection, tuple)
        if selection != s.selection:
            prices = [self.categories[self.places[p].category_id].price for p in selection]
            changes["total"] = Money.total(prices, s.total.currency)
        if notice:
            changes.update(notice=notice, notice_id=s.notice_id + 1)
        elif notice == "" and s.notice:
            changes["notice"] = ""
        new = replace(s, version=s.version + 1, changed=frozenset(touched), **changes)  # type: ignore[arg-type]
        self._state = new
        self.changed.emit(new)


def _spoken_money(money: Money) -> str:
    word = _CURRENCY_WORDS.get(money.currency)
    return spoken_money(money, str(word) if word else None)


def _state_word(state: PlaceState) -> str:
    return str(_STATE_WORDS[state])


class _Rows:
    """The seats as rows (per section, front to back, seats left to right), for the keyboard walk."""

    def __init__(self, seats: list[MapPlace]) -> None:
        by_row: dict[tuple[SectionId, str], list[MapPlace]] = {}
        for p in seats:
            by_row.setdefault((p.section_id, p.row or ""), []).append(p)
        rows = [sorted(r, key=lambda p: p.x) for r in by_row.values()]
        # Front to back; rows at the same depth left to right.
        rows.sort(key=lambda r: (_mean_y(r), r[0].x))
        self.rows = rows
        self.seats = tuple(p for r in rows for p in r)
        self._where = {p.id: (i, j) for i, r in enumerate(rows) for j, p in enumerate(r)}
        self._ys = [_mean_y(r) for r in rows]

    def first(self) -> PlaceId | None:
        return self.rows[0][0].id if self.rows else None

    def step(self, current: PlaceId, direction: Direction) -> PlaceId | None:
        if current not in self._where:
            return self.first()
        i, j = self._where[current]
        row = self.rows[i]
        if direction is Direction.LEFT:
            return row[j - 1].id if j > 0 else None
        if direction is Direction.RIGHT:
            return row[j + 1].id if j + 1 < len(row) else None
        here = row[j]
        target = self._neighbour_row(i, here, forward=direction is Direction.UP)
        if target is None:
            return None
        return min(target, key=lambda p: abs(p.x - here.x)).id

    def _neighbour_row(self, i: int, here: MapPlace, *, forward: bool) -> list[MapPlace] | None:
        """The nearest row in front (Up) or behind (Down): the same section's first, else the nearest by x."""
        y = self._ys[i]
        if forward:
            ks = list(range(bisect.bisect_left(self._ys, y) - 1, -1, -1))
        else:
            ks = list(range(bisect.bisect_right(self._ys, y), len(self.rows)))
        if not ks:
            return None
        same = next((k for k in ks if self.rows[k][0].section_id == here.section_id), None)
        if same is not None:
            return self.rows[same]
        # Rows are sorted by depth: the first candidate is the nearest; others at that depth compete by x.
        depth = self._ys[ks[0]]
        level = [self.rows[k] for k in ks if abs(self._ys[k] - depth) < 0.5]
        return min(level, key=lambda r: min(abs(p.x - here.x) for p in r))


def _mean_y(row: list[MapPlace]) -> float:
    return sum(p.y for p in row) / len(row)
