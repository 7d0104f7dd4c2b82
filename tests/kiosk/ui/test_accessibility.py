"""Spoken guidance: Tab reads the focused control, a new screen reads its summary, F1 switches speech."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTextToSpeech import QTextToSpeech
from PySide6.QtWidgets import QApplication

from kiosk.ui.speech import QtSpeaker, open_engine
from kiosk.viewmodels.flow_state import Step
from kiosk.viewmodels.speech import RecordingSpeaker
from tests.kiosk.ui.test_screens import on_screen
from tests.support.kiosk_windows import find, make_window


def test_tab_speaks_the_focused_controls_accessible_name(qtbot, stand_in):
    speaker = RecordingSpeaker(enabled=True)
    window = make_window(qtbot, stand_in, speaker=speaker)
    assert QApplication.focusWidget() is find(window, "buy_tickets")
    spoken = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        assert speaker.said[-1] == focused.accessibleName()
        spoken.append(speaker.said[-1])
    assert spoken == ["✓ English".removeprefix("✓ "), "Deutsch", "Español", "Speech: on"]


def test_enter_activates_the_focused_button(qtbot, stand_in):
    window = make_window(qtbot, stand_in)
    qtbot.keyClick(find(window, "buy_tickets"), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "request_begin" in stand_in.commands())
    qtbot.keyClick(find(window, "language_es"), Qt.Key.Key_Space)
    assert stand_in.calls[-1] == ("set_language", ("es",))


def test_f1_switches_speech_and_the_toggle_says_so(qtbot, stand_in):
    speaker = RecordingSpeaker(enabled=False)
    window = make_window(qtbot, stand_in, speaker=speaker)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F1)
    assert speaker.enabled
    assert speaker.said[-1].startswith("Speech on.")
    assert find(window, "speech_toggle").text() == "Speech: on"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F1)
    assert not speaker.enabled
    assert speaker.said[-1] == "Speech off."
    qtbot.mouseClick(find(window, "speech_toggle"), Qt.MouseButton.LeftButton)
    assert speaker.enabled


def test_a_new_screen_speaks_the_flows_summary_not_the_focus_move(qtbot, real_flow):
    speaker = RecordingSpeaker(enabled=True)
    window = make_window(qtbot, real_flow, speaker=speaker)
    qtbot.mouseClick(find(window, "buy_tickets"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: on_screen(window, Step.CONCERTS) and not real_flow.state.busy)
    summary = str(real_flow.state.spoken)
    assert summary.startswith("Concerts on sale: 4.")
    qtbot.waitUntil(lambda: summary in speaker.said)
    first_card = QApplication.focusWidget()
    assert first_card.accessibleName() not in speaker.said  # the app moved focus; the summary speaks instead
    qtbot.keyClick(first_card, Qt.Key.Key_Tab)
    assert speaker.said[-1] == QApplication.focusWidget().accessibleName()


def test_qt_speaker_speaks_through_a_real_qt_engine(qtbot):
    assert "mock" in QTextToSpeech.availableEngines()
    speaker = QtSpeaker("mock")
    assert speaker.engine_name == "mock"
    words: list[str] = []
    speaker.engine.sayingWord.connect(lambda word, _id, _start, _length: words.append(word))
    speaker.say("not while off")
    speaker.set_enabled(True)
    speaker.say("Buy tickets now")
    qtbot.waitUntil(lambda: words == ["Buy", "tickets", "now"], timeout=5000)
    assert speaker.said == ["Buy tickets now"]


@pytest.mark.allow_log  # whether a real engine works depends on the machine (speech-dispatcher installed?)
def test_an_engine_that_fails_to_load_falls_back_to_one_that_works(qtbot):
    name, tts = open_engine("speechd")  # listed by Qt here, but speech-dispatcher may be missing
    assert name in QTextToSpeech.availableEngines()
    assert tts.state() is not QTextToSpeech.State.Error
