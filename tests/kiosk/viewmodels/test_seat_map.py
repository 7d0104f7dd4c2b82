"""SeatMapModel without Qt: selection rules, the keyboard walk, spoken text and live updates on a real database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from core.client.local import LocalClient
from core.domain.money import Money
from core.domain.places import PlaceState
from core.ops import seed
from core.services import catalog, sales
from core.services.context import ServiceContext
from kiosk.viewmodels.seat_map import Direction, SeatMapModel, SeatMapState
from tests.builders import Stage, build_stage, signing_kiosk


@pytest.fixture
async def stage(ctx: ServiceContext) -> Stage:
    return await build_stage(ctx, rows=3, seats_per_row=6, standing=5, max_per_order=3)


@pytest.fixture
async def model(ctx: ServiceContext, stage: Stage) -> AsyncIterator[SeatMapModel]:
    m = SeatMapModel(await catalog.get_seat_map(ctx, stage.id))
    yield m
    await m.aclose()


async def wait_for(model: SeatMapModel, check: Callable[[SeatMapState], bool]) -> None:
    """Wait (without sleeping) until a snapshot satisfies check."""
    if check(model.state):
        return
    done = asyncio.get_running_loop().create_future()

    def on_changed(state: SeatMapState) -> None:
        if check(state) and not done.done():
            done.set_result(None)

    model.changed.connect(on_changed)
    try:
        async with asyncio.timeout(5):
            await done
    finally:
        model.changed.disconnect(on_changed)


def test_starts_with_every_place_and_an_empty_selection(model: SeatMapModel, stage: Stage) -> None:
    s = model.state
    assert set(s.states) == set(stage.seats) | set(stage.standing_places)
    assert s.selection == ()
    assert s.cursor is None
    assert s.notice == ""
    assert s.max_per_order == 3
    assert s.changed == frozenset(s.states)  # the first snapshot: draw everything
    assert len(model.seats) == len(stage.seats)  # standing places are not drawn as seats
    (floor,) = s.standing
    assert (floor.name, floor.left, floor.price) == ("Floor", 5, Money(3000, "EUR"))


def test_toggle_selects_in_order_and_deselects(model: SeatMapModel, stage: Stage) -> None:
    seen: list[SeatMapState] = []
    model.changed.connect(seen.append)
    a, b = stage.seats[4], stage.seats[1]
    assert model.toggle(a)
    assert model.toggle(b)
    assert model.state.selection == (a, b)
    assert model.state.total == Money(9000, "EUR")
    assert model.toggle(a)
    assert model.state.selection == (b,)
    assert [st.changed for st in seen] == [{a}, {b}, {a}]
    assert [st.version for st in seen] == [1, 2, 3]


def test_more_than_the_maximum_is_refused_with_a_notice(model: SeatMapModel, stage: Stage) -> None:
    for p in stage.seats[:3]:
        assert model.toggle(p)
    assert not model.toggle(stage.seats[3])
    assert model.state.selection == stage.seats[:3]
    assert model.state.notice == "You can choose up to 3 seats."
    first_id = model.state.notice_id
    assert not model.toggle(stage.seats[3])  # said again: a new id, so the screen says it again
    assert model.state.notice_id == first_id + 1
    assert model.toggle(stage.seats[0])  # a successful command clears the notice
    assert model.state.notice == ""


def test_standing_places_are_not_chosen_on_the_map(model: SeatMapModel, stage: Stage) -> None:
    assert not model.toggle(stage.standing_places[0])
    assert model.state.selection == ()
    assert "by number" in model.state.notice


async def test_a_taken_seat_is_refused(ctx: ServiceContext, stage: Stage) -> None:
    await sales.hold_places(ctx, stage.other_kiosk, stage.id, [stage.seats[0]])
    model = SeatMapModel(await catalog.get_seat_map(ctx, stage.id))
    assert model.state.states[stage.seats[0]] is PlaceState.HELD
    assert not model.toggle(stage.seats[0])
    assert model.state.selection == ()
    assert model.state.notice == "Stalls, row A, seat 1 is taken. Please choose another."
    assert model.describe(stage.seats[0]).endswith(", taken")


def test_the_cursor_walks_rows_and_columns(model: SeatMapModel, stage: Stage) -> None:
    seats = stage.seats  # row A 1..6, row B 1..6, row C 1..6
    assert model.move_cursor(Direction.RIGHT) == seats[0]  # the first key lands on the front-left seat
    assert model.move_cursor("right") == seats[1]
    assert model.move_cursor(Direction.DOWN) == seats[7]  # row B, seat 2
    assert model.move_cursor(Direction.DOWN) == seats[13]
    assert model.move_cursor(Direction.DOWN) == seats[13]  # the back row: stays
    assert model.move_cursor(Direction.UP) == seats[7]
    assert model.move_cursor(Direction.LEFT) == seats[6]
    assert model.move_cursor(Direction.LEFT) == seats[6]  # the row's end: stays
    assert model.state.cursor == seats[6]
    assert model.select_cursor()
    assert model.state.selection == (seats[6],)


def test_up_and_down_cross_the_aisle_by_position(model: SeatMapModel, stage: Stage) -> None:
    # Seats 1-3 and 4-6 are split by an aisle; moving down keeps the x position, so the seat number.
    model.move_cursor(Direction.RIGHT)
    for _ in range(4):
        model.move_cursor(Direction.RIGHT)
    assert model.state.cursor == stage.seats[4]  # row A, seat 5
    assert model.move_cursor(Direction.DOWN) == stage.seats[10]  # row B, seat 5


async def test_describe_says_section_row_seat_price_features_and_state(ctx: ServiceContext) -> None:
    await seed.seed_demo(ctx)
    concert_id = (await catalog.list_on_sale(ctx))[0].concert.id
    model = await SeatMapModel.load(LocalClient.over(ctx), concert_id)
    names = model.section_names
    by_label = {(names[p.section_id], p.row, p.number): p for p in model.seats}
    wheelchair = by_label[("Stalls", "A", 1)]
    price = model.categories[wheelchair.category_id].price.format().split(" ")[1]
    assert model.describe(wheelchair.id) == f"Stalls, row A, seat 1, {price} euros, wheelchair space, free"
    companion = by_label[("Circle", "A", 13)]
    assert "companion seat" in model.describe(companion.id)
    restricted = by_label[("Balcony", "J", 20)]
    assert "restricted view" in model.describe(restricted.id)
    model.toggle(by_label[("Stalls", "C", 12)].id)
    assert model.describe(by_label[("Stalls", "C", 12)].id).endswith(", selected")
    floor = next(p for p in model.places.values() if p.row is None)
    assert model.describe(floor.id).endswith(", 800 places left")
    assert model.describe(floor.id).startswith("Floor, standing, ")
    # Down from the back of the stalls reaches the circle's front row.
    model.move_cursor(Direction.RIGHT)
    for _ in range(19):
        model.move_cursor(Direction.DOWN)
    here = model.places[model.state.cursor]  # type: ignore[index]
    assert (names[here.section_id], here.row) == ("Stalls", "T")
    model.move_cursor(Direction.DOWN)
    here = model.places[model.state.cursor]  # type: ignore[index]
    assert (names[here.section_id], here.row) == ("Circle", "A")


async def test_a_hold_elsewhere_greys_the_seat_and_drops_it_from_the_selection(
    ctx: ServiceContext, model: SeatMapModel, stage: Stage
) -> None:
    mine, theirs, kept = stage.seats[2], stage.seats[3], stage.seats[0]
    model.start(LocalClient.over(ctx))
    await wait_for(model, lambda s: s.version >= 1)  # the first live view has arrived
    assert model.toggle(kept)
    assert model.toggle(mine)
    other = await signing_kiosk(ctx, "Box office till")
    await sales.hold_places(ctx, other, stage.id, [mine, theirs])

    await wait_for(model, lambda s: s.states[mine] is PlaceState.HELD)
    s = model.state
    assert s.states[theirs] is PlaceState.HELD
    assert s.selection == (kept,)
    assert s.notice == "Stalls, row A, seat 3 was just taken by someone else. Please choose another."
    assert {mine, theirs} <= s.changed
    assert s.availability[model.places[mine].category_id] == len(stage.seats) - 2
    assert s.live


async def test_our_own_hold_is_not_reported_as_taken(
    ctx: ServiceContext, model: SeatMapModel, stage: Stage
) -> None:
    model.start(LocalClient.over(ctx))
    await wait_for(model, lambda s: s.version >= 1)
    chosen = stage.seats[:2]
    for p in chosen:
        model.toggle(p)
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, list(chosen))
    model.note_own_hold({p.place_id for p in hold.places})
    await wait_for(model, lambda s: all(s.states[p] is PlaceState.HELD for p in chosen))
    assert model.state.selection == chosen
    assert model.state.notice == ""


async def test_aclose_stops_the_live_task(ctx: ServiceContext, model: SeatMapModel) -> None:
    model.start(LocalClient.over(ctx))
    await wait_for(model, lambda s: s.version >= 1)
    await model.aclose()
    assert not [t for t in asyncio.all_tasks() if t.get_name().startswith("seat-map-")]
