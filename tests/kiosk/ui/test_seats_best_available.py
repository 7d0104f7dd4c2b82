"""Best available on the real flow: the picked seats show on the map with Accept / Change before the review."""

from __future__ import annotations

from PySide6.QtCore import Qt

from core.domain.places import PlaceState
from kiosk.ui.seat_map_scene import Look
from kiosk.viewmodels.flow_state import Step
from tests.kiosk.ui.test_seats_layout import to_seats
from tests.support.kiosk_windows import find, make_window, settle, unseen


def test_best_available_shows_its_seats_on_the_map_to_accept_or_change(qtbot, qt_run, real_flow):
    window = make_window(qtbot, real_flow)
    to_seats(qtbot, real_flow, window)
    screen = window.screens[Step.SEATS]
    model = real_flow.seat_map
    stalls = next(s for s in model.seat_map.sections if s.name == "Stalls")
    qtbot.mouseClick(find(window, "best_quantity_plus"), Qt.MouseButton.LeftButton)  # two seats
    qtbot.mouseClick(find(window, f"best_{stalls.id}"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: real_flow.state.offered and not real_flow.state.busy)

    offer = real_flow.state.hold
    picked = tuple(p.place_id for p in offer.places)
    assert real_flow.state.step is Step.SEATS
    assert len(picked) == 2
    assert model.state.selection == picked  # on the map, drawn as the buyer's choice
    assert all(screen.map_widget.seats.drawn_look(p) is Look.SELECTED for p in picked)
    assert "We picked these seats for you" in find(window, "seat_map_notice").text()
    settle()
    accept, change = find(window, "continue"), find(window, "change_offer")
    assert (accept.text(), change.text()) == ("Accept", "Change")
    assert unseen(accept) == unseen(change) == ""
    assert not screen.side.clear.isVisible()  # 'Change' stands in its place
    assert not screen.choices.isVisible()  # no other way to choose until this one is accepted or changed
    other = next(p.id for p in model.seats if p.id not in picked and model.state_of(p.id) is PlaceState.FREE)
    assert not model.toggle(other)  # the offer is taken or changed as a whole
    assert model.state.selection == picked

    qtbot.mouseClick(change, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not real_flow.state.offered and not real_flow.state.busy)
    assert real_flow.state.hold is None
    assert model.state.selection == ()
    concert = real_flow.state.concert.concert.id
    states = {p.id: p.state for p in qt_run(real_flow.client.get_seat_map(concert)).places}
    assert {states[p] for p in picked} == {PlaceState.FREE}  # released at once, for everyone

    qtbot.mouseClick(find(window, f"best_{stalls.id}"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: real_flow.state.offered and not real_flow.state.busy)
    offer = real_flow.state.hold
    qtbot.mouseClick(find(window, "continue"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: real_flow.state.step is Step.REVIEW and not real_flow.state.busy)
    assert real_flow.state.hold == offer
    assert not real_flow.state.offered


def test_the_best_available_buttons_name_the_sections_in_the_buyers_language(qtbot, real_flow):
    """Found on a real window: in German the legend read "Parkett", "Rang", "Balkon" and the best-available
    buttons under it still "Stalls", "Circle", "Balcony"."""
    window = make_window(qtbot, real_flow)
    qtbot.mouseClick(find(window, "language_de"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: find(window, "buy_tickets").text() == "Tickets kaufen")
    to_seats(qtbot, real_flow, window)
    model = real_flow.seat_map
    seated = [s for s in model.seat_map.sections if s.kind.value != "standing"]
    shown = {s.name: find(window, f"best_{s.id}").text() for s in seated}
    assert shown == {"Stalls": "Parkett", "Circle": "Rang", "Balcony": "Balkon"}
    assert find(window, f"best_{seated[0].id}").accessibleName() == "Beste 1 in Parkett"
