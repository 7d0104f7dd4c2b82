"""The plan preview is drawn by the kiosk's seat map (kiosk/ui/seat_map_scene.py): one seat item per seat of a
generated or imported plan, each in the map's look for what it is (blocked crossed and hollow, wheelchair and
companion marked, restricted view in the second colour, chosen black with a tick), numbered, rows lettered; a
standing section as the map's block between the stage and the seats."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QWheelEvent

from admin.ui.plan_preview import PlanPreview
from admin.ui.venues_page import VenuesPage
from admin.viewmodels.plan_picture import place_of
from admin.viewmodels.venues import GridForm, VenuesViewModel
from core.client.staff_local import LocalStaffClient
from core.domain.ids import PlanId, SeatId, SectionId, VenueId
from core.domain.staff import Role
from core.domain.venues import PlanLayout, Seat, SeatingPlan, SeatMark, Section, SectionKind
from kiosk.ui.seat_map_canvas import SeatMapCanvas
from kiosk.ui.seat_map_labels import Anchor
from kiosk.ui.seat_map_scene import PALETTE, Look, SeatScene
from tests.support.staff_api import PASSWORD, make_staff

CSV = """section,kind,row,seat,x,y,flags,capacity
Stalls,seated,A,1,0,0,accessible,
Stalls,seated,A,2,1,0,companion,
Stalls,seated,B,1,0,1,restricted,
Stalls,seated,B,2,1,1,blocked=Press,
Floor,standing,,,,,,120
"""
SHOTS = os.environ.get("ENCORE_TEST_SHOTS")
"""A folder to save the drawn previews in, to look at them (unset: nothing is saved)."""


async def _vm(ctx: Any) -> VenuesViewModel:
    member = await make_staff(ctx, Role.MANAGER)
    vm = VenuesViewModel(await LocalStaffClient.over(ctx).sign_in(member.email, PASSWORD))
    await vm.create_venue("Hall", "UTC")
    return vm


def _page(qtbot: Any, vm: VenuesViewModel) -> VenuesPage:
    page = VenuesPage(vm)
    page._loaded = True  # read by the test already
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def _seats(layout: PlanLayout | None) -> dict[tuple[str, int], Seat]:
    assert layout is not None
    return {(s.row, s.number): s for s in layout.seats}


def _look(preview: PlanPreview, seat: Seat) -> Look | None:
    return preview.seats.drawn_look(place_of(seat.id))


def _mark_of(preview: PlanPreview, seat: Seat) -> str:
    """The letter or symbol the map writes on a seat (its number, a wheelchair, C), or '' for none."""
    for item in preview.seats.scene.items(preview.seat_items[seat.id].rect().center()):
        if hasattr(item, "text") and item.isVisible() and item.data(0) is None:
            return str(item.text())
    return ""


def _shot(preview: PlanPreview, name: str) -> None:
    if SHOTS:
        preview.grab().save(str(Path(SHOTS) / f"{name}.png"))


def test_a_generated_plan_is_drawn_by_the_kiosk_seat_map_one_item_per_seat(
    qtbot: Any, qt_run: Any, admin_ctx: Any
) -> None:
    vm = qt_run(_vm(admin_ctx))
    form = GridForm("Main", "Stalls", rows=6, seats_per_row=14, aisles="4, 10", gaps="3", curve_radius=40)
    qt_run(vm.create_grid_plan(form))
    seat = _seats(vm.state.layout)
    for mark, picks, reason in (
        (SeatMark.ACCESSIBLE, [("F", 1), ("F", 14)], ""),
        (SeatMark.COMPANION, [("F", 2)], ""),
        (SeatMark.RESTRICTED_VIEW, [("A", 1)], ""),
        (SeatMark.BLOCKED, [("E", 7), ("E", 8)], "Sound desk"),
    ):
        vm.select_seats([seat[p].id for p in picks])
        qt_run(vm.mark(mark, reason=reason))
    vm.select_seats([seat[("C", 5)].id])
    page = _page(qtbot, vm)
    preview = page.preview
    assert isinstance(preview, SeatMapCanvas)
    assert isinstance(preview.seats, SeatScene)
    layout = vm.state.layout
    assert layout is not None
    seat = _seats(layout)

    # One seat item per seat (the map's items with a place: not the numbers, marks, names or stage).
    seat_items = [item for item in preview.seats.scene.items() if item.data(0) is not None]
    assert len(seat_items) == len(layout.seats) == 84
    assert set(preview.seat_items) == {s.id for s in layout.seats}

    # Each in its look: the kiosk's first colour, the second for restricted view, crossed and hollow when blocked.
    assert _look(preview, seat[("B", 3)]) is Look.FREE
    assert preview.seat_items[seat[("B", 3)].id].brush().color() == QColor(PALETTE[0])
    assert preview.seat_items[seat[("A", 1)].id].brush().color() == QColor(PALETTE[1])
    blocked = preview.seat_items[seat[("E", 7)].id].brush()
    assert _look(preview, seat[("E", 7)]) is Look.TAKEN
    assert blocked.style() is Qt.BrushStyle.DiagCrossPattern
    assert _look(preview, seat[("C", 5)]) is Look.SELECTED
    assert _mark_of(preview, seat[("F", 1)]) == preview.seats.wheelchair
    assert _mark_of(preview, seat[("F", 2)]) == "C"
    assert "wheelchair place" in preview.seat_items[seat[("F", 1)].id].toolTip()
    assert preview.seat_items[seat[("E", 7)].id].toolTip() == "Stalls, row E, seat 7 (blocked: Sound desk)"

    # Numbered and lettered at this size; the section named above its seats.
    assert _mark_of(preview, seat[("B", 3)]) == "3"
    letters = {letter.text.text() for letter in preview.seats.furniture.rows if letter.plate.isVisible()}
    assert letters == set("ABCDEF")
    assert [s.text.text() for s in preview.seats.furniture.sections if s.plate.isVisible()] == ["STALLS"]

    # The legend: each kind of seat with its count.
    words = {key: label.text() for key, label in page.legend.words.items()}
    assert words == {
        "seats": "Seats: 84 in all",
        "restricted_view": "Restricted view: 1",
        "accessible": "Wheelchair places: 2",
        "companion": "Companion seats: 1",
        "blocked": "Blocked (not for sale): 2",
        "chosen": "Chosen: 1",
    }
    _shot(preview, "plan-preview-curved")

    # Choosing another seat repaints those two seats only; the plan is not drawn again.
    scene = preview.seats.scene
    vm.select_seats([seat[("D", 9)].id])
    qtbot.waitUntil(lambda: _look(preview, seat[("D", 9)]) is Look.SELECTED)
    assert preview.seats.scene is scene
    assert _look(preview, seat[("C", 5)]) is Look.FREE
    assert page.legend.words["chosen"].text() == "Chosen: 1"
    qt_run(vm.aclose())


def test_a_csv_imported_plan_previews_with_its_marks(qtbot: Any, qt_run: Any, admin_ctx: Any) -> None:
    vm = qt_run(_vm(admin_ctx))
    page = _page(qtbot, vm)
    assert page.preview.seat_items == {}
    assert not page.legend.isVisible()
    qt_run(vm.import_csv("Club", CSV, "club.csv"))
    qtbot.waitUntil(lambda: len(page.preview.seat_items) == 4)
    preview = page.preview
    seat = _seats(vm.state.layout)
    assert _mark_of(preview, seat[("A", 1)]) == preview.seats.wheelchair
    assert _mark_of(preview, seat[("A", 2)]) == "C"
    assert preview.seat_items[seat[("B", 1)].id].brush().color() == QColor(PALETTE[1])
    assert _look(preview, seat[("B", 2)]) is Look.TAKEN
    assert _mark_of(preview, seat[("B", 2)]) == "2"  # a blocked seat keeps its number, in the taken grey
    assert page.legend.isVisible()
    assert page.legend.words["blocked"].text() == "Blocked (not for sale): 1"
    # The standing floor is drawn as buyers will see it, a block between the stage and the seats, with its places.
    floor = next(s for s in vm.state.layout.plan.sections if s.kind is SectionKind.STANDING)
    block = preview.seats.furniture.standing[floor.id]
    assert block.text() == "Floor · standing · 120 places"
    stage = preview.seats.furniture.stage.sceneBoundingRect()
    seats_top = min(item.sceneBoundingRect().top() for item in preview.seat_items.values())
    drawn = block.sceneBoundingRect()
    assert stage.bottom() <= drawn.top()
    assert drawn.bottom() <= seats_top
    assert drawn.width() > 0
    assert drawn.height() > 0
    _shot(preview, "plan-preview-csv")
    qt_run(vm.aclose())


def test_a_big_plan_shows_numbers_once_zoomed_in(qtbot: Any, qt_run: Any, admin_ctx: Any) -> None:
    vm = qt_run(_vm(admin_ctx))
    qt_run(vm.create_grid_plan(GridForm("Arena", "Stalls", rows=40, seats_per_row=60, aisles="20, 40")))
    page = _page(qtbot, vm)
    preview = page.preview
    seat = _seats(vm.state.layout)
    middle = seat[("T", 30)] if ("T", 30) in seat else next(iter(seat.values()))
    assert len(preview.seat_items) == 2400
    assert _mark_of(preview, middle) == ""  # whole plan: seats too small for their numbers
    at = preview.mapFromScene(preview.seat_items[middle.id].sceneBoundingRect().center())
    for _ in range(8):
        wheel = QWheelEvent(
            QPointF(at), QPointF(preview.viewport().mapToGlobal(at)), QPoint(), QPoint(0, 120),
            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False,
        )  # fmt: skip
        preview.wheelEvent(wheel)
    assert _mark_of(preview, middle) == str(middle.number)
    _shot(preview, "plan-preview-zoomed")
    qt_run(vm.aclose())


def test_a_preview_of_no_plan_says_how_to_make_one(qtbot: Any) -> None:
    chosen: list[tuple[list[SeatId], bool]] = []
    preview = PlanPreview(lambda ids, add: chosen.append((ids, add)))
    qtbot.addWidget(preview)
    preview.render_layout(None, frozenset({SeatId(1)}))
    texts = [item.text() for item in preview.seats.scene.items() if hasattr(item, "text")]
    assert "No plan to show yet: make one with the grid or import a CSV file." in texts
    preview.resize(600, 400)
    preview.show()
    qtbot.waitExposed(preview)
    qtbot.mouseClick(preview.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(300, 200))
    assert chosen == [([], False)]


def test_an_aisles_row_letters_show_all_or_none(qtbot: Any) -> None:
    """At some zooms a letter's plate is a hair taller than a row: those in an aisle then touched a seat every
    other row, as rounding fell, and the aisle showed a gappy column (A, C, F, ...). Now the whole column goes."""
    plan = GridForm("Main", "Stalls", rows=14, seats_per_row=24, aisles="12")
    seats = tuple(
        Seat(SeatId(r * 100 + n), SectionId(1), chr(65 + r), n, x, float(r))
        for r in range(plan.rows)
        for n, x in ((n, n - 1 + (1.0 if n > 12 else 0.0)) for n in range(1, plan.seats_per_row + 1))
    )
    stalls = Section(SectionId(1), PlanId(1), "Stalls", SectionKind.SEATED, len(seats))
    layout = PlanLayout(SeatingPlan(PlanId(1), VenueId(1), "Main", (stalls,)), seats)
    preview = PlanPreview(lambda *_: None)
    qtbot.addWidget(preview)
    preview.render_layout(layout, frozenset())
    furniture = preview.seats.furniture
    aisle = [letter for letter in furniture.rows if letter.anchor is Anchor.CENTRE]
    assert len(aisle) == plan.rows
    hidden_whole = 0
    for step in range(20, 80):
        scale = step / 100
        preview.seats.place_labels(scale)
        shown = [letter.plate.isVisible() for letter in aisle]
        assert all(shown) or not any(shown), (scale, shown)
        ends = [r for r in furniture.rows if r.anchor is Anchor.LEFT and r.plate.isVisible()]
        hidden_whole += bool(ends) and not any(shown)
    assert hidden_whole  # the rule had something to do: the ends named the rows, the aisle stayed clear


def _small_plan(rows: int, per_row: int) -> PlanLayout:
    """A club: a few seats (or none) and two standing sections."""
    stalls = SectionId(1)
    sections = (
        Section(stalls, PlanId(1), "Stalls", SectionKind.SEATED, rows * per_row),
        Section(SectionId(2), PlanId(1), "Floor", SectionKind.STANDING, 500),
        Section(SectionId(3), PlanId(1), "Bar terrace", SectionKind.STANDING, 80),
    )
    seats = tuple(
        Seat(SeatId(100 + r * per_row + n), stalls, "AB"[r], n + 1, n, r)
        for r in range(rows)
        for n in range(per_row)
    )
    return PlanLayout(SeatingPlan(PlanId(1), VenueId(1), "Club", sections), seats)


def _standing_words(preview: PlanPreview) -> dict[str, str]:
    """Each standing block's words as the view lays them out now (elided when the block is too narrow)."""
    transform = preview.viewportTransform()
    return {
        label.text(): " ".join(label.fitted(transform)[0].lines)
        for label in preview.seats.furniture.standing.values()
    }


def _shown_preview(qtbot: Any) -> PlanPreview:
    preview = PlanPreview(lambda ids, add: None)
    qtbot.addWidget(preview)
    preview.resize(900, 500)
    preview.show()
    qtbot.waitExposed(preview)
    return preview


def test_a_small_plans_standing_blocks_are_wide_enough_for_their_words(qtbot: Any) -> None:
    """Blocks as wide as a 2x2 stalls showed "Floor · s…"; they are now at least STANDING_MIN_UNITS seats wide."""
    preview = _shown_preview(qtbot)
    preview.render_layout(_small_plan(2, 2), frozenset())
    preview.fit()
    words = _standing_words(preview)
    assert words == {
        "Floor · standing · 500 places": "Floor · standing · 500 places",
        "Bar terrace · standing · 80 places": "Bar terrace · standing · 80 places",
    }
    stage = preview.seats.furniture.stage.sceneBoundingRect()
    blocks = [label.sceneBoundingRect() for label in preview.seats.furniture.standing.values()]
    seats = [item.sceneBoundingRect() for item in preview.seat_items.values()]
    assert all(stage.bottom() <= b.top() for b in blocks)
    assert all(b.bottom() <= min(s.top() for s in seats) for b in blocks)
    _shot(preview, "plan-preview-small-club")


def test_a_plan_of_standing_sections_only_is_drawn_not_called_empty(qtbot: Any) -> None:
    preview = _shown_preview(qtbot)
    preview.render_layout(_small_plan(0, 0), frozenset())
    texts = [item.text() for item in preview.seats.scene.items() if hasattr(item, "text")]
    assert not any(str(t).startswith("No plan to show yet") for t in texts)
    assert sorted(preview.seats.furniture.standing) == [SectionId(2), SectionId(3)]
    assert all("…" not in w for w in _standing_words(preview).values())
