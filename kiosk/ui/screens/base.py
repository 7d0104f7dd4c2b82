"""What every kiosk screen shares: render a FlowState whole, re-translate on a language switch, reflow on resize."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.viewmodels.flow_state import FlowState, Step
from kiosk.viewmodels.speech import SilentSpeaker, Speaker

COMPACT_MARGIN_Y = 16


class Flow(Protocol):
    """The part of SaleFlow the screens use: its snapshot, and sync commands that start view-model tasks."""

    @property
    def state(self) -> FlowState: ...

    changed: Any
    seat_map: Any

    def __getattr__(self, name: str) -> Any: ...


class UiSettings(Protocol):
    """Accessibility settings that belong to the screen, not the sale (main_window provides them)."""

    speech_on: bool
    speech_available: bool
    high_contrast: bool
    large_text: bool

    def set_speech(self, on: bool) -> None: ...

    def set_high_contrast(self, on: bool) -> None: ...

    def set_large_text(self, on: bool) -> None: ...


@dataclass
class ScreenDeps:
    flow: Flow
    settings: UiSettings | None = None
    speaker: Speaker = SilentSpeaker()  # noqa: RUF009 - stateless default


class Screen(QWidget):
    """One step of the sale. Subclasses build widgets in __init__, set texts in retranslate(), and render()."""

    step: Step
    fits_window = False
    """True: the screen lays itself out within the window (its own parts scroll if need be); the page never does."""
    margins_y = (28, 28)
    """Room above and below the screen's content; on a small display (compact) at most COMPACT_MARGIN_Y."""

    def __init__(self, deps: ScreenDeps) -> None:
        super().__init__()
        self.deps = deps
        self.flow = deps.flow
        self.setObjectName(f"screen_{self.step.value}")
        self.last: FlowState | None = None
        self.root = QVBoxLayout(self)
        self.root.setContentsMargins(64, 28, 64, 28)
        self.root.setSpacing(20)
        self._portrait: bool | None = None
        self._compact = False

    def show_state(self, state: FlowState) -> None:
        self.last = state
        self.render(state)

    def render(self, state: FlowState) -> None:
        """Draw everything from `state`; called again with the same state it must give the same screen."""

    def retranslate(self) -> None:
        """Set every static text (buttons, headings) in the current language."""

    def first_focus(self) -> QWidget | None:
        """The control a new screen starts on (None: the first in the Tab order)."""
        return None

    def reflow(self, portrait: bool) -> None:
        """Arrange for a portrait (taller than wide) or a landscape screen."""

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            if self.last is not None:
                self.render(self.last)
        super().changeEvent(event)

    def set_portrait(self, portrait: bool, *, compact: bool = False) -> None:
        """The window's orientation (not the screen's own size: a hidden screen must be ready before it shows),
        and whether it is a small display (the theme's compact sizes: less room around the content too)."""
        if (portrait, compact) != (self._portrait, self._compact):
            turned = portrait != self._portrait
            self._portrait, self._compact = portrait, compact
            side = 40 if portrait else 64
            top, bottom = (min(m, COMPACT_MARGIN_Y) for m in self.margins_y) if compact else self.margins_y
            self.root.setContentsMargins(side, top, side, bottom)
            if turned:
                self.reflow(portrait)
