"""A seating plan as the seat map draws it, without Qt: one drawn place per seat, blocked seats not for sale,
restricted-view seats in the second colour group, the manager's choice as the map's selection, standing sections
as the map's standing blocks."""

from __future__ import annotations

from admin.viewmodels.plan_picture import RESTRICTED_GROUP, SEAT_GROUP, PlanPicture, place_of, seat_of
from core.domain.catalog import StandingInfo
from core.domain.ids import PlanId, SeatId, SectionId, VenueId
from core.domain.places import PlaceState
from core.domain.venues import PlanLayout, Seat, SeatingPlan, Section, SectionKind

STALLS = SectionId(7)
LAYOUT = PlanLayout(
    SeatingPlan(
        PlanId(1),
        VenueId(1),
        "Club",
        (
            Section(STALLS, PlanId(1), "Stalls", SectionKind.SEATED, 4),
            Section(SectionId(8), PlanId(1), "Floor", SectionKind.STANDING, 120),
        ),
    ),
    (
        Seat(SeatId(11), STALLS, "A", 1, 0, 0, accessible=True),
        Seat(SeatId(12), STALLS, "A", 2, 1, 0, companion=True),
        Seat(SeatId(13), STALLS, "B", 1, 0, 1, restricted_view=True),
        Seat(SeatId(14), STALLS, "B", 2, 1, 1, blocked="Press"),
    ),
)


def test_each_seat_is_one_drawn_place_with_its_marks() -> None:
    picture = PlanPicture(LAYOUT)
    assert [p.id for p in picture.seats] == [place_of(s.id) for s in LAYOUT.seats]
    assert set(picture.places) == {place_of(s.id) for s in LAYOUT.seats}
    drawn = {(p.row, p.number): p for p in picture.seats}
    assert drawn[("A", 1)].accessible
    assert drawn[("A", 1)].category_id == SEAT_GROUP
    assert drawn[("A", 2)].companion
    assert drawn[("B", 1)].category_id == RESTRICTED_GROUP
    # Blocked: the map's "not for sale" (drawn crossed and hollow); every other seat is free.
    states = picture.state.states
    assert states[place_of(SeatId(14))] is PlaceState.BLOCKED
    assert [states[place_of(SeatId(i))] for i in (11, 12, 13)] == [PlaceState.FREE] * 3
    assert picture.section_names == {STALLS: "Stalls", SectionId(8): "Floor"}
    assert picture.colour_order == (SEAT_GROUP, RESTRICTED_GROUP)
    # A standing section is the map's standing block: its name and places, no price (a plan has no concert).
    assert picture.state.standing == (StandingInfo(SectionId(8), "Floor", SEAT_GROUP, None, 120),)
    assert picture.select(frozenset({SeatId(11)})).standing == picture.state.standing
    assert picture.seat(place_of(SeatId(13))).restricted_view
    assert seat_of(place_of(SeatId(13))) == SeatId(13)


def test_choosing_seats_gives_the_next_snapshot_with_what_changed() -> None:
    picture = PlanPicture(LAYOUT, frozenset({SeatId(11)}))
    first = picture.state
    assert first.selection == (place_of(SeatId(11)),)
    assert first.version == 0
    second = picture.select(frozenset({SeatId(12), SeatId(13), SeatId(999)}))  # 999: not in this plan
    assert second.selection == (place_of(SeatId(12)), place_of(SeatId(13)))
    assert second.version == 1
    assert second.changed == {place_of(SeatId(i)) for i in (11, 12, 13)}
    assert picture.select(frozenset({SeatId(12), SeatId(13)})) is second  # the same choice: no new snapshot
    assert first.selection == (place_of(SeatId(11)),)  # snapshots are frozen


def test_no_plan_draws_nothing() -> None:
    picture = PlanPicture(None)
    assert picture.seats == ()
    assert picture.state.states == {}
    assert picture.select(frozenset({SeatId(1)})).selection == ()
