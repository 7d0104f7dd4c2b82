"""The seat screen by keyboard in a real window: where focus starts, that it always shows, the way to Continue."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from kiosk.viewmodels.flow_state import Step
from tests.kiosk.ui.test_seats_layout import to_seats
from tests.support.kiosk_windows import find, make_window, settle, unseen

YELLOW = QColor("#ffff00")


def edge_and_inside(widget: QWidget) -> tuple[QColor, QColor]:
    """The colour of a control's ring (3 px in from its left edge) and just inside it (12 px in)."""
    image = widget.grab().toImage()
    y = image.height() // 2
    return image.pixelColor(3, y), image.pixelColor(12, y)


def looks_focused(widget: QWidget) -> bool:
    """High contrast's focus: a yellow ring around black."""
    ring, inside = edge_and_inside(widget)
    return ring == YELLOW and inside.lightness() < 40


def test_the_seat_map_starts_focused_shows_its_seat_in_words_and_continue_is_one_tab_away(qtbot, real_flow):
    window = make_window(qtbot, real_flow)
    to_seats(qtbot, real_flow, window)
    view = find(window, "seat_map").view
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view)  # arrow keys walk the seats at once
    caption = find(window, "seat_cursor_caption")
    assert "Arrow keys move from seat to seat" in caption.text()  # a sighted keyboard user sees how to start
    frame = view.grab().toImage().pixelColor(2, view.height() // 2)
    assert frame == QColor("#e08a00")  # the map's focus frame, like a button's ring
    qtbot.keyClick(view, Qt.Key.Key_Right)
    cursor = real_flow.seat_map.state.cursor
    place = real_flow.seat_map.places[cursor]
    assert f"row {place.row}, seat {place.number}" in caption.text()
    assert unseen(caption) == ""
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert real_flow.seat_map.state.selection == (cursor,)
    assert "selected" in caption.text()
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is find(window, "continue")


def test_high_contrast_focus_is_unmistakable_and_no_unfocused_control_looks_focused(qtbot, real_flow):
    window = make_window(qtbot, real_flow)
    window.settings.set_high_contrast(True)
    window.settings.set_large_text(False)
    welcome = window.screens[Step.WELCOME]
    to_seats(qtbot, real_flow, window)
    model = real_flow.seat_map
    model.toggle(next(p.id for p in model.seats if model.state_of(p.id).value == "free"))  # Continue enabled
    settle()
    buttons = [b for b in window.screens[Step.SEATS].findChildren(QAbstractButton) if b.isVisible()]
    buttons += [
        b for b in welcome.findChildren(QAbstractButton)
    ]  # the checked toggles too (hidden: grab works)
    wrong = []
    for target in [b for b in buttons if b.isVisible() and b.isEnabled()]:
        target.setFocus(Qt.FocusReason.TabFocusReason)
        settle()
        if not looks_focused(target):
            wrong.append(f"focused {target.objectName()} shows no ring: {edge_and_inside(target)}")
        for other in buttons:
            if other is not target and looks_focused(other):
                wrong.append(f"{other.objectName()} looks focused while {target.objectName()} is")
    assert wrong == []
