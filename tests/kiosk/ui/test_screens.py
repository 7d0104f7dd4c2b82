"""The kiosk's sales screens: the real SaleFlow on the demo database, touch targets, reflow, busy, idle, PIN, themes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from core.domain.ids import PlaceId
from kiosk.ui.main_window import MainWindow
from kiosk.viewmodels.flow_state import Step
from kiosk.viewmodels.i18n import plain
from kiosk.viewmodels.speech import RecordingSpeaker
from tests.kiosk import screenshots
from tests.support.kiosk_windows import find, make_window, settle, unseen
from tests.support.screens import LANDSCAPE, PORTRAIT, SMALL, fill_screen


def on_screen(window: MainWindow, step: Step) -> bool:
    return window.current_screen() is window.screens[step]


def test_a_buyer_taps_from_welcome_to_the_seat_map_on_the_real_flow(qtbot, real_flow):
    window = make_window(qtbot, real_flow)
    assert on_screen(window, Step.WELCOME)
    assert find(window, "welcome_title").text() == f"Welcome to {real_flow.state.venue_name}"
    qtbot.mouseClick(find(window, "buy_tickets"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: on_screen(window, Step.CONCERTS) and not real_flow.state.busy)
    cards = window.screens[Step.CONCERTS].cards
    assert len(cards) == len(real_flow.state.concerts) == 4
    first = real_flow.state.concerts[0]
    card = find(window, f"concert_card_{first.concert.id}")
    assert first.concert.title in card.accessibleName()
    assert f"{first.available} left" in card.accessibleName()
    assert QApplication.focusWidget() is card  # a new screen starts on its first choice
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: on_screen(window, Step.SEATS) and not real_flow.state.busy)
    assert window.screens[Step.SEATS].map_widget is not None
    assert first.concert.title in find(window, "seats_title").text()


def test_every_visible_button_is_touch_sized_and_named_on_every_screen(qtbot, stand_in):
    window = make_window(qtbot, stand_in)
    checked = 0
    for size in (LANDSCAPE, PORTRAIT, SMALL):  # the small display's compact theme keeps the touch size too
        fill_screen(window, size)
        for name, state in screenshots.states().items():
            stand_in.show(state)
            QApplication.processEvents()
            buttons = [b for b in window.findChildren(QAbstractButton) if b.isVisible()]
            assert buttons or state.step in {
                Step.STARTING,
                Step.OUT_OF_SERVICE,
                Step.ENROLMENT,
                Step.PRINTING,
            }, name
            for b in buttons:
                where = f"{name} {size}: {b.objectName() or b.text()!r}"
                assert min(b.width(), b.height()) >= 48, f"{where} is {b.width()}x{b.height()}"
                assert b.accessibleName(), f"{where} has no accessible name"
                assert b.objectName(), f"{where} has no objectName"
                checked += 1
            # Reflow, not clip: the window keeps the screen's size on every screen.
            assert (window.width(), window.height()) == size, f"{name} grew the window to {window.size()}"
    assert checked > 100


def test_taps_while_busy_are_ignored(qtbot, stand_in):
    review = screenshots.states()["review"]
    window = make_window(qtbot, stand_in)
    stand_in.show(replace(review, busy=True))
    assert find(window, "busy").isVisible()
    qtbot.mouseClick(find(window, "pay"), Qt.MouseButton.LeftButton)
    qtbot.keyClick(find(window, "pay"), Qt.Key.Key_Return)
    assert "request_to_payment" not in stand_in.commands()
    stand_in.show(review)
    qtbot.mouseClick(find(window, "pay"), Qt.MouseButton.LeftButton)
    assert stand_in.commands()[-1] == "request_to_payment"


def test_more_time_is_offered_only_when_the_countdown_warns(qtbot, stand_in):
    states = screenshots.states()
    window = make_window(qtbot, stand_in)
    stand_in.show(states["review"])
    assert not window.hold_bar.extend.isVisible()
    assert find(window, "countdown_clock").text() == "9:42"
    stand_in.show(states["review-warning"])
    assert find(window, "countdown_warning").isVisible()
    qtbot.mouseClick(find(window, "extend"), Qt.MouseButton.LeftButton)
    assert stand_in.commands()[-1] == "request_extend"


def test_staff_pin_pad_and_demo_buttons_pay(qtbot, stand_in):
    states = screenshots.states()
    window = make_window(qtbot, stand_in)
    stand_in.show(states["payment-attended"])
    assert not find(window, "pin_ok").isEnabled()
    assert find(window, "pin_prompt").text() == "Staff number"
    for digit in "012":  # a leading zero is no digit of a staff number
        qtbot.mouseClick(find(window, f"pin_key_{digit}"), Qt.MouseButton.LeftButton)
    assert find(window, "pin_display").text() == "12", "the staff number is shown as typed"
    qtbot.mouseClick(find(window, "pin_ok"), Qt.MouseButton.LeftButton)
    assert find(window, "pin_prompt").text() == "PIN of staff number 12"
    assert not find(window, "pin_ok").isEnabled()
    for digit in "471105":
        qtbot.mouseClick(find(window, f"pin_key_{digit}"), Qt.MouseButton.LeftButton)
    assert find(window, "pin_display").text() == "●●●●●●"
    qtbot.mouseClick(find(window, "pin_clear"), Qt.MouseButton.LeftButton)  # clears the PIN only
    assert (find(window, "pin_display").text(), find(window, "pin_prompt").text()) == (
        "–",
        "PIN of staff number 12",
    )
    for digit in "471105":
        qtbot.mouseClick(find(window, f"pin_key_{digit}"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(find(window, "pin_ok"), Qt.MouseButton.LeftButton)
    assert stand_in.calls[-1] == ("request_pay_with_pin", (12, "471105"))
    assert find(window, "pin_display").text() == "–"
    assert find(window, "pin_prompt").text() == "Staff number", (
        "the next payment starts from the staff number"
    )
    qtbot.mouseClick(find(window, "pin_key_3"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(find(window, "pin_ok"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(
        find(window, "pin_clear"), Qt.MouseButton.LeftButton
    )  # on an empty PIN: back to the number
    assert find(window, "pin_prompt").text() == "Staff number"
    stand_in.show(states["payment-demo"])
    assert not [w for w in window.findChildren(QWidget, "pin_ok") if w.isVisible()]
    qtbot.mouseClick(find(window, "demo_decline"), Qt.MouseButton.LeftButton)
    assert stand_in.calls[-1] == ("request_pay_demo", (False,))


@pytest.mark.parametrize("keys", ["3", "3" + "999999"])
def test_the_pin_pads_next_and_ok_hand_focus_back_to_the_pad_never_to_cancel(qtbot, stand_in, keys):
    """Found on a real window: after a tap on Next (or on OK, the PIN refused) the disabled key passed the focus
    down the chain to Cancel, ringed in orange, where the next Enter would release the buyer's places."""
    states = screenshots.states()
    window = make_window(qtbot, stand_in)
    stand_in.show(states["review"])
    stand_in.show(states["payment-attended"])
    number, pin = keys[0], keys[1:]
    qtbot.mouseClick(find(window, f"pin_key_{number}"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(find(window, "pin_ok"), Qt.MouseButton.LeftButton)  # Next: on to the PIN
    for digit in pin:
        qtbot.mouseClick(find(window, f"pin_key_{digit}"), Qt.MouseButton.LeftButton)
    if pin:
        qtbot.mouseClick(find(window, "pin_ok"), Qt.MouseButton.LeftButton)
        assert stand_in.calls[-1] == ("request_pay_with_pin", (3, "999999"))
    assert not find(window, "pin_ok").isEnabled()
    assert QApplication.focusWidget() is not find(window, "cancel")
    assert QApplication.focusWidget() is find(window, "pin_key_1")


def test_payment_starts_on_its_own_action_never_on_cancel(qtbot, stand_in):
    # Enter on a focused Cancel would release the buyer's places: the first focus is the payment's action.
    states = screenshots.states()
    window = make_window(qtbot, stand_in)
    stand_in.show(states["review"])
    stand_in.show(states["payment-attended"])
    assert QApplication.focusWidget() is find(window, "pin_key_1")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: find(window, "pin_display").text() == "1")  # the first digit of a staff number
    stand_in.show(states["review"])
    stand_in.show(states["payment-demo"])
    assert QApplication.focusWidget() is find(window, "demo_approve")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: stand_in.calls[-1] == ("request_pay_demo", (True,)))
    assert "request_cancel" not in stand_in.commands()


@pytest.mark.parametrize("variant", ["payment-demo", "payment-attended"])
def test_payment_cards_share_a_top_aligned_row_and_cancel_stands_apart(qtbot, stand_in, variant):
    window = make_window(qtbot, stand_in)
    stand_in.show(screenshots.states()[variant])
    QApplication.processEvents()
    screen = window.screens[Step.PAYMENT]
    amount = find(window, "payment_amount").parentWidget()
    terminal = screen.attended if variant == "payment-attended" else screen.demo
    cancel = find(window, "cancel")

    def box(w: QWidget) -> tuple[int, int, int, int]:
        top_left = w.mapTo(screen, QPoint(0, 0))
        return top_left.x(), top_left.y(), w.width(), w.height()

    (ax, ay, _aw, ah), (tx, ty, _tw, th) = box(amount), box(terminal)
    assert (ay, ah) == (ty, th)  # the same top, the same height
    assert tx > ax  # side by side
    instructions = box(find(window, "payment_instructions"))
    assert ay + ah > box(cancel)[1] > instructions[1] + instructions[3]  # at the amount card's foot
    assert screen.height() - (ty + th) > 100  # the cards end with their content, not at the screen's foot
    fill_screen(window, PORTRAIT)
    QApplication.processEvents()
    (ax, ay, _aw, ah), (tx, ty, _tw, th) = box(amount), box(terminal)
    assert ax == tx  # stacked: the amount first, then the terminal
    assert ty >= ay + ah
    assert box(cancel)[1] > ty + th


def test_idle_dialog_asks_and_any_input_touches(qtbot, stand_in):
    states = screenshots.states()
    window = make_window(qtbot, stand_in)
    stand_in.show(states["idle"])
    dialog = find(window, "idle_dialog")
    assert find(window, "idle_seconds").text() == "17 s"
    assert QApplication.focusWidget() is find(window, "still_here")
    stand_in.calls.clear()
    qtbot.mouseClick(find(window, "still_here"), Qt.MouseButton.LeftButton)
    assert "still_here" in stand_in.commands()
    assert ("touch", ()) in stand_in.calls  # the application-wide filter saw the tap
    stand_in.show(replace(states["idle"], idle_seconds_left=None))
    assert not dialog.isVisible()


def test_the_status_line_shows_demo_paused_and_notices_in_words(qtbot, stand_in):
    states = screenshots.states()
    window = make_window(qtbot, stand_in)
    stand_in.show(states["concerts"])
    assert find(window, "demo_ribbon").text().startswith("DEMO")
    assert find(window, "live_paused").text() == "Live updates paused"
    stand_in.show(states["payment-demo"])
    assert find(window, "notice_text").text().startswith("Please note: The payment was declined")
    stand_in.show(replace(states["payment-demo"], notice=None, live=True, demo=False))
    for name in ("notice", "live_paused", "demo_ribbon"):
        assert not window.findChild(QWidget, name).isVisible()


def test_theme_switches_apply_high_contrast_and_large_text(qtbot, stand_in):
    window = make_window(qtbot, stand_in)
    buy = find(window, "buy_tickets")
    normal_px = buy.font().pixelSize()
    qtbot.mouseClick(find(window, "high_contrast_toggle"), Qt.MouseButton.LeftButton)
    assert window.theme.high_contrast
    assert "#ffff00" in window.styleSheet()
    assert find(window, "high_contrast_toggle").text() == "High contrast: on"
    assert buy.palette().color(buy.backgroundRole()).name() == "#ffff00"
    qtbot.mouseClick(find(window, "large_text_toggle"), Qt.MouseButton.LeftButton)
    assert buy.font().pixelSize() == round(normal_px * 1.4)
    qtbot.mouseClick(find(window, "high_contrast_toggle"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(find(window, "large_text_toggle"), Qt.MouseButton.LeftButton)
    assert not window.theme.high_contrast
    assert buy.font().pixelSize() == normal_px
    assert "#ffff00" not in window.styleSheet()


def test_lockdown_opens_the_staff_exit_only_after_five_corner_taps(qtbot, stand_in):
    from kiosk.ui.lockdown import Lockdown

    window = make_window(qtbot, stand_in)
    ticks = iter(float(i) * 0.2 for i in range(100))
    lock = Lockdown(window, monotonic=lambda: next(ticks))
    pins: list[tuple[int, str]] = []
    lock.unlock_requested.connect(lambda number, pin: pins.append((number, pin)))
    window.close()
    assert window.isVisible()  # closing is refused while locked
    header = window.findChild(QWidget, "header")
    for _ in range(4):
        qtbot.mouseClick(header, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    assert not lock.exit_panel.isVisible()
    qtbot.mouseClick(header, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    assert lock.exit_panel.isVisible()
    for entry in ("7", "246813"):
        for digit in entry:
            qtbot.mouseClick(lock.exit_panel.pin_pad.keys[digit], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(lock.exit_panel.pin_pad.ok_key, Qt.MouseButton.LeftButton)
    assert pins == [(7, "246813")]
    lock.refuse()
    assert lock.exit_panel.problem.text() == "That PIN is not right."
    lock.release()
    assert not window.isVisible()


def _page_scrolls(window: MainWindow) -> bool:
    settle()  # the page's layout settles, then its scroll bar range follows
    page = window.stack.currentWidget()
    return page.verticalScrollBar().maximum() > 0 or page.verticalScrollBar().isVisible()


def _check_fits(window: MainWindow, step: Step, seen: dict[str, list[Step]]) -> None:
    for size in (LANDSCAPE, PORTRAIT, SMALL):
        fill_screen(window, size)
        if _page_scrolls(window):
            seen.setdefault(f"{size}", []).append(step)
        if step is Step.SEATS:
            seat_map = find(window, "seat_map")
            if size == SMALL:  # the plan is taller than wide: its height is what counts in a short window
                assert seat_map.height() >= 0.75 * size[1], f"the map is {seat_map.height()} px high"
            elif size == LANDSCAPE:
                assert seat_map.width() >= 0.6 * size[0], f"the map is {seat_map.width()} px wide"
            else:
                assert seat_map.height() >= 0.5 * size[1], f"the map is {seat_map.height()} px high"


def test_no_page_of_the_real_flow_scrolls_in_landscape_or_portrait(qtbot, real_flow):
    window = make_window(qtbot, real_flow)
    scrolled: dict[str, list[Step]] = {}
    _check_fits(window, Step.WELCOME, scrolled)
    real_flow.request_begin()
    qtbot.waitUntil(lambda: on_screen(window, Step.CONCERTS) and not real_flow.state.busy)
    _check_fits(window, Step.CONCERTS, scrolled)
    real_flow.request_choose_concert(real_flow.state.concerts[0].concert.id)
    qtbot.waitUntil(lambda: on_screen(window, Step.SEATS) and not real_flow.state.busy)
    _check_fits(window, Step.SEATS, scrolled)
    model = real_flow.seat_map
    for place in [p.id for p in model.seats if model.state_of(p.id).value == "free"][:2]:
        model.toggle(place)
    _check_fits(window, Step.SEATS, scrolled)  # the choice line and an enabled Continue still fit
    real_flow.request_hold_selection()
    qtbot.waitUntil(lambda: on_screen(window, Step.REVIEW) and not real_flow.state.busy)
    _check_fits(window, Step.REVIEW, scrolled)
    real_flow.request_to_payment()
    qtbot.waitUntil(lambda: on_screen(window, Step.PAYMENT) and not real_flow.state.busy)
    _check_fits(window, Step.PAYMENT, scrolled)
    real_flow.request_pay_demo(True)
    qtbot.waitUntil(lambda: on_screen(window, Step.DONE), timeout=30_000)
    _check_fits(window, Step.DONE, scrolled)
    assert scrolled == {}


def test_on_a_small_display_only_the_side_list_scrolls_to_the_focused_control(qtbot, stand_in):
    window = make_window(qtbot, stand_in, (1366, 768))  # a small kiosk display: the side column cannot fit
    window.settings.set_large_text(True)
    stand_in.show(screenshots.states()["seats"])
    assert not _page_scrolls(window)  # the seat screen fits itself to the window
    more = find(window, "seat_panel_more")
    assert more.verticalScrollBar().maximum() > 0  # the proof that the side column does not fit at 1.4x
    more.verticalScrollBar().setValue(0)
    choose = find(window, "standing_2_choose")  # the last control of the side column
    assert unseen(choose)
    choose.setFocus(Qt.FocusReason.TabFocusReason)
    settle()
    assert more.verticalScrollBar().value() > 0
    # The focused control shows, and nothing else moved out of view for it.
    for name in ("standing_2_choose", "continue", "seats_title", "back", "zoom_in"):
        assert unseen(find(window, name)) == "", name


def _contrast(a: Any, b: Any) -> float:
    def luminance(c: Any) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("high_contrast", [False, True])
def test_a_disabled_button_reads_as_disabled_and_stays_legible(qtbot, stand_in, high_contrast):
    window = make_window(qtbot, stand_in)
    window.settings.set_high_contrast(high_contrast)
    stand_in.show(screenshots.states()["seats"])
    proceed = find(window, "continue")
    assert not proceed.isEnabled()
    background, label = _background_and_label(proceed)
    assert label >= 4.5, f"the label has {label:.1f}:1 on {background.name()}"
    stand_in.seat_map.toggle(PlaceId(42))
    assert proceed.isEnabled()
    live, _ = _background_and_label(proceed)
    assert live != background  # disabled never wears the live button's fill


def _background_and_label(button: QWidget) -> tuple[Any, float]:
    """The button's main colour (its fill) and the best contrast any pixel inside its frame has against it."""
    image = button.grab().toImage()
    inner = [
        image.pixelColor(x, y) for x in range(12, image.width() - 12) for y in range(12, image.height() - 12)
    ]
    counts: dict[str, int] = {}
    for c in inner:
        counts[c.name()] = counts.get(c.name(), 0) + 1
    background = max(inner, key=lambda c: counts[c.name()])
    return background, max(_contrast(background, c) for c in inner)


LONG_NOTICE = (
    "The payment was declined by the card terminal. Nothing was charged: try the card again, use another card, "
    "or ask a member of staff at the counter for help."
)


@pytest.mark.parametrize("size", [LANDSCAPE, SMALL, PORTRAIT], ids=["landscape", "small", "portrait"])
def test_a_notice_of_two_lines_moves_nothing_under_the_finger(qtbot, stand_in, size):
    # A landscape header kept room for one line: a notice that wrapped pushed the whole page down by one.
    window = make_window(qtbot, stand_in, size)
    quiet = replace(screenshots.states()["payment-demo"], notice=None)
    stand_in.show(quiet)
    settle()
    names = ("demo_approve", "demo_decline", "cancel", "countdown_clock")
    before = {name: find(window, name).mapTo(window, QPoint(0, 0)) for name in names}
    notice = screenshots.states()["payment-demo"].notice
    stand_in.show(replace(quiet, notice=replace(notice, text=plain(LONG_NOTICE))))
    settle()
    text = find(window, "notice_text")
    lines = text.height() // text.fontMetrics().lineSpacing()
    assert lines == 2, f"the notice took {lines} lines at {size}: a test of a two-line notice needs two"
    assert not unseen(text), unseen(text)
    after = {name: find(window, name).mapTo(window, QPoint(0, 0)) for name in names}
    assert after == before


@pytest.mark.parametrize("size", [LANDSCAPE, SMALL], ids=["landscape", "small"])
@pytest.mark.parametrize("large_text", [False, True], ids=["normal", "large_text"])
def test_the_countdown_warning_is_never_a_narrow_column(qtbot, stand_in, size, large_text):
    # Large text on a 1280 px window squeezed the warning between the clock and "More time": five lines, a
    # countdown strip of 200 px above a page that then scrolled.
    window = make_window(qtbot, stand_in, size)
    window.settings.set_large_text(large_text)
    stand_in.show(screenshots.states()["review-warning"])
    settle()
    warning, clock = find(window, "countdown_warning"), find(window, "countdown_clock")
    lines = warning.height() // warning.fontMetrics().lineSpacing()
    assert lines <= 2, f"the warning takes {lines} lines, {warning.width()} px wide"
    assert unseen(warning) == ""
    beside = warning.mapTo(window, QPoint(0, 0)).x() > clock.mapTo(window, QPoint(clock.width(), 0)).x()
    assert beside or not (size == LANDSCAPE and not large_text)  # where there is room, beside the clock


@pytest.mark.parametrize("size", [LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
def test_the_welcome_toggles_show_their_whole_text_in_german_with_large_text(qtbot, stand_in, size):
    """Found on a real 1080x1920 window: in German with large text the three help toggles, side by side, read
    "achausgabe: nicht verfüg", "er Kontrast" and "ße Schrift"."""
    window = make_window(qtbot, stand_in, size)
    window.languages.switch("de")
    window.settings.set_high_contrast(True)
    window.settings.set_large_text(True)
    stand_in.show(replace(screenshots.states()["welcome"], language="de"))
    settle()
    toggles = [find(window, n) for n in ("speech_toggle", "high_contrast_toggle", "large_text_toggle")]
    assert toggles[1].text() == "Hoher Kontrast: an"
    cut = [b.text() for b in toggles if b.width() < b.sizeHint().width()]
    assert cut == [], f"cut off: {cut}"
    assert [unseen(b) for b in toggles] == ["", "", ""]


def test_a_tap_on_a_language_does_not_move_the_welcome_buttons_on_a_portrait_screen(qtbot, real_flow):
    """Found on a real 1080x1920 window: the help toggles fitted side by side in English but not in German, so a
    tap on "Deutsch" stacked them and moved every button of the panel, "Deutsch" too, from under the finger."""
    no_engine = RecordingSpeaker(available=False)  # as without speech-dispatcher: the longest toggle text
    window = make_window(qtbot, real_flow, PORTRAIT, speaker=no_engine)
    names = ("language_de", "speech_toggle", "high_contrast_toggle", "large_text_toggle")
    settle()
    before = [find(window, n).mapTo(window, QPoint(0, 0)) for n in names]
    qtbot.mouseClick(find(window, "language_de"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: find(window, "speech_toggle").text().startswith("Sprachausgabe"))
    assert find(window, "speech_toggle").text() == "Sprachausgabe: nicht verfügbar"
    settle()
    assert [find(window, n).mapTo(window, QPoint(0, 0)) for n in names] == before


@pytest.mark.parametrize("size", [LANDSCAPE, PORTRAIT, SMALL], ids=["landscape", "portrait", "small"])
def test_the_enrolment_screen_shows_the_whole_key_fingerprint(qtbot, stand_in, size):
    """A manager compares all 64 hex digits before approving; the 1920x1080 screenshot showed the first line."""
    window = make_window(qtbot, stand_in, size)
    stand_in.show(screenshots.states()["starting"])
    settle()
    stand_in.show(screenshots.states()["enrolment"])
    settle()
    fingerprint = find(window, "fingerprint")
    assert fingerprint.text().count("\n") == 3
    assert fingerprint.height() >= fingerprint.sizeHint().height()
    assert unseen(fingerprint) == ""
