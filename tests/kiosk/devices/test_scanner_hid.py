"""The HID scanner filter on real widgets: a fast burst ending in Enter is a scan and never reaches the
focused widget; a person's typing (slow keys, short bursts, bursts without Enter) arrives as typed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QPushButton

from kiosk.devices.scanner_hid import HidScanner
from tests.support.wedge import wedge_type

TICKET_LIKE = "NCFOXN%TS3DH0YOJ58S S-W5HDC *ZEN.K:/8F"


@pytest.fixture
def scanner(qapp, qtbot, fake_time) -> Iterator[HidScanner]:
    scanner = HidScanner(max_gap_ms=50, min_length=8, clock=fake_time)
    qapp.installEventFilter(scanner)
    yield scanner
    qapp.removeEventFilter(scanner)
    scanner.deleteLater()


@pytest.fixture
def field(qtbot) -> QLineEdit:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    edit.setFocus()
    return edit


def test_a_fast_burst_with_enter_is_a_scan_and_not_typed_into_the_field(qtbot, scanner, field):
    entered: list[str] = []
    field.returnPressed.connect(lambda: entered.append(field.text()))
    with qtbot.waitSignal(scanner.scanned, timeout=1000) as got:
        qtbot.keyClicks(field, TICKET_LIKE)  # all at the same instant: a scanner
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert got.args == [TICKET_LIKE]
    assert field.text() == ""
    assert entered == []


def test_a_person_typing_slowly_keeps_every_key(qtbot, scanner, field, fake_time):
    scans: list[str] = []
    scanner.scanned.connect(scans.append)
    entered: list[str] = []
    field.returnPressed.connect(lambda: entered.append(field.text()))
    for char in "hello world":
        fake_time.now += 0.15  # 150 ms between keys: a person
        qtbot.keyClick(field, char)
    qtbot.waitUntil(lambda: field.text() == "hello world", timeout=1000)  # the last key after the gap
    fake_time.now += 0.3
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert entered == ["hello world"]
    assert scans == []


def test_short_fast_bursts_and_bursts_without_enter_are_typing(qtbot, scanner, field, fake_time):
    scans: list[str] = []
    scanner.scanned.connect(scans.append)
    entered: list[str] = []
    field.returnPressed.connect(lambda: entered.append(field.text()))
    qtbot.keyClicks(field, "ab")  # two quick keys (a fast typist), then Enter: too short for a ticket
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert entered == ["ab"]  # held keys delivered before the Enter
    fake_time.now += 1
    qtbot.keyClicks(field, "LONGBURST123")  # fast, but nothing ends it
    qtbot.waitUntil(lambda: field.text() == "abLONGBURST123", timeout=1000)
    fake_time.now += 1
    qtbot.keyClicks(field, "ABCDEFGHIJ")
    fake_time.now += 0.2  # Enter comes too late after the last key
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert entered[-1] == "abLONGBURST123ABCDEFGHIJ"
    assert scans == []


def test_shortcuts_pass_at_once_and_a_button_still_clicks_with_space(qtbot, scanner, field, fake_time):
    field.setText("select me")
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert field.selectedText() == "select me"  # not held back
    button = QPushButton("Undo")
    qtbot.addWidget(button)
    button.show()
    clicks: list[bool] = []
    button.clicked.connect(lambda: clicks.append(True))
    fake_time.now += 1
    qtbot.keyClick(button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: clicks == [True], timeout=1000)
    assert not button.isDown()


# --- as a real keyboard-wedge scanner types: Shift presses, symbols, CR or LF ----------------------------


@pytest.fixture
def button(qtbot) -> QPushButton:
    button = QPushButton("Undo last admit")
    qtbot.addWidget(button)
    button.show()
    button.setFocus()
    return button


@pytest.mark.parametrize("end", ["enter", "lf"])
def test_a_wedge_scan_with_shift_presses_is_one_scan_and_never_reaches_the_button(
    qtbot, scanner, button, end
):
    clicks: list[bool] = []
    button.clicked.connect(lambda: clicks.append(True))
    with qtbot.waitSignal(scanner.scanned, timeout=1000) as got:
        wedge_type(button, TICKET_LIKE, end=end)
    assert got.args == [TICKET_LIKE]
    qtbot.wait(100)  # longer than the gap: anything held back would have been delivered by now
    assert clicks == []
    assert not button.isDown()


def test_a_wedge_scan_into_a_field_types_nothing(qtbot, scanner, field):
    with qtbot.waitSignal(scanner.scanned, timeout=1000) as got:
        wedge_type(field, TICKET_LIKE)
    assert got.args == [TICKET_LIKE]
    assert field.text() == ""


def test_a_person_typing_capitals_with_shift_keeps_every_key(qtbot, scanner, field, fake_time):
    for char in "Hi There":
        fake_time.now += 0.15
        wedge_type(field, char, end="")
    qtbot.waitUntil(lambda: field.text() == "Hi There", timeout=1000)
    scans: list[str] = []
    scanner.scanned.connect(scans.append)
    assert scans == []


def test_without_typing_a_failed_scan_reaches_no_widget(qtbot, qapp, fake_time, button):
    """The door has no text field: a burst that is not a scan (no Enter, a stall) is dropped, never typed
    into a button, and the Enter after it does not press anything either."""
    scanner = HidScanner(max_gap_ms=50, min_length=8, clock=fake_time, typing=False)
    qapp.installEventFilter(scanner)
    try:
        clicks: list[bool] = []
        button.clicked.connect(lambda: clicks.append(True))
        wedge_type(button, TICKET_LIKE, end="")
        qtbot.wait(100)  # the held keys time out
        fake_time.now += 1
        wedge_type(button, "ABC DEF GHI", end="")  # a scan cut short by a stall before its Enter
        fake_time.now += 1
        wedge_type(button, "", end="enter")
        qtbot.wait(100)
        assert clicks == []
        fake_time.now += 1
        QTest.keyClick(button, Qt.Key.Key_Space)  # one key alone: a person, on purpose
        qtbot.waitUntil(lambda: clicks == [True], timeout=1000)
    finally:
        qapp.removeEventFilter(scanner)
        scanner.deleteLater()
