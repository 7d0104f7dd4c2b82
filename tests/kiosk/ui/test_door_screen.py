"""The door screen on the real widgets: a real ticket's QR text typed by the HID scanner (fast, then Enter)
admits, the same ticket again is ALREADY USED with when and where, garbage is NOT VALID, undo, a camera
frame of the printed ticket admits, the concert chooser, the offline indicator, both orientations."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QStyle, QStyleOptionComboBox

from core.client.local import LocalClient
from core.services import tickets
from kiosk.devices.camera import CameraScanner
from kiosk.ui.door_screen import DoorScreen
from kiosk.viewmodels.door import DoorViewModel, Tone
from tests.kiosk.devices.test_camera import ticket_image
from tests.kiosk.viewmodels.test_door import DOORS_OPEN, Night, door_night
from tests.support.wedge import wedge_type

SHOTS = os.environ.get("ENCORE_SCREENSHOTS", "")
"""Set to a folder to keep screenshots of every state at 1920x1080 and 1080x1920."""


def shoot(screen: DoorScreen, name: str) -> None:
    if not SHOTS:
        return
    size = screen.size()
    for width, height in ((1920, 1080), (1080, 1920)):
        screen.resize(width, height)
        screen.grab().save(str(Path(SHOTS) / f"door-{name}-{width}x{height}.png"))
    screen.resize(size)


@pytest.fixture
def night(qt_run, kiosk_ctx) -> Night:
    return qt_run(door_night(kiosk_ctx, 2))


def open_model(qt_run, kiosk_ctx, night: Night, tmp_path: Path, concert_id=None) -> DoorViewModel:
    return qt_run(
        DoorViewModel.open(
            LocalClient.over(kiosk_ctx, actor=night.door),
            gate="North",
            local_path=tmp_path / "door.sqlite3",
            concert_id=concert_id,
            verdict_seconds=None,
            tick_seconds=3600.0,
        )
    )


@pytest.fixture
def model(qt_run, kiosk_ctx, kiosk_clock, night, tmp_path) -> Iterator[DoorViewModel]:
    kiosk_clock.advance(DOORS_OPEN)
    door = open_model(qt_run, kiosk_ctx, night, tmp_path, night.stage.id)
    yield door
    qt_run(door.aclose())


def make_screen(qtbot, model: DoorViewModel, **kwargs) -> DoorScreen:
    screen = DoorScreen(model, **kwargs)
    qtbot.addWidget(screen)
    screen.scanner.max_gap_s = 2.0  # a loaded test machine must not split one synthetic burst
    screen.resize(1920, 1080)
    screen.show()
    return screen


def scan_by_keyboard(qtbot, screen: DoorScreen, text: str) -> None:
    """As a keyboard-wedge scanner types, Shift presses included, at the worst place: the Undo button (were it
    focused, the scanner takes the burst before any widget sees it)."""
    wedge_type(screen.undo, text)


def test_scanner_admits_then_already_used_with_the_reason(qtbot, model, night, kiosk_clock):
    screen = make_screen(qtbot, model)
    assert (screen.word.text(), screen.reason.text()) == ("Ready", "Scan a ticket")
    assert screen.status.text() == "● Online"
    shoot(screen, "ready")
    undone: list[bool] = []
    screen.undo.clicked.connect(lambda: undone.append(True))

    scan_by_keyboard(qtbot, screen, night.texts[0])
    qtbot.waitUntil(lambda: screen.word.text() == "ADMIT", timeout=10_000)
    assert screen.place.text() == "Stalls, row A, seat 1 · Stalls"
    assert screen.reason.text() == "Let the guest in."
    assert screen.counter.text() == "Admitted tonight: 1"
    assert undone == []  # the scanner's Enter did not press the focused button
    shoot(screen, "admit")

    kiosk_clock.advance(120)
    scan_by_keyboard(qtbot, screen, night.texts[0])
    qtbot.waitUntil(lambda: screen.word.text() == "ALREADY USED", timeout=10_000)
    assert screen.reason.text().startswith("Admitted at ")
    assert screen.reason.text().endswith(" at North. Do not admit again.")
    assert screen.counter.text() == "Admitted tonight: 1"
    assert screen.recent.count() == 2
    assert screen.recent.item(0).text().split("\n")[0].endswith("ALREADY USED")
    assert screen.sounds.played == [Tone.ADMIT, Tone.REFUSE]
    shoot(screen, "already-used")
    screen.render_state(model.state)  # a repeated snapshot redraws the same screen and plays nothing again
    assert screen.sounds.played == [Tone.ADMIT, Tone.REFUSE]


def test_a_slow_scanner_whose_enter_comes_late_still_admits(qtbot, model, night):
    """On a loaded machine or a slow USB hub a real scan's Enter came 120 ms after its last character: past the
    50 ms that tells a person from a scanner, so the door dropped the scan. The door takes no text: it waits
    longer. (The door's own gap, not make_screen's test widening.)"""
    screen = DoorScreen(model)
    qtbot.addWidget(screen)
    screen.resize(1920, 1080)
    screen.show()
    qtbot.waitExposed(screen)
    qtbot.wait(200)  # the first paint is done: the pause below is the scanner's, not the machine's
    scans: list[str] = []
    screen.scanner.scanned.connect(scans.append)
    wedge_type(screen.undo, night.texts[0], pause_before_end_ms=120)
    assert scans == [night.texts[0]]
    qtbot.waitUntil(lambda: screen.word.text() == "ADMIT", timeout=10_000)


def test_garbage_is_not_valid_and_undo_takes_back_the_last_admit(qtbot, model, night):
    screen = make_screen(qtbot, model)
    scan_by_keyboard(qtbot, screen, "THIS IS NOT A TICKET 123")
    qtbot.waitUntil(lambda: screen.word.text() == "NOT VALID", timeout=10_000)
    assert "Do not admit" in screen.reason.text()
    shoot(screen, "not-valid")

    scan_by_keyboard(qtbot, screen, night.texts[1])
    qtbot.waitUntil(lambda: screen.word.text() == "ADMIT", timeout=10_000)
    assert screen.undo.minimumSizeHint().height() >= 48
    assert screen.undo.height() >= 48
    qtbot.mouseClick(screen.undo, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.undo_yes.isVisibleTo(screen), timeout=10_000)
    qtbot.mouseClick(screen.undo_yes, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.notice.text().startswith("Undone"), timeout=10_000)
    assert screen.notice.text() == "Undone: Stalls, row A, seat 2 may be scanned again."
    assert (screen.word.text(), screen.counter.text()) == ("Ready", "Admitted tonight: 0")
    scan_by_keyboard(qtbot, screen, night.texts[1])
    qtbot.waitUntil(lambda: screen.counter.text() == "Admitted tonight: 1", timeout=10_000)


def test_a_camera_frame_of_the_printed_ticket_admits(qtbot, qt_run, kiosk_ctx, model, night):
    # The concert night is long after the sale: printing the ticket again is a staff reprint.
    pdf = qt_run(tickets.render_order(kiosk_ctx, night.stage.manager, night.order.code))
    camera = CameraScanner()
    screen = make_screen(qtbot, model, camera=camera)
    try:
        assert camera.feed_image(ticket_image(pdf))
        qtbot.waitUntil(lambda: screen.word.text() == "ADMIT", timeout=10_000)
        assert screen.place.text() == "Stalls, row A, seat 1 · Stalls"
    finally:
        camera.close()


def test_the_offline_indicator_says_how_many_scans_wait_for_the_sync(qtbot, model, night):
    screen = make_screen(qtbot, model)
    scan_by_keyboard(qtbot, screen, night.texts[0])
    qtbot.waitUntil(lambda: screen.word.text() == "ADMIT", timeout=10_000)
    offline = model.state.verdict and replace(model.state.verdict, offline=True)
    screen.render_state(replace(model.state, online=False, unsynced=3, verdict=offline))
    assert screen.status.text() == "● OFFLINE · 3 scans to sync"
    assert screen.note.text() == "Checked offline by signature"
    assert screen.note.isVisibleTo(screen)
    shoot(screen, "offline")
    screen.resize(1080, 1920)  # the longest status line still fits a portrait display
    assert screen.width() == 1080
    screen.resize(1920, 1080)
    screen.render_state(model.state)
    assert screen.status.text() == "● Online"
    assert not screen.note.isVisibleTo(screen)


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("en", "● OFFLINE · 1 scan to sync", "● OFFLINE · 2 scans to sync"),
        ("de", "● OFFLINE · 1 Scan zu übertragen", "● OFFLINE · 2 Scans zu übertragen"),
    ],
)
def test_the_offline_count_has_a_singular(qtbot, model, language, one, two):
    """It said "1 scans to sync": Qt's plural forms now, English's from its own plurals-only translation."""
    from kiosk.ui.i18n import Languages

    languages = Languages()
    try:
        languages.switch(language)
        screen = make_screen(qtbot, model)
        screen.render_state(replace(model.state, online=False, unsynced=1))
        assert screen.status.text() == one
        screen.render_state(replace(model.state, online=False, unsynced=2))
        assert screen.status.text() == two
    finally:
        languages.close()


def test_offline_the_screen_shows_the_lists_age_and_past_the_limit_check_by_hand(
    request, qtbot, qt_run, kiosk_ctx, kiosk_clock, night, demo_sqlite_url, tmp_path, expect_log
):
    """The door really loses its database (its own line to the file is cut), on the real widgets."""
    from datetime import timedelta

    from kiosk.ui.i18n import Languages
    from tests.support.door import cuttable_door_context

    languages = Languages()  # as the door app does: English's plural forms come from its translation
    request.addfinalizer(languages.close)

    kiosk_clock.advance(DOORS_OPEN)
    line_cm = cuttable_door_context(demo_sqlite_url, kiosk_clock, tmp_path)
    door_ctx, line = qt_run(line_cm.__aenter__())
    door = qt_run(
        DoorViewModel.open(
            LocalClient.over(door_ctx, actor=night.door),
            gate="North",
            local_path=tmp_path / "door.sqlite3",
            concert_id=night.stage.id,
            verdict_seconds=None,
            tick_seconds=3600.0,
            probe_interval=timedelta(0),
        )
    )
    try:
        screen = make_screen(qtbot, door)
        assert not screen.offline_list.isVisibleTo(screen)  # online: the list's age is nobody's business
        qt_run(line.cut())
        kiosk_clock.advance(3600)
        with expect_log("core.client.door_station", "offline"):
            scan_by_keyboard(qtbot, screen, night.texts[0])
            qtbot.waitUntil(lambda: screen.word.text() == "ADMIT" and not door.state.busy, timeout=10_000)
        assert screen.status.text() == "● OFFLINE · 1 scan to sync"
        assert screen.offline_list.isVisibleTo(screen)
        assert screen.offline_list.text().startswith("Offline list from ")
        assert screen.offline_list.text().endswith(" (1 h 00 min old)")
        shoot(screen, "offline-list-age")

        kiosk_clock.advance(5 * 3600 + 60)  # 6 h 01 min: past the default limit of 6 h
        scan_by_keyboard(qtbot, screen, night.texts[1])
        qtbot.waitUntil(lambda: screen.word.text() == "CHECK BY HAND" and not door.state.busy, timeout=10_000)
        assert screen.reason.text().startswith("This door's offline list is too old")
        assert screen.note.text() == "Offline — not checked"
        assert screen.offline_list.text() == "Offline list too old (6 h 01 min): check tickets by hand"
        assert "#b00020" in screen.offline_list.styleSheet()  # the red band
        assert screen.counter.text() == "Admitted tonight: 1"  # no silent ADMIT
        assert screen.sounds.played == [Tone.ADMIT, Tone.WARN]
        shoot(screen, "offline-list-too-old")
        screen.resize(1080, 1920)  # the band wraps on a portrait display
        assert screen.width() == 1080
    finally:
        qt_run(door.aclose())
        qt_run(line_cm.__aexit__(None, None, None))


def test_staff_choose_the_concert_from_the_keyboard(qtbot, qt_run, kiosk_ctx, night, tmp_path):
    door = open_model(qt_run, kiosk_ctx, night, tmp_path)  # demo concerts and Test Hall are on sale
    try:
        screen = make_screen(qtbot, door)
        assert door.state.needs_concert
        assert screen.chooser.isVisibleTo(screen)
        assert screen.word.text() == "Choose concert"
        assert screen.chooser.count() == len(door.state.concerts) >= 2
        assert screen.undo.isEnabled() is False
        # A clear touch control, labelled, in place of the title line it would otherwise repeat.
        assert screen.chooser.height() >= 48
        assert screen.chooser.font().pixelSize() >= 24
        # Days before the concert, nothing tonight: the chooser lists the next concert night's (it said tonight's).
        assert screen.chooser_caption.text() == "Next concert night: Tue 8 Dec"
        assert screen.chooser.accessibleName() == "Next concert night: Tue 8 Dec"
        assert screen.counter.text() == "Admitted tonight: 0"  # no concert chosen yet
        assert screen.chooser.placeholderText() == "Choose the concert"  # not "tonight's" either
        assert screen.reason.text() == "Choose the concert at the top."
        assert screen.chooser_caption.isVisibleTo(screen)
        assert screen.chooser_caption.buddy() is screen.chooser
        assert not screen.concert_label.isVisibleTo(screen)
        shoot(screen, "choose")
        wanted = [c.id for c in door.state.concerts].index(night.stage.id)
        screen.chooser.setFocus()
        for _ in range(wanted + 1):
            qtbot.keyClick(screen.chooser, Qt.Key.Key_Down)
        qtbot.waitUntil(lambda: door.state.concert is not None and not door.state.busy, timeout=10_000)
        qtbot.waitUntil(lambda: door.state.concert.id == night.stage.id, timeout=10_000)
        assert screen.word.text() == "Ready"
        assert not screen.undo.isEnabled()  # a concert, but no admit to undo yet
        # Set up days ahead: the counter says which night it counts (it said "Admitted tonight").
        assert screen.counter.text() == "Admitted for Tue 8 Dec: 0"
        assert screen.counter.accessibleName() == "Admitted for Tue 8 Dec"
        scan_by_keyboard(qtbot, screen, night.texts[0])
        qtbot.waitUntil(lambda: screen.word.text() == "TOO EARLY", timeout=10_000)
        assert (
            screen.reason.text() == "Entry opens on Tue 8 Dec at 19:00. Ask the guest to wait."
        )  # days away
        assert screen.sounds.played == [Tone.WARN]
    finally:
        qt_run(door.aclose())


def test_the_choosers_caption_says_tonight_only_for_tonights_concerts(qtbot, model):
    screen = make_screen(qtbot, model)
    choosing = replace(model.state, concert=None)  # the doors' night: tonight's concert, not yet chosen
    screen.render_state(choosing)
    assert screen.chooser_caption.isVisibleTo(screen)
    assert screen.chooser_caption.text() == "Tonight's concert"
    screen.render_state(replace(choosing, next_night="Thu 10 Dec"))
    assert screen.chooser_caption.text() == "Next concert night: Thu 10 Dec"


def test_a_failed_scan_with_focus_on_undo_never_undoes_an_admit(qtbot, model, night):
    """A real scanner presses Shift before capitals and symbols. Before, that broke the scan and its characters
    reached the focused Undo button, whose Space and Enter took back an admit of a guest already inside."""
    screen = make_screen(qtbot, model)
    model.request_scan(night.texts[0])  # the camera admits a guest
    qtbot.waitUntil(lambda: screen.word.text() == "ADMIT", timeout=10_000)
    garbled = f"{night.texts[1][:40]} {night.texts[1][40:]}"  # with a Space inside: a button's key
    wedge_type(screen.undo, garbled, end="")  # a scan that never ends (its Enter is lost)
    qtbot.wait(1500)  # longer than the scanner's gap: the held keys went wherever they go
    wedge_type(screen.undo, "", end="enter")
    wedge_type(screen.undo, night.texts[1][:5])  # a scan cut short, with its Enter
    qtbot.wait(1500)
    assert model.state.admitted == 1
    assert not model.state.confirming_undo
    assert screen.notice.text() == ""
    scan_by_keyboard(qtbot, screen, night.texts[0])
    qtbot.waitUntil(lambda: screen.word.text() == "ALREADY USED", timeout=10_000)  # still inside


def test_undo_is_never_focused_off_until_an_admit_and_asks_first(qtbot, model, night):
    screen = make_screen(qtbot, model)
    for button in (screen.undo, screen.undo_yes, screen.undo_no):
        assert button.focusPolicy() == Qt.FocusPolicy.NoFocus
    assert not screen.undo.isEnabled()  # nothing to undo yet
    assert not screen.undo_confirm.isVisibleTo(screen)
    scan_by_keyboard(qtbot, screen, night.texts[0])
    qtbot.waitUntil(lambda: screen.word.text() == "ADMIT", timeout=10_000)
    assert screen.undo.isEnabled()
    qtbot.mouseClick(screen.undo, Qt.MouseButton.LeftButton)
    assert screen.undo_confirm.isVisibleTo(screen)
    assert screen.undo_question.text() == (
        "Undo the admit of Stalls, row A, seat 1? The ticket can then be scanned again."
    )
    shoot(screen, "undo-confirm")
    qtbot.mouseClick(screen.undo_no, Qt.MouseButton.LeftButton)  # kept: nothing happened
    assert not screen.undo_confirm.isVisibleTo(screen)
    assert model.state.admitted == 1
    qtbot.mouseClick(screen.undo, Qt.MouseButton.LeftButton)
    scan_by_keyboard(qtbot, screen, night.texts[1])  # a new guest: the question goes away unanswered
    qtbot.waitUntil(lambda: model.state.admitted == 2, timeout=10_000)
    assert not screen.undo_confirm.isVisibleTo(screen)
    qtbot.mouseClick(screen.undo, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.undo_yes, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.notice.text().startswith("Undone"), timeout=10_000)
    assert model.state.admitted == 1
    assert not screen.undo.isEnabled()  # that admit is taken back: nothing left to undo here


def _text_room(chooser) -> int:
    option = QStyleOptionComboBox()
    chooser.initStyleOption(option)
    field = chooser.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, chooser
    )
    return field.width()


def test_the_choosers_text_is_not_cut_when_it_has_focus(qtbot, qt_run, kiosk_ctx, night, tmp_path):
    door = open_model(qt_run, kiosk_ctx, night, tmp_path)
    try:
        screen = make_screen(qtbot, door)
        chooser = screen.chooser
        assert chooser.isVisibleTo(screen)
        longest = max((chooser.itemText(i) for i in range(chooser.count())), key=len)
        chooser.setCurrentIndex([chooser.itemText(i) for i in range(chooser.count())].index(longest))
        screen.activateWindow()
        screen.undo.setFocus()  # somewhere else first (it cannot take it: nothing on the screen has focus)
        unfocused = _text_room(chooser)
        chooser.setFocus()
        qtbot.waitUntil(chooser.hasFocus, timeout=5000)
        focused = _text_room(chooser)
        need = chooser.fontMetrics().horizontalAdvance(longest)
        assert focused == unfocused  # the focus ring does not eat into the text
        assert focused >= need, (focused, need, longest)
        shoot(screen, "chooser-focused")
    finally:
        qt_run(door.aclose())


def test_a_hidden_door_screen_takes_no_keys(qtbot, model):
    """Its scanner drops keys that are not a scan, so it filters the application only while it shows."""
    screen = make_screen(qtbot, model)
    field = QLineEdit()
    qtbot.addWidget(field)
    screen.hide()
    field.show()
    wedge_type(field, "Hello", end="")
    qtbot.waitUntil(lambda: field.text() == "Hello", timeout=5000)
    screen.show()
    field.setText("")
    wedge_type(field, "Hello", end="")
    qtbot.wait(1200)  # past the door scanner's gap: the held keys were dropped, never typed
    assert field.text() == ""


def test_a_german_door_shows_german_words(qtbot, model, night):
    """The screen's own texts were filed under no context in the .ts, so they never showed translated."""
    from kiosk.ui.i18n import Languages

    languages = Languages()
    try:
        languages.switch("de")
        screen = make_screen(qtbot, model)
        assert screen.undo.text() == "Letzten Einlass zurücknehmen"
        assert screen.recent_title.text() != "Recent scans"
        scan_by_keyboard(qtbot, screen, night.texts[0])
        qtbot.waitUntil(lambda: model.state.verdict is not None, timeout=10_000)
        assert screen.reason.text() == "Gast einlassen."  # the view-model's words, by reason code
        qtbot.mouseClick(screen.undo, Qt.MouseButton.LeftButton)
        assert screen.undo_yes.text() == "Ja, zurücknehmen"
    finally:
        languages.close()


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("en", "1 more scan waiting…", "2 more scans waiting…"),
        ("de", "1 weiterer Scan wartet …", "2 weitere Scans warten …"),
        ("es", "1 escaneo más en espera…", "2 escaneos más en espera…"),
    ],
)
def test_the_queue_count_has_a_singular(qtbot, model, language, one, two):
    """It said "1 more scans waiting…": Qt's plural forms, English's from its plurals-only translation."""
    from kiosk.ui.i18n import Languages

    languages = Languages()
    try:
        languages.switch(language)
        screen = make_screen(qtbot, model)
        screen.render_state(replace(model.state, queued=1))
        assert screen.activity.text() == one
        screen.render_state(replace(model.state, queued=2))
        assert screen.activity.text() == two
        screen.render_state(replace(model.state, queued=0))
        assert screen.activity.text() == ""
    finally:
        languages.close()


def test_a_german_door_says_places_and_dates_in_german(
    qtbot, qt_run, kiosk_ctx, kiosk_clock, night, tmp_path
):
    """It showed core's English place ('Stalls, row A, seat 1') and English dates ('Tue 8 Dec')."""
    from core.db import names as names_db
    from kiosk.ui.i18n import Languages

    async def name(conn) -> None:
        await names_db.put_section_names(conn, night.stage.concert.plan_id, {"Stalls": {"de": "Parkett"}})
        await names_db.put_category_names(conn, night.stage.id, {"Stalls": {"de": "Parkett vorne"}})

    qt_run(kiosk_ctx.db.write(name))
    languages = Languages()
    languages.switch("de")
    door = open_model(qt_run, kiosk_ctx, night, tmp_path)  # days before the night: no concert chosen
    try:
        screen = make_screen(qtbot, door)
        assert screen.chooser_caption.text() == "Nächster Konzertabend: Di., 8. Dez."
        items = [screen.chooser.itemText(i) for i in range(screen.chooser.count())]
        assert "Night Music · Di., 8. Dez., Einlass 19:00" in items, items
        qt_run(door.choose_concert(night.stage.id))
        assert screen.counter.text() == "Eingelassen für Di., 8. Dez.: 0"
        assert screen.concert_label.text() == "Night Music · Di., 8. Dez., Einlass 19:00"
        scan_by_keyboard(qtbot, screen, night.texts[0])
        qtbot.waitUntil(lambda: door.state.verdict is not None and not door.state.busy, timeout=10_000)
        assert screen.word.text() == "ZU FRÜH"
        assert screen.reason.text() == "Einlass am Di., 8. Dez. um 19:00. Den Gast bitten zu warten."
        shoot(screen, "de-too-early")

        kiosk_clock.advance(DOORS_OPEN)
        qt_run(door.tick())
        assert screen.counter.text() == "Heute eingelassen: 0"
        assert screen.chooser_caption.text() == "Konzert heute Abend"  # the night has come
        scan_by_keyboard(qtbot, screen, night.texts[0])
        qtbot.waitUntil(lambda: door.state.admitted == 1 and not door.state.busy, timeout=10_000)
        assert screen.place.text() == "Parkett, Reihe A, Platz 1 · Parkett vorne"
        assert screen.recent.item(0).text().endswith("\nParkett, Reihe A, Platz 1")
        assert screen.counter.text() == "Heute eingelassen: 1"
        shoot(screen, "de-admit")
        qtbot.mouseClick(screen.undo, Qt.MouseButton.LeftButton)
        assert "Parkett, Reihe A, Platz 1" in screen.undo_question.text()
        qtbot.mouseClick(screen.undo_yes, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: door.state.notice is not None, timeout=10_000)
        assert "Parkett, Reihe A, Platz 1" in screen.notice.text()
        assert "Stalls" not in screen.notice.text()
    finally:
        qt_run(door.aclose())
        languages.close()


def test_recent_scans_show_venue_time_before_and_after_a_concert_is_chosen(
    qtbot, qt_run, kiosk_ctx, kiosk_clock, night, tmp_path
):
    """Before a concert was chosen the recent scans' times were UTC, afterwards the venue's: an hour apart here."""
    from zoneinfo import ZoneInfo

    def venue_time() -> str:
        return kiosk_clock.now().astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M:%S")

    door = open_model(qt_run, kiosk_ctx, night, tmp_path)  # several concerts listed: none chosen
    try:
        screen = make_screen(qtbot, door)
        assert door.state.needs_concert
        scan_by_keyboard(qtbot, screen, night.texts[0])
        qtbot.waitUntil(lambda: screen.recent.count() == 1 and not door.state.busy, timeout=10_000)
        assert screen.recent.item(0).text() == f"{venue_time()}  CHOOSE CONCERT"
        kiosk_clock.advance(60)
        qt_run(door.choose_concert(night.stage.id))
        scan_by_keyboard(qtbot, screen, night.texts[0])
        qtbot.waitUntil(lambda: screen.recent.count() == 2 and not door.state.busy, timeout=10_000)
        assert screen.recent.item(0).text().startswith(f"{venue_time()}  ")
    finally:
        qt_run(door.aclose())


def test_the_door_starts_with_the_keyboard_on_the_chooser(qtbot, qt_run, kiosk_ctx, night, tmp_path):
    """As DoorApp starts it: a window shown and activated with "Starting…" in it, the screen put in its place once
    the door is enrolled. Nothing had the focus, so Down (staff choosing from the keyboard) went nowhere."""
    from PySide6.QtWidgets import QApplication, QLabel, QStackedWidget

    window = QStackedWidget()
    qtbot.addWidget(window)
    window.addWidget(QLabel("Starting…"))
    window.resize(1920, 1080)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    door = open_model(qt_run, kiosk_ctx, night, tmp_path)
    try:
        screen = DoorScreen(door)
        window.addWidget(screen)
        window.setCurrentWidget(screen)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.chooser, timeout=5000)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
        qtbot.waitUntil(lambda: door.state.concert is not None and not door.state.busy, timeout=10_000)
        assert door.state.concert.id == door.state.concerts[0].id
    finally:
        qt_run(door.aclose())
