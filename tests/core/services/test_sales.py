"""Holding places: all-or-nothing seats, standing, best available, extend, release, lapse — on both engines."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.domain.errors import (
    DeviceNotApproved,
    ExtensionLimit,
    HoldExpired,
    InputError,
    NotAllowed,
    NotEnoughPlaces,
    NotFound,
    SalesClosed,
    SeatsTaken,
)
from core.domain.ids import ConcertId, StaffId
from core.domain.places import PlaceState
from core.domain.staff import Role, StaffActor
from core.services import catalog, concerts, devices, sales
from tests.builders import ROOT, build_stage
from tests.dbstate import snapshot


async def _states(ctx, concert_id):
    seat_map = await catalog.get_seat_map(ctx, concert_id)
    return {p.id: p.state for p in seat_map.places}


async def test_hold_seats_takes_all_and_shows_them_held(ctx):
    stage = await build_stage(ctx)
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:3])
    assert [p.place_id for p in hold.places] == list(stage.seats[:3])
    assert hold.places[0].label == "Stalls, row A, seat 1"
    assert hold.total.minor == 3 * 4500
    assert hold.expires_at == ctx.clock.now() + timedelta(seconds=300)
    states = await _states(ctx, stage.id)
    assert all(states[p] is PlaceState.HELD for p in stage.seats[:3])
    assert states[stage.seats[3]] is PlaceState.FREE


async def test_seat_hold_is_all_or_nothing_and_names_taken_seats(ctx):
    stage = await build_stage(ctx)
    await sales.hold_places(ctx, stage.other_kiosk, stage.id, [stage.seats[1]])
    before = await snapshot(ctx)
    with pytest.raises(SeatsTaken) as err:
        await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:3])
    assert err.value.code == "seats_taken"
    assert err.value.labels == ("Stalls, row A, seat 2",)
    assert "row A, seat 2" in err.value.message
    assert await snapshot(ctx) == before


async def test_lapsed_hold_is_takeable_without_any_job(ctx, clock):
    stage = await build_stage(ctx, hold_seconds=120)
    await sales.hold_places(ctx, stage.other_kiosk, stage.id, stage.seats[:2])
    with pytest.raises(SeatsTaken):
        await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2])
    clock.advance(121)
    assert (await _states(ctx, stage.id))[stage.seats[0]] is PlaceState.FREE
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2])
    assert len(hold.places) == 2


async def test_standing_hold_takes_any_places_then_says_not_enough(ctx):
    stage = await build_stage(ctx, standing=5)
    first = await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 3)
    assert len(first.places) == 3
    assert all(p.label == "Floor, standing" for p in first.places)
    before = await snapshot(ctx)
    with pytest.raises(NotEnoughPlaces) as err:
        await sales.hold_standing(ctx, stage.other_kiosk, stage.id, stage.standing, 3)
    assert err.value.code == "not_enough_places"
    assert await snapshot(ctx) == before
    rest = await sales.hold_standing(ctx, stage.other_kiosk, stage.id, stage.standing, 2)
    assert {p.place_id for p in rest.places}.isdisjoint({p.place_id for p in first.places})


async def test_standing_hold_retakes_lapsed_places(ctx, clock):
    stage = await build_stage(ctx, standing=4, hold_seconds=60)
    await sales.hold_standing(ctx, stage.other_kiosk, stage.id, stage.standing, 4)
    clock.advance(61)
    hold = await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 4)
    assert len(hold.places) == 4


@pytest.mark.parametrize("quantity", [0, -1, 9, "2", True])
async def test_bad_quantity_is_refused_and_changes_nothing(ctx, quantity):
    stage = await build_stage(ctx, max_per_order=8)
    before = await snapshot(ctx)
    with pytest.raises(InputError) as err:
        await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, quantity)
    assert err.value.code == ("quantity_over_limit" if quantity == 9 else "quantity_invalid")
    assert await snapshot(ctx) == before


async def test_too_many_seats_for_one_order(ctx):
    stage = await build_stage(ctx, max_per_order=2)
    before = await snapshot(ctx)
    with pytest.raises(InputError) as err:
        await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:3])
    assert err.value.code == "quantity_over_limit"
    assert await snapshot(ctx) == before


async def test_seat_of_another_concert_and_unknown_concert(ctx):
    stage = await build_stage(ctx)
    other = await build_stage(ctx, name="Other Hall")
    before = await snapshot(ctx)
    with pytest.raises(InputError) as err:
        await sales.hold_places(ctx, stage.kiosk, stage.id, [stage.seats[0], other.seats[0]])
    assert err.value.code == "place_not_in_concert"
    with pytest.raises(NotFound) as missing:
        await sales.hold_places(ctx, stage.kiosk, ConcertId(999_999), [stage.seats[0]])
    assert missing.value.code == "concert_not_found"
    with pytest.raises(InputError) as dup:
        await sales.hold_places(ctx, stage.kiosk, stage.id, [stage.seats[0], stage.seats[0]])
    assert dup.value.code == "places_duplicate"
    with pytest.raises(InputError) as wrong_section:
        await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.seated, 1)
    assert wrong_section.value.code == "section_not_standing"
    with pytest.raises(InputError) as foreign_section:
        await sales.hold_standing(ctx, stage.kiosk, stage.id, other.standing, 1)
    assert foreign_section.value.code == "section_not_in_concert"
    assert await snapshot(ctx) == before


async def test_concert_outside_sales_window_or_closed(ctx, clock):
    stage = await build_stage(ctx)
    await concerts.close_sales(ctx, ROOT, stage.id)
    before = await snapshot(ctx)
    with pytest.raises(SalesClosed) as err:
        await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:1])
    assert err.value.code == "sales_closed"
    assert err.value.message_key == "sales_closed"  # the kiosk says "Sales for this concert have closed"
    assert await snapshot(ctx) == before

    cancelled = await build_stage(ctx, name="Cancelled Hall")
    await concerts.cancel_concert(ctx, ROOT, cancelled.id)
    before = await snapshot(ctx)
    with pytest.raises(SalesClosed) as gone:
        await sales.hold_places(ctx, cancelled.kiosk, cancelled.id, cancelled.seats[:1])
    assert (gone.value.code, gone.value.message_key) == ("sales_closed", "sales_closed.cancelled")
    assert await snapshot(ctx) == before

    open_stage = await build_stage(ctx, name="Later Hall")
    clock.advance(8 * 24 * 3600)  # past the sales window
    before = await snapshot(ctx)
    with pytest.raises(SalesClosed) as past:
        await sales.hold_standing(ctx, open_stage.kiosk, open_stage.id, open_stage.standing, 1)
    assert past.value.message_key == "sales_closed"
    assert await snapshot(ctx) == before


async def test_a_concert_whose_sales_have_not_opened_says_so_by_its_key(ctx, clock):
    stage = await build_stage(ctx)
    clock.advance(-3 * 24 * 3600)  # before the sales window opens
    before = await snapshot(ctx)
    with pytest.raises(SalesClosed) as err:
        await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:1])
    assert (err.value.code, err.value.message_key) == ("sales_closed", "sales_closed.not_open")
    assert "open on" in err.value.message  # core's English still names the day
    assert await snapshot(ctx) == before


async def test_pending_or_revoked_device_and_door_staff_cannot_sell(ctx):
    stage = await build_stage(ctx)
    await devices.revoke_device(ctx, ROOT, stage.other_kiosk.device_id)
    before = await snapshot(ctx)
    with pytest.raises(DeviceNotApproved) as err:
        await sales.hold_places(ctx, stage.other_kiosk, stage.id, stage.seats[:1])
    assert err.value.code == "device_not_approved"
    door = StaffActor(StaffId(1), Role.DOOR, "Dora Door")
    with pytest.raises(NotAllowed) as denied:
        await sales.hold_places(ctx, door, stage.id, stage.seats[:1])
    assert denied.value.code == "not_allowed"
    assert await snapshot(ctx) == before


async def test_best_available_picks_adjacent_front_centre_seats(ctx):
    stage = await build_stage(ctx, rows=3, seats_per_row=10)
    hold = await sales.hold_best_available(ctx, stage.kiosk, stage.id, stage.seated, 2)
    labels = [p.label for p in hold.places]
    # Front row, and the middle of it; the aisle after seat 5 splits 4-5 | 6-7, so 4+5 or 6+7.
    assert labels in (
        ["Stalls, row A, seat 4", "Stalls, row A, seat 5"],
        ["Stalls, row A, seat 6", "Stalls, row A, seat 7"],
    )
    # Never across the aisle:
    four = await sales.hold_best_available(ctx, stage.kiosk, stage.id, stage.seated, 5)
    numbers = [int(p.label.rsplit(" ", 1)[1]) for p in four.places]
    assert numbers in ([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])


async def test_best_available_when_no_block_is_left(ctx):
    stage = await build_stage(ctx, rows=1, seats_per_row=4)
    await sales.hold_places(ctx, stage.other_kiosk, stage.id, [stage.seats[1]])
    before = await snapshot(ctx)
    with pytest.raises(NotEnoughPlaces) as err:
        await sales.hold_best_available(ctx, stage.kiosk, stage.id, stage.seated, 3)
    assert err.value.code == "not_enough_places"
    assert await snapshot(ctx) == before


async def test_extend_up_to_the_cap_then_refused(ctx, clock):
    stage = await build_stage(ctx, hold_seconds=120, max_extensions=10)
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2])
    for n in range(1, 11):
        clock.advance(100)
        hold = await sales.extend_hold(ctx, stage.kiosk, hold.id)
        assert hold.extensions_used == n
        assert hold.expires_at == clock.now() + timedelta(seconds=120)
    assert not hold.can_extend
    before = await snapshot(ctx)
    with pytest.raises(ExtensionLimit) as err:
        await sales.extend_hold(ctx, stage.kiosk, hold.id)
    assert err.value.code == "extension_limit"
    assert await snapshot(ctx) == before


async def test_extend_after_places_were_retaken_fails(ctx, clock):
    stage = await build_stage(ctx, hold_seconds=60)
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2])
    clock.advance(61)
    await sales.hold_places(ctx, stage.other_kiosk, stage.id, [stage.seats[0]])
    with pytest.raises(HoldExpired) as err:
        await sales.extend_hold(ctx, stage.kiosk, hold.id)
    assert err.value.code == "hold_expired"


async def test_release_frees_places_and_is_idempotent(ctx):
    stage = await build_stage(ctx)
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2])
    await sales.release_hold(ctx, stage.kiosk, hold.id)
    await sales.release_hold(ctx, stage.kiosk, hold.id)
    states = await _states(ctx, stage.id)
    assert all(states[p] is PlaceState.FREE for p in stage.seats[:2])
    with pytest.raises(HoldExpired) as err:
        await sales.extend_hold(ctx, stage.kiosk, hold.id)
    assert err.value.code == "hold_released"


async def test_foreign_hold_cannot_be_touched(ctx):
    stage = await build_stage(ctx)
    hold = await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2])
    before = await snapshot(ctx)
    for call in (sales.extend_hold, sales.release_hold):
        with pytest.raises(NotAllowed) as err:
            await call(ctx, stage.other_kiosk, hold.id)
        assert err.value.code == "hold_not_yours"
    assert await snapshot(ctx) == before


async def test_availability_counts_takeable_places(ctx, clock):
    stage = await build_stage(ctx, rows=1, seats_per_row=6, standing=10, hold_seconds=60)
    await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[:2])
    await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 3)
    avail = await catalog.get_availability(ctx, stage.id)
    assert avail.total == 6 - 2 + 10 - 3
    clock.advance(61)
    assert (await catalog.get_availability(ctx, stage.id)).total == 16
    summary = next(s for s in await catalog.list_on_sale(ctx) if s.concert.id == stage.id)
    assert summary.available == 16
    assert (summary.min_price.minor, summary.max_price.minor) == (3000, 4500)
