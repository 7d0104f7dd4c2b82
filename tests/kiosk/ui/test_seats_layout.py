"""The seat screen in a real window: a top-level window filling a 1920x1080, a 1080x1920 or a 1280x800 screen."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.viewmodels.flow_state import Step
from tests.support.kiosk_windows import cut_words, find, make_window, on_window, settle, unseen
from tests.support.screens import LANDSCAPE, PORTRAIT, SMALL

THEMES = ((False, False), (True, False), (False, True), (True, True))
"""(high contrast, large text): every look a buyer can switch on at Welcome."""


def to_seats(qtbot: Any, flow: Any, window: Any) -> None:
    flow.request_begin()
    qtbot.waitUntil(lambda: flow.state.step is Step.CONCERTS and not flow.state.busy)
    flow.request_choose_concert(flow.state.concerts[0].concert.id)
    qtbot.waitUntil(lambda: window.current_screen() is window.screens[Step.SEATS] and not flow.state.busy)


def controls(window: Any) -> dict[str, QWidget]:
    """Everything a buyer uses on the seat screen, by name."""
    names = ["seats_title", "back", "continue", "clear_choice", "zoom_out", "zoom_fit", "zoom_in"]
    names += ["selection_summary", "best_quantity_minus", "best_quantity_plus"]
    screen = window.screens[Step.SEATS]
    names += [b.objectName() for b in screen.best_buttons.values()]
    for row in screen.standing_rows.values():
        names += [row.picker.minus.objectName(), row.picker.plus.objectName(), row.choose.objectName()]
    return {name: find(window, name) for name in names}


@pytest.mark.parametrize("size", [LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
def test_every_seat_screen_control_is_in_view_without_scrolling_in_every_theme(qtbot, real_flow, size):
    window = make_window(qtbot, real_flow, size)
    to_seats(qtbot, real_flow, window)
    model = real_flow.seat_map
    for place in [p.id for p in model.seats if model.state_of(p.id).value == "free"][:2]:
        model.toggle(place)  # the choice line and an enabled Continue
    problems = []
    for high_contrast, large_text in THEMES:
        window.settings.set_high_contrast(high_contrast)
        window.settings.set_large_text(large_text)
        settle()
        assert window.size().toTuple() == size
        page = window.stack.currentWidget()
        look = f"{size} high contrast {high_contrast}, large text {large_text}"
        if page.verticalScrollBar().maximum() > 0:
            problems.append(f"{look}: the page scrolls by {page.verticalScrollBar().maximum()} px")
        more = find(window, "seat_panel_more")
        for name, widget in controls(window).items():
            why = unseen(widget)
            if why and large_text and more.isAncestorOf(widget):
                # Large text may need the side list to scroll (only it): focusing a control there shows it (a
                # disabled one, scrolling the list), and Continue and the map's zoom bar stay where they are.
                if widget.isEnabled():
                    widget.setFocus(Qt.FocusReason.TabFocusReason)
                else:
                    more.ensureWidgetVisible(widget)
                settle()
                why = unseen(widget) or unseen(find(window, "continue")) or unseen(find(window, "zoom_in"))
            if why:
                problems.append(f"{look}: {name} {why}")
        view = find(window, "seat_map").view
        if min(view.width(), view.height()) < 0.3 * min(size):
            problems.append(f"{look}: the map is only {view.width()}x{view.height()}")
    assert problems == [], "\n".join(problems)


def _map_words_outside(window: Any) -> list[str]:
    """The map's fixed-size names (the stage, the sections) that reach past the map's edge at 'whole map'."""
    seat_map = find(window, "seat_map")
    view = seat_map.view
    scale = view.transform().m11()
    shown = view.viewport().rect()
    out = []
    labels = [seat_map.seats.furniture.stage_label, *seat_map.seats.furniture.sections]
    for label in (lbl for lbl in labels if lbl.plate.isVisible()):
        at = view.mapFromScene(label.scene_rect(scale)).boundingRect()
        if not shown.contains(at):
            out.append(f"{label.text.text()} at {at.getRect()} in {shown.getRect()}")
    return out


@pytest.mark.parametrize("high_contrast", [False, True], ids=["default", "high_contrast"])
@pytest.mark.parametrize("size", [SMALL, (1280, 770)], ids=["1280x800", "under_a_title_bar"])
def test_the_seat_screen_fits_a_small_1280x800_display_without_scrolling_or_cut_words(
    qtbot, real_flow, high_contrast, size
):
    # `make run` opened 1280x800 on a desktop: the map was a strip, the keyboard hint a column of 12 lines, the
    # stage's name cut off, '596 left' under a scroll bar and the best-seat buttons below the fold. A window
    # manager's title bar (and a panel) takes some 30 px more.
    window = make_window(qtbot, real_flow, size)
    window.settings.set_high_contrast(high_contrast)
    to_seats(qtbot, real_flow, window)
    model = real_flow.seat_map
    settle()
    view = find(window, "seat_map").view
    where = on_window(view)
    view.setFocus(Qt.FocusReason.TabFocusReason)  # the hint for keyboard buyers shows
    settle()
    assert "Arrow keys" in find(window, "seat_cursor_caption").text()
    for place in [p.id for p in model.seats if model.state_of(p.id).value == "free"][:2]:
        model.toggle(place)  # the choice line and an enabled Continue
    settle()
    assert window.size().toTuple() == size
    problems = []
    page = window.stack.currentWidget()
    if page.verticalScrollBar().maximum() > 0:
        problems.append(f"the page scrolls by {page.verticalScrollBar().maximum()} px")
    more = find(window, "seat_panel_more")
    if more.verticalScrollBar().maximum() > 0:
        problems.append(f"the side list scrolls by {more.verticalScrollBar().maximum()} px")
    for name, widget in controls(window).items():
        if why := unseen(widget):
            problems.append(f"{name} {why}")
    screen = window.stack.currentWidget()
    problems += cut_words(screen)
    for words in (w for w in screen.findChildren(QLabel) if w.isVisible()):
        if why := unseen(words):
            problems.append(f"{words.objectName() or words.text()!r} {why}")
    problems += [f"'{w}' is cut off by the map's edge" for w in _map_words_outside(window)]
    caption = find(window, "seat_cursor_caption")
    if caption.height() > 3 * caption.fontMetrics().lineSpacing() + 4:
        problems.append(f"the keyboard hint is {caption.height()} px high ({caption.width()} px wide)")
    if min(view.width(), view.height()) < 0.5 * min(size):
        problems.append(f"the map is only {view.width()}x{view.height()}")
    assert problems == [], "\n".join(problems)
    # The hint came and went with the focus without moving the map under the finger.
    find(window, "continue").setFocus(Qt.FocusReason.TabFocusReason)
    settle()
    assert on_window(view) == where


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_standing_picker_is_in_view_with_high_contrast_and_large_text_at_1920x1080(
    qtbot, real_flow, language
):
    # The theme a low-vision buyer switches on: Continue was in view, the standing picker below the side list's
    # fold, with nothing to say it was there. German's longer words took a line more and cut it off again.
    window = make_window(qtbot, real_flow, LANDSCAPE)
    real_flow.set_language(language)  # as a buyer taps it on Welcome
    window.settings.set_high_contrast(True)
    window.settings.set_large_text(True)
    to_seats(qtbot, real_flow, window)
    model = real_flow.seat_map
    for place in [p.id for p in model.seats if model.state_of(p.id).value == "free"][:2]:
        model.toggle(place)  # the choice line and its actions take their room too
    settle()
    screen = window.screens[Step.SEATS]
    assert screen.standing_rows, "the demo concert has a standing section"
    assert (screen.standing_caption.text() == "Standing") is (language == "en")
    more = find(window, "seat_panel_more")
    if more.verticalScrollBar().maximum() > 0:
        problems_scroll = [f"the side list scrolls by {more.verticalScrollBar().maximum()} px"]
    else:
        problems_scroll = []
    problems = []
    for row in screen.standing_rows.values():
        for widget in (row.name, row.picker.minus, row.picker.plus, row.choose):
            if why := unseen(widget):
                problems.append(f"{widget.objectName()} {why}")
    for name in ("continue", "zoom_in", "seats_title", "back"):
        if why := unseen(find(window, name)):
            problems.append(f"{name} {why}")
    problems += cut_words(window.stack.currentWidget())
    problems += problems_scroll
    # "Choose" with seats chosen first says, under the buttons, that the seats would be let go: in view too.
    row = next(iter(screen.standing_rows.values()))
    qtbot.mouseClick(row.choose, Qt.MouseButton.LeftButton)
    settle()
    note = find(window, "standing_note")
    for widget in (note, row.choose, find(window, "continue")):
        if why := unseen(widget):
            problems.append(f"after the first Choose: {widget.objectName()} {why}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("size", [SMALL, LANDSCAPE], ids=["small", "landscape"])
def test_the_stages_name_stays_on_the_stages_colour_with_high_contrast_and_large_text(qtbot, real_flow, size):
    # The name keeps its size while the plan shrinks: taller than the stage, its black letters ran off the white
    # stage onto the black map.
    window = make_window(qtbot, real_flow, size)
    window.settings.set_high_contrast(True)
    window.settings.set_large_text(True)
    to_seats(qtbot, real_flow, window)
    settle()
    seat_map = find(window, "seat_map")
    view, furniture = seat_map.view, seat_map.seats.furniture
    box = view.mapFromScene(furniture.stage_label.scene_rect(view.transform().m11())).boundingRect()
    image = view.viewport().grab().toImage()
    stage = furniture.stage.brush().color().name()
    corners = [(box.left() + 1, box.top() + 1), (box.right() - 1, box.top() + 1)]
    corners += [(box.left() + 1, box.bottom() - 1), (box.right() - 1, box.bottom() - 1)]
    assert [image.pixelColor(x, y).name() for x, y in corners] == [stage] * 4
