"""The welcome screen: 'Buy tickets', the language, and the accessibility switches (speech, contrast, text size)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout

from kiosk.ui.screens.base import Screen, ScreenDeps
from kiosk.ui.widgets import BigButton, Reflow, label, panel
from kiosk.viewmodels.flow_state import FlowState, Step

# A language is named in itself: someone who cannot read the current one still finds their own.
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch", "es": "Español"}


class WelcomeScreen(Screen):
    step = Step.WELCOME

    def __init__(self, deps: ScreenDeps) -> None:
        super().__init__(deps)
        self.title = label(role="display", name="welcome_title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subtitle = label(role="subtitle")
        self.subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.buy = BigButton("buy_tickets", "primary")
        self.buy.setMinimumSize(520, 120)
        self.buy.clicked.connect(lambda: self.flow.request_begin())

        self.root.addStretch(2)
        self.root.addWidget(self.title)
        self.root.addWidget(self.subtitle)
        self.root.addSpacing(24)
        self.root.addWidget(self.buy, 0, Qt.AlignmentFlag.AlignHCenter)
        self.root.addStretch(2)

        frame, box = panel()
        self.language_caption = label(role="muted")
        box.addWidget(self.language_caption)
        row = QHBoxLayout()
        self.languages: dict[str, BigButton] = {}
        for code in LANGUAGE_NAMES:
            button = BigButton(f"language_{code}", "toggle")
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, c=code: self._choose_language(c))
            self.languages[code] = button
            row.addWidget(button)
        box.addLayout(row)
        self.access_caption = label(role="muted")
        box.addWidget(self.access_caption)
        access = self._access = Reflow()
        self.speech = BigButton("speech_toggle", "toggle")
        self.contrast = BigButton("high_contrast_toggle", "toggle")
        self.large = BigButton("large_text_toggle", "toggle")
        for button, toggle in (
            (self.speech, self._toggle_speech),
            (self.contrast, self._toggle_contrast),
            (self.large, self._toggle_large),
        ):
            button.setCheckable(True)
            button.clicked.connect(toggle)
            access.addWidget(button)
        box.addLayout(access)
        self.key_hint = label(role="muted")
        box.addWidget(self.key_hint)
        self.root.addWidget(frame)
        self._panel_box = box
        self.retranslate()

    def retranslate(self) -> None:
        self.subtitle.setText(self.tr("Tickets for tonight and the coming weeks"))
        self.buy.set_text(self.tr("Buy tickets"))
        self.language_caption.setText(self.tr("Language"))
        self.access_caption.setText(self.tr("Help with seeing and hearing"))
        self.key_hint.setText(self.tr("Tip: press F1 at any time to switch speech on or off."))
        self._show_settings()

    def render(self, state: FlowState) -> None:
        self.title.setText(
            self.tr("Welcome to {venue}").format(venue=state.venue_name)
            if state.venue_name
            else self.tr("Welcome")
        )
        for code, button in self.languages.items():
            chosen = code == state.language
            button.setChecked(chosen)
            button.set_text(("✓ " if chosen else "") + LANGUAGE_NAMES[code], LANGUAGE_NAMES[code])
        self._show_settings()

    def _show_settings(self) -> None:
        s = self.deps.settings
        speech, contrast, large = (s.speech_on, s.high_contrast, s.large_text) if s else (False, False, False)
        on, off = self.tr("on"), self.tr("off")
        # The state is written out ("on"/"off"), never shown by colour alone.
        for button, name, value in (
            (self.speech, self.tr("Speech"), speech),
            (self.contrast, self.tr("High contrast"), contrast),
            (self.large, self.tr("Large text"), large),
        ):
            button.setChecked(value)
            button.set_text(f"{name}: {on if value else off}")
        # No engine speaks here (no speech-dispatcher): say so, rather than "Speech: on" and silence.
        available = s.speech_available if s else True
        self.speech.setEnabled(available)
        self.key_hint.setVisible(available)  # "press F1 for speech" would promise what this kiosk cannot do
        if not available:
            self.speech.setChecked(False)
            self.speech.set_text(self.tr("Speech: not available"))
        self._fit_toggles()

    def _fit_toggles(self) -> None:
        """The help toggles one above the other on a portrait screen, and wherever they do not fit side by side
        (in German with large text on 1080x1920, three in a row were cut at both ends: "ße Schrift"). Always in
        portrait: stacked for German only, a tap on "Deutsch" moved the panel's buttons from under the finger."""
        toggles = (self.speech, self.contrast, self.large)
        need = sum(b.sizeHint().width() for b in toggles) + 2 * max(0, self._access.spacing())
        outer, inner = self.root.contentsMargins(), self._panel_box.contentsMargins()
        border = 8  # the panel's, both sides
        room = self.width() - outer.left() - outer.right() - inner.left() - inner.right() - border
        self._access.set_portrait(self.height() > self.width() or need > room)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_toggles()

    def _choose_language(self, code: str) -> None:
        self.flow.set_language(code)
        if self.last is not None:
            self.render(self.last)  # keep the toggles right until the flow's snapshot arrives

    def _toggle_speech(self) -> None:
        if self.deps.settings:
            self.deps.settings.set_speech(not self.deps.settings.speech_on)
        self._show_settings()

    def _toggle_contrast(self) -> None:
        if self.deps.settings:
            self.deps.settings.set_high_contrast(not self.deps.settings.high_contrast)
        self._show_settings()

    def _toggle_large(self) -> None:
        if self.deps.settings:
            self.deps.settings.set_large_text(not self.deps.settings.large_text)
        self._show_settings()
