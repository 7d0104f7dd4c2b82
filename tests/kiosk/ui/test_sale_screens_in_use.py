"""The sale screens as buyers met them at a real venue (issue 10, "The sale"): the real SaleFlow on the demo
database behind the real main window, driven by taps and keys."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from core.client.local import LocalClient
from core.domain.clock import ManualClock
from core.domain.devices import DeviceKind
from core.domain.places import PlaceState
from core.services import devices
from core.services.context import ServiceContext
from kiosk.devices.print_folder import FolderPrinter
from kiosk.ui.lockdown import Lockdown
from kiosk.ui.main_window import MainWindow
from kiosk.ui.speech import QtSpeaker
from kiosk.viewmodels.flow_state import Step
from kiosk.viewmodels.printing import TicketPrinting
from kiosk.viewmodels.sale_flow import WARN_SECONDS, SaleFlow
from kiosk.viewmodels.speech import RecordingSpeaker
from tests.builders import ROOT
from tests.kiosk import screenshots
from tests.kiosk.conftest import ManualMonotonic
from tests.kiosk.ui.test_screens import LANDSCAPE, PORTRAIT, find, make_window, on_screen

IDLE_S = 60.0


@pytest.fixture
def idle_time() -> ManualMonotonic:
    return ManualMonotonic()


def _flow(ctx: ServiceContext, folder: Path, idle_time: ManualMonotonic) -> SaleFlow:
    return SaleFlow(
        LocalClient.over(ctx),
        printing=TicketPrinting(FolderPrinter(folder)),
        settings=ctx.settings,
        idle_timeout_s=IDLE_S,
        idle_warning_s=20,
        monotonic=idle_time,
        poll_s=0.05,
    )


@pytest.fixture
def flow_at_welcome(
    kiosk_ctx: ServiceContext, qt_run: Any, qtbot: Any, tmp_path: Path, idle_time: ManualMonotonic
) -> Iterator[SaleFlow]:
    """The real SaleFlow, approved, on Welcome; its idle timer runs on `idle_time`, its holds on the ctx clock."""
    kiosk_ctx.settings = replace(
        kiosk_ctx.settings, device_key_ref=f"file:{tmp_path / 'kiosk.key'}", demo_mode=True
    )
    (tmp_path / "printed").mkdir()
    flow = _flow(kiosk_ctx, tmp_path / "printed", idle_time)
    flow.request_start()
    qtbot.waitUntil(lambda: flow.state.step is Step.ENROLMENT, timeout=10_000)
    enrolment = qt_run(devices.enrol_this_device(kiosk_ctx, kind=DeviceKind.KIOSK, name="Kiosk"))
    qt_run(devices.approve_device(kiosk_ctx, ROOT, enrolment.device.id))
    qtbot.waitUntil(lambda: flow.state.step is Step.WELCOME and bool(flow.state.venue_name), timeout=10_000)
    yield flow
    qt_run(flow.aclose())


def _idle(flow: SaleFlow) -> bool:
    return not flow.state.busy


def _to_seats(qtbot: Any, window: MainWindow, flow: SaleFlow) -> None:
    qtbot.mouseClick(find(window, "buy_tickets"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: on_screen(window, Step.CONCERTS) and _idle(flow))
    concert = flow.state.concerts[0].concert
    qtbot.mouseClick(find(window, f"concert_card_{concert.id}"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: on_screen(window, Step.SEATS) and _idle(flow), timeout=10_000)


def _hold_seats(qtbot: Any, window: MainWindow, flow: SaleFlow, n: int = 1) -> None:
    """Seats whose price category is named like their section ("Stalls"), as most seats of the demo are."""
    model = flow.seat_map
    category = {c.id: c.name for c in model.seat_map.categories}
    free = [
        p
        for p in model.seats
        if p.row
        and model.state_of(p.id) is PlaceState.FREE
        and category[p.category_id] == model.section_names[p.section_id]
    ]
    for place in free[:n]:
        model.toggle(place.id)
    qtbot.mouseClick(find(window, "continue"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: on_screen(window, Step.REVIEW) and _idle(flow), timeout=10_000)


def _hold_standing(qtbot: Any, window: MainWindow, flow: SaleFlow, n: int) -> None:
    section = next(s for s in flow.seat_map.seat_map.sections if s.kind.value == "standing")
    for _ in range(n - 1):
        qtbot.mouseClick(find(window, f"standing_{section.id}_plus"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(find(window, f"standing_{section.id}_choose"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: on_screen(window, Step.REVIEW) and _idle(flow), timeout=10_000)


def _to_payment(qtbot: Any, window: MainWindow, flow: SaleFlow) -> None:
    qtbot.mouseClick(find(window, "pay"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: on_screen(window, Step.PAYMENT) and _idle(flow))


def _visible_texts(window: QWidget) -> list[str]:
    return [w.text() for w in window.findChildren(QLabel) if w.isVisible() and w.text()]


def test_the_countdown_and_more_time_are_on_every_screen_with_places_held(
    qtbot, flow_at_welcome, kiosk_clock: ManualClock
):
    flow = flow_at_welcome
    window = make_window(qtbot, flow)
    _to_seats(qtbot, window, flow)
    assert not window.findChild(QWidget, "countdown").isVisible()  # nothing held yet
    _hold_seats(qtbot, window, flow)
    assert find(window, "countdown_clock").isVisible()
    qtbot.mouseClick(find(window, "email"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: on_screen(window, Step.EMAIL))
    assert find(window, "countdown_clock").isVisible()
    qtbot.mouseClick(find(window, "email_back"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: on_screen(window, Step.REVIEW) and _idle(flow))
    _to_payment(qtbot, window, flow)
    clock = find(window, "countdown_clock")
    assert clock.isVisible()
    extend = window.findChild(QWidget, "extend")
    assert not extend.isVisible()
    top_before = find(window, "demo_approve").mapTo(window, QPoint(0, 0))

    hold = flow.state.hold
    kiosk_clock.advance(
        (hold.expires_at - kiosk_clock.now() - timedelta(seconds=WARN_SECONDS - 10)).total_seconds()
    )
    bar = window.hold_bar
    qtbot.waitUntil(lambda: bar.warning.isVisible())
    assert extend.isVisible()
    assert find(window, "demo_approve").mapTo(window, QPoint(0, 0)) == top_before  # the warning moved nothing
    qtbot.mouseClick(extend, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: flow.state.hold is not None and flow.state.hold.extensions_used == 1 and _idle(flow)
    )
    assert on_screen(window, Step.PAYMENT)
    assert not bar.warning.isVisible()


def test_nobody_is_timed_out_of_the_payment_screen_while_paying_at_the_counter(
    qtbot, flow_at_welcome, kiosk_clock: ManualClock, idle_time: ManualMonotonic
):
    flow = flow_at_welcome
    window = make_window(qtbot, flow)
    _to_seats(qtbot, window, flow)
    _hold_seats(qtbot, window, flow)
    _to_payment(qtbot, window, flow)
    idle_time.now += 3 * IDLE_S  # the buyer is at the counter, paying, for three idle timeouts
    left = flow.state.countdown.seconds_left
    kiosk_clock.advance(5)  # a tick has run once the countdown shows it
    qtbot.waitUntil(lambda: flow.state.countdown is not None and flow.state.countdown.seconds_left < left)
    assert flow.state.idle_seconds_left is None
    assert not window.findChild(QWidget, "idle_dialog").isVisible()
    assert on_screen(window, Step.PAYMENT)
    assert flow.state.hold is not None


def _until_review_lines(qtbot: Any, window: MainWindow, expected: list[str]) -> None:
    """The review's place lines as shown. Rows added to a screen already on show appear one turn of the event
    loop later (Qt shows a new child of a visible widget by a queued call): wait for them, do not sample."""

    def shown() -> list[str]:
        return [w.text() for w in window.findChildren(QLabel, "review_line_text") if w.isVisible()]

    try:
        qtbot.waitUntil(lambda: shown() == expected, timeout=5_000)
    except Exception:
        assert shown() == expected  # says what was shown instead
        raise


def test_the_review_names_the_concert_night_and_each_place_once(qtbot, flow_at_welcome):
    flow = flow_at_welcome
    window = make_window(qtbot, flow)
    _to_seats(qtbot, window, flow)
    _hold_seats(qtbot, window, flow)
    summary = flow.state.concert
    when = find(window, "review_when").text()
    assert summary.venue_name in when
    assert "2026" in when
    assert ":" in when
    place = flow.state.hold.places[0]
    _until_review_lines(qtbot, window, [place.label])  # 'Stalls, row B, seat 1', not '… seat 1 · Stalls'

    qtbot.mouseClick(find(window, "cancel"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: on_screen(window, Step.SEATS) and _idle(flow), timeout=10_000)
    _hold_standing(qtbot, window, flow, 3)
    _until_review_lines(qtbot, window, [f"3 × {flow.state.hold.places[0].label}"])
    assert flow.state.hold.places[0].label.startswith("Floor")


def test_a_notice_moves_nothing_under_the_finger(qtbot, flow_at_welcome):
    flow = flow_at_welcome
    window = make_window(qtbot, flow)
    _to_seats(qtbot, window, flow)
    _hold_seats(qtbot, window, flow)
    _to_payment(qtbot, window, flow)
    approve, decline = find(window, "demo_approve"), find(window, "demo_decline")
    before = (approve.mapTo(window, QPoint(0, 0)), decline.mapTo(window, QPoint(0, 0)))
    qtbot.mouseClick(decline, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: flow.state.notice is not None and _idle(flow))
    QApplication.processEvents()
    assert find(window, "notice_text").text().startswith("Please note: The payment was declined")
    assert (approve.mapTo(window, QPoint(0, 0)), decline.mapTo(window, QPoint(0, 0))) == before


def test_the_e_mail_is_typed_on_the_kiosk_keyboard_and_its_error_sits_by_the_field(qtbot, flow_at_welcome):
    flow = flow_at_welcome
    window = make_window(qtbot, flow)
    _to_seats(qtbot, window, flow)
    _hold_seats(qtbot, window, flow)
    qtbot.mouseClick(find(window, "email"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: on_screen(window, Step.EMAIL))
    field = find(window, "email_field")
    assert QApplication.focusWidget() is field

    def tap(*names: str) -> None:
        for name in names:
            qtbot.mouseClick(find(window, name), Qt.MouseButton.LeftButton)

    tap("osk_a", "osk_n", "osk_a", "osk_at")
    assert field.text() == "ana@"
    assert QApplication.focusWidget() is field  # the keys leave the caret in the field
    keyboard_top = find(window, "osk_q").mapTo(window, QPoint(0, 0))
    tap("email_done")
    error = find(window, "email_error")
    qtbot.waitUntil(lambda: bool(error.text()))
    assert "does not look right" in error.text()
    assert on_screen(window, Step.EMAIL)
    # By the field: right under it, in the same card; and the keyboard did not move for it.
    field_bottom = field.mapTo(window, QPoint(0, field.height())).y()
    assert 0 <= error.mapTo(window, QPoint(0, 0)).y() - field_bottom <= 40
    assert error.parentWidget() is field.parentWidget()
    assert find(window, "osk_q").mapTo(window, QPoint(0, 0)) == keyboard_top
    assert flow.state.notice is None  # not a banner at the top of the screen

    tap("osk_backspace")
    qtbot.waitUntil(lambda: not error.text())
    assert flow.state.email_error is None
    tap("osk_at", "osk_e", "osk_x", "osk_dot_com")
    assert field.text() == "ana@ex.com"
    tap("email_done")
    qtbot.waitUntil(lambda: on_screen(window, Step.REVIEW) and _idle(flow))
    assert flow.state.email == "ana@ex.com"
    assert find(window, "review_email").text() == "ana@ex.com"


@pytest.mark.allow_log  # "no speech engine works here", where none does
def test_without_a_working_speech_engine_the_switch_says_so(qtbot, stand_in):
    speaker = QtSpeaker()  # whatever engine this machine has (here: none that speaks)
    if speaker.available:
        speaker = RecordingSpeaker(
            enabled=False, available=False
        )  # a machine with real speech: say it has none
    window = make_window(qtbot, stand_in, speaker=speaker)
    toggle = find(window, "speech_toggle")
    assert toggle.text() == "Speech: not available"
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert toggle.text() == "Speech: not available"
    assert "Speech: on" not in [*_visible_texts(window), toggle.text()]


def test_a_working_speech_engine_keeps_the_on_off_switch(qtbot, stand_in):
    window = make_window(qtbot, stand_in, speaker=RecordingSpeaker(enabled=False))
    toggle = find(window, "speech_toggle")
    assert toggle.text() == "Speech: off"
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert toggle.text() == "Speech: on"


@pytest.mark.parametrize("size", [LANDSCAPE, PORTRAIT])
@pytest.mark.parametrize("large_text", [False, True])
def test_the_staff_pin_pad_rows_neither_overlap_nor_clip_also_after_an_error(
    qtbot, stand_in, size, large_text
):
    window = make_window(qtbot, stand_in, size)
    window.settings.set_large_text(large_text)
    lock = Lockdown(window)
    pads = []
    stand_in.show(screenshots.states()["payment-attended"])
    pads.append(window.screens[Step.PAYMENT].pin_pad)
    lock.refuse()  # the staff exit, opened with its error line
    pads.append(lock.exit_panel.pin_pad)
    for _ in range(3):
        QApplication.processEvents()
    for pad in pads:
        keys = [[pad.keys[d] for d in row] for row in ("123", "456", "789")]
        keys.append([pad.clear_key, pad.keys["0"], pad.ok_key])
        rows = [[k.geometry() for k in row] for row in keys]
        for row, widgets in zip(rows, keys, strict=True):
            for rect, key in zip(row, widgets, strict=True):
                assert rect.height() >= key.sizeHint().height(), (
                    f"{key.objectName()} squeezed to {rect.height()}"
                )
                assert pad.rect().contains(rect), f"{key.objectName()} cut off"
        for upper, lower in itertools.pairwise(rows):
            assert max(r.bottom() for r in upper) < min(r.top() for r in lower), "rows drawn over each other"
        # The pad is whole inside its card, and the card inside the window.
        bottom = pad.mapTo(window, QPoint(0, pad.height())).y()
        assert bottom <= window.height()
    card = lock.exit_panel.pin_pad.parentWidget()
    assert card.mapTo(window, QPoint(0, card.height())).y() <= window.height()
    exit_pad = lock.exit_panel.pin_pad
    pad_bottom = exit_pad.mapTo(window, QPoint(0, exit_pad.height())).y()
    assert (
        lock.exit_panel.cancel.mapTo(window, QPoint(0, 0)).y() >= pad_bottom
    )  # Cancel is below, not over it


@pytest.fixture
def stand_in(qtbot: Any) -> screenshots.StandInFlow:
    return screenshots.StandInFlow(screenshots.states()["welcome"], None)


def test_the_next_buyer_starts_from_the_kiosk_defaults(qtbot, flow_at_welcome, idle_time: ManualMonotonic):
    flow = flow_at_welcome
    speaker = RecordingSpeaker(enabled=False)
    window = make_window(qtbot, flow, speaker=speaker)
    for name in ("language_de", "speech_toggle", "high_contrast_toggle", "large_text_toggle"):
        qtbot.mouseClick(find(window, name), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: find(window, "buy_tickets").text() == "Tickets kaufen")
    assert (speaker.enabled, window.theme.high_contrast, window.theme.large_text) == (True, True, True)
    _to_seats(qtbot, window, flow)

    idle_time.now += IDLE_S + 1  # the buyer walked away
    qtbot.waitUntil(lambda: on_screen(window, Step.WELCOME) and _idle(flow), timeout=10_000)
    qtbot.waitUntil(lambda: find(window, "buy_tickets").text() == "Buy tickets")
    assert flow.state.language == "en"
    assert (speaker.enabled, window.theme.high_contrast, window.theme.large_text) == (False, False, False)
    assert find(window, "speech_toggle").text() == "Speech: off"
    assert find(window, "high_contrast_toggle").text() == "High contrast: off"
    assert find(window, "large_text_toggle").text() == "Large text: off"
    assert "started over" in find(window, "notice_text").text()

    idle_time.now += 30  # long enough to read; then Welcome is the next buyer's, without it
    qtbot.waitUntil(lambda: flow.state.notice is None)
    assert not window.findChild(QWidget, "notice").isVisible()


def test_a_failed_print_shows_the_order_code_says_safe_once_and_lets_nothing_go(
    qtbot, kiosk_ctx, qt_run, tmp_path, idle_time: ManualMonotonic
):
    kiosk_ctx.settings = replace(kiosk_ctx.settings, device_key_ref=f"file:{tmp_path / 'kiosk.key'}")
    jammed = tmp_path / "jammed"
    jammed.write_text("a file where the ticket folder should be: every print fails")
    flow = _flow(kiosk_ctx, jammed, idle_time)
    flow.request_start()
    qtbot.waitUntil(lambda: flow.state.step is Step.ENROLMENT, timeout=10_000)
    enrolment = qt_run(devices.enrol_this_device(kiosk_ctx, kind=DeviceKind.KIOSK, name="Kiosk"))
    qt_run(devices.approve_device(kiosk_ctx, ROOT, enrolment.device.id))
    qtbot.waitUntil(lambda: flow.state.step is Step.WELCOME, timeout=10_000)
    window = make_window(qtbot, flow)
    _to_seats(qtbot, window, flow)
    _hold_seats(qtbot, window, flow)
    _to_payment(qtbot, window, flow)
    qtbot.mouseClick(find(window, "demo_approve"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: find(window, "printing_title").text() == "The tickets did not print", timeout=20_000
    )
    code = flow.state.order.code
    assert code in find(window, "failed_order_code").text()  # what staff need to print them again
    texts = " ".join(_visible_texts(window))
    assert texts.lower().count("safe") == 1, texts

    idle_time.now += IDLE_S - 10  # nobody answers: "Are you still there?"
    qtbot.waitUntil(lambda: window.findChild(QWidget, "idle_dialog").isVisible())
    texts = " ".join(_visible_texts(window))
    assert "let go" not in texts  # the places are paid for
    assert code in texts
    qt_run(flow.aclose())


@pytest.mark.parametrize("theme", ["default", "high_contrast"])
def test_a_button_reached_by_tab_shows_only_the_kiosk_focus_ring_not_the_styles_blue_panel(
    qtbot, flow_at_welcome, theme
):
    """On a real X server, "Simulate declined" reached with Tab (and pressed with Return) showed a light-blue
    square inside it: the base style's keyboard focus rectangle, drawn under the sheet's own focus border."""
    flow = flow_at_welcome
    window = make_window(qtbot, flow)
    _to_seats(qtbot, window, flow)
    _hold_seats(qtbot, window, flow)
    _to_payment(qtbot, window, flow)
    window.theme.set_high_contrast(theme == "high_contrast")
    approve, decline = find(window, "demo_approve"), find(window, "demo_decline")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is approve)
    qtbot.keyClick(approve, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is decline
    qtbot.keyClick(decline, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: flow.state.notice is not None and _idle(flow))
    assert decline.hasFocus()
    assert not decline.isDown()
    image = decline.grab().toImage()
    # The padding left of the text, between the focus border (5 px) and the label: the button's own background.
    background = image.pixelColor(image.width() // 2, 8).name()
    middle = image.height() // 2
    padding = {image.pixelColor(x, middle).name() for x in range(8, 40)}
    assert padding == {background}, (
        f"the padding of the focused button shows {padding}, not only {background}"
    )


def test_choosing_standing_after_a_seat_says_first_that_the_seat_is_let_go(qtbot, flow_at_welcome):
    """ "Choose 2" standing with a seat chosen dropped the seat without a word (a hold is one kind of place): the
    first press says so under the buttons, moving nothing; a second press takes the standing places."""
    flow = flow_at_welcome
    window = make_window(qtbot, flow)
    _to_seats(qtbot, window, flow)
    section = next(s for s in flow.seat_map.seat_map.sections if s.kind.value == "standing")
    choose = find(window, f"standing_{section.id}_choose")
    seat = next(p for p in flow.seat_map.seats if p.row and flow.seat_map.state_of(p.id) is PlaceState.FREE)
    flow.seat_map.toggle(seat.id)
    places = {
        name: find(window, name).mapTo(window, QPoint(0, 0)) for name in ("continue", choose.objectName())
    }
    qtbot.mouseClick(find(window, f"standing_{section.id}_plus"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(choose, Qt.MouseButton.LeftButton)
    notice = find(window, "standing_note")
    assert notice.text() == (
        "Standing places are bought on their own: your chosen seats would be let go. "
        "Press Choose 2 again to take standing places, or Continue with your seats."
    )
    assert on_screen(window, Step.SEATS)
    assert flow.seat_map.state.selection == (seat.id,)
    assert {n: find(window, n).mapTo(window, QPoint(0, 0)) for n in places} == places  # nothing moved
    assert notice.mapTo(window, QPoint(0, 0)).y() > places[choose.objectName()].y()  # under the buttons
    qtbot.mouseClick(choose, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: on_screen(window, Step.REVIEW) and _idle(flow), timeout=10_000)
    assert [p.label for p in flow.state.hold.places] == [flow.state.hold.places[0].label] * 2
    assert flow.state.hold.places[0].label.startswith("Floor")
