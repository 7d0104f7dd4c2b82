"""The kiosk's main window: one screen per sale step, with the notice banner, status line and idle dialog."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QProgressBar,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.accessibility import SpeechGuide
from kiosk.ui.binding import bind
from kiosk.ui.hold_bar import HoldBar
from kiosk.ui.i18n import Languages
from kiosk.ui.idle_dialog import IdleDialog
from kiosk.ui.screen_pages import LazyScreens
from kiosk.ui.screens import Flow, Screen, ScreenDeps, build_screen
from kiosk.ui.theme import Theme, is_compact
from kiosk.ui.widgets import NoticeBanner, label
from kiosk.viewmodels.flow_state import FlowState, Step
from kiosk.viewmodels.speech import SilentSpeaker, Speaker, speech_available

_INPUT = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.KeyPress,
    QEvent.Type.Wheel,
}
_TAPS = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.TouchBegin,
    QEvent.Type.KeyPress,
    QEvent.Type.KeyRelease,
}


class FittedPage(QScrollArea):
    """A page whose screen always has exactly the visible area: it never scrolls, the screen fits itself."""

    def __init__(self) -> None:
        super().__init__()
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def _fit(self) -> None:
        if self.widget() is not None:
            self.widget().setGeometry(self.viewport().rect())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit()


class KioskSettings:
    """The buyer's screen settings (speech, contrast, text size): UI state, reset when a sale starts over."""

    def __init__(self, theme: Theme, guide: SpeechGuide) -> None:
        self.theme = theme
        self.guide = guide

    @property
    def speech_on(self) -> bool:
        return self.guide.on

    @property
    def speech_available(self) -> bool:
        return speech_available(self.guide.speaker)

    @property
    def high_contrast(self) -> bool:
        return self.theme.high_contrast

    @property
    def large_text(self) -> bool:
        return self.theme.large_text

    def set_speech(self, on: bool) -> None:
        self.guide.set_on(on)

    def set_high_contrast(self, on: bool) -> None:
        self.theme.set_high_contrast(on)

    def set_large_text(self, on: bool) -> None:
        self.theme.set_large_text(on)

    def reset(self) -> None:
        """The kiosk's defaults, for the next buyer: speech off, normal contrast, normal text."""
        self.guide.set_on(False)
        self.theme.set_high_contrast(False)
        self.theme.set_large_text(False)


class MainWindow(QWidget):
    """Renders SaleFlow snapshots whole; every tap or key anywhere tells the flow the buyer is still there."""

    def __init__(
        self,
        flow: Flow,
        *,
        speaker: Speaker | None = None,
        theme: Theme | None = None,
        languages: Languages | None = None,
        watch_input: bool = True,
    ) -> None:
        """``watch_input`` False: call watch_input() once the first frame is painted (kiosk.app's Welcome)."""
        super().__init__()
        self.setObjectName("kiosk_main")
        self.setWindowTitle("Encore")
        self.flow = flow
        self.theme = theme or Theme(self)
        self.languages = languages or Languages()
        self.guide = SpeechGuide(speaker or SilentSpeaker(), self)
        self.settings = KioskSettings(self.theme, self.guide)
        self.guide.toggled.connect(lambda _on: self._rerender())
        self.theme.changed.connect(self._rerender)
        self.theme.changed.connect(lambda *_: self._keep_notice_room())
        self.theme.changed.connect(self._fit_hold_bar)  # another text size, another width for the warning

        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self._build_header())
        self.progress = QProgressBar()
        self.progress.setObjectName("busy")
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress_space = QWidget()  # keeps the layout still when the bar comes and goes
        self.progress_space.setFixedHeight(8)
        box.addWidget(self.progress)
        box.addWidget(self.progress_space)
        self.hold_bar = HoldBar(lambda: self.flow.request_extend())
        self._side_margin = 64
        self._hold_row = QHBoxLayout()
        self._hold_row.setContentsMargins(self._side_margin, 0, self._side_margin, 0)
        self._hold_row.addWidget(self.hold_bar)
        box.addLayout(self._hold_row)
        self.stack = QStackedWidget()
        box.addWidget(self.stack, 1)
        self._deps = ScreenDeps(flow, self.settings, self.guide.speaker)
        # Screens are built when first shown (or by build_remaining_screens once the kiosk is up): the first
        # frame waits for Welcome alone, not for the seat map's or the payment screen's modules.
        self.pages: dict[Step, QScrollArea] = {}
        self.screens = LazyScreens(self._build_screen)
        self._orientation: tuple[bool, bool] | None = None
        """(portrait, compact) as the last resize found them."""
        self.idle = IdleDialog(self, lambda: self.flow.still_here())

        self._shown: FlowState | None = None
        self._spoken_for: tuple[object, ...] | None = None
        if watch_input:
            self.watch_input()
        QApplication.instance().focusChanged.connect(self._on_focus_changed)
        bind(flow.changed, self._on_flow_changed, self)
        self._on_flow_changed(flow.state)

    def watch_input(self) -> None:
        """Hear every tap and key in this window (eventFilter). The first events a Python filter on the whole
        application sees make PySide6 set up every QtWidgets class it has (~30 ms of CPU): after the first frame,
        not before it. Qt drops an event filter by itself when its object is destroyed."""
        QApplication.instance().installEventFilter(self)

    def _build_screen(self, step: Step) -> Screen:
        screen = build_screen(step, self._deps)
        if self._orientation is not None:  # the window was laid out already: the new screen follows it
            portrait, compact = self._orientation
            screen.set_portrait(portrait, compact=compact)
        # Each screen in its own scroll area: only a screen whose own content does not fit (large text on a
        # small display) scrolls. One area around the stack took the largest page's height for every page.
        self.pages[step] = self._page(screen)
        self.stack.addWidget(self.pages[step])
        return screen

    def build_remaining_screens(self) -> None:
        """Build the screens not shown yet, one per pass of the event loop (so a tap is never kept waiting for
        all of them): once the kiosk is up, the buyer's first tap on each screen finds it ready."""
        step = self.screens.next_unbuilt()
        if step is not None:
            self.screens[step]
            QTimer.singleShot(0, self, self.build_remaining_screens)

    @staticmethod
    def _page(screen: Screen) -> QScrollArea:
        page = FittedPage() if screen.fits_window else QScrollArea()
        page.setObjectName(f"page_{screen.step.value}")
        page.setWidgetResizable(not screen.fits_window)
        page.setFrameShape(QFrame.Shape.NoFrame)
        page.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        page.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        page.setWidget(screen)
        return page

    def current_screen(self) -> Screen | None:
        page = self.stack.currentWidget()
        return page.widget() if isinstance(page, QScrollArea) else None  # type: ignore[return-value]

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        """A keyboard user must see the control they are on: the area that scrolls around it brings it into view
        (the page, or a part of a screen that scrolls on its own, such as the seat screen's side panel)."""
        if new is None or not self.stack.isAncestorOf(new):
            return
        area = new.parentWidget()
        while area is not None and area is not self.stack:
            if isinstance(area, QScrollArea) and area.verticalScrollBar().maximum() > 0:
                area.ensureWidgetVisible(new, 24, 24)
                return
            area = area.parentWidget()

    def _build_header(self) -> QFrame:
        header = QFrame()
        header.setProperty("role", "header")
        header.setObjectName("header")
        row = QHBoxLayout(header)
        row.setContentsMargins(32, 6, 32, 6)  # the notice's own frame gives it room enough
        self.venue = label(role="body", wrap=False, name="venue_name")
        self.paused = label(role="paused", wrap=False, name="live_paused")
        self.paused.setProperty("role", "paused")
        self.demo = label(role="ribbon", wrap=False, name="demo_ribbon")
        self.demo.setProperty("role", "ribbon")
        # The notice takes the venue's place in the header, in room the header always keeps for two lines: a
        # notice that came and went above the screen pushed its buttons down (a second tap on "Simulate
        # approved" landed on "Simulate declined").
        self.banner = NoticeBanner()
        row.addWidget(self.venue, 1)
        row.addWidget(self.banner, 1)
        row.addWidget(self.paused, 0, Qt.AlignmentFlag.AlignVCenter)  # its own height in the taller header
        row.addSpacing(16)
        row.addWidget(self.demo, 0, Qt.AlignmentFlag.AlignVCenter)
        header.setMinimumHeight(64)
        self._header = header
        self._retranslate_header()
        return header

    def _keep_notice_room(self) -> None:
        """The header is as tall as a notice of two lines, with or without one, in every theme and orientation
        (a landscape header kept one: a notice that wrapped pushed the page down by a line, under the finger).
        A notice longer than that is set smaller to fit (NoticeBanner), so the header never grows."""
        margins = self._header.layout().contentsMargins()
        frame = self._header.contentsMargins()  # a theme's border around the header
        banner = self.banner.lines_height(self.banner.lines)
        self.banner.setMaximumHeight(banner)
        room = banner + margins.top() + margins.bottom() + frame.top() + frame.bottom()
        self._header.setFixedHeight(max(64, room))

    def _retranslate_header(self) -> None:
        self.paused.setText(self.tr("Live updates paused"))
        self.paused.setAccessibleName(self.tr("Live seat updates are paused; the kiosk keeps selling"))
        self.demo.setText(self.tr("DEMO · no real tickets"))

    # --- rendering ----------------------------------------------------------------------------------

    def _on_flow_changed(self, state: FlowState) -> None:
        if state.language != self.languages.current:
            self.languages.switch(state.language)  # LanguageChange re-renders every screen
            if hasattr(self.guide.speaker, "set_language"):
                self.guide.speaker.set_language(state.language)
        previous, self._shown = self._shown, state
        if previous is not None and state.buyer != previous.buyer:
            self.settings.reset()  # re-renders through theme.changed / guide.toggled
        self._render(state, previous)

    def _rerender(self) -> None:
        if self._shown is not None:
            self._render(self._shown, self._shown)

    def _render(self, state: FlowState, previous: FlowState | None) -> None:
        self.venue.setText(state.venue_name or "Encore")
        self.paused.setVisible(not state.live)
        self.demo.setVisible(state.demo)
        self.progress.setVisible(state.busy)
        self.progress_space.setVisible(not state.busy)
        self.banner.show_notice(state.notice)
        self.venue.setVisible(state.notice is None)
        self.hold_bar.show_state(state)
        self._space_hold_row()
        screen = self.screens[state.step]
        page = self.pages[state.step]
        new_screen = self.stack.currentWidget() is not page
        if new_screen:
            page.verticalScrollBar().setValue(0)
            self.stack.setCurrentWidget(page)
        screen.show_state(state)
        self.idle.show_seconds_left(state.idle_seconds_left, state.order.code if state.order else "")
        if new_screen and state.idle_seconds_left is None:
            with self.guide.quiet():
                self._focus_first(screen)
        self._speak(state, previous, new_screen)

    def _speak(self, state: FlowState, previous: FlowState | None, new_screen: bool) -> None:
        """The screen's summary on a new screen, a new notice, the countdown's warning, the idle question."""
        warning = bool(state.countdown and state.countdown.warning)
        key = (state.step, state.notice, warning, state.idle_seconds_left is not None)
        if key == self._spoken_for and not new_screen:
            return
        self._spoken_for = key
        parts = [str(state.notice.text)] if state.notice is not None else []
        if state.spoken is not None:
            parts.append(str(state.spoken))
        if parts:
            self.guide.screen_changed(" ".join(parts))

    def _focus_first(self, screen: Screen) -> None:
        first = screen.first_focus()
        if first is not None and first.isVisibleTo(screen) and first.isEnabled():
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        target = screen.nextInFocusChain()
        while target is not None and target is not screen:
            if (
                screen.isAncestorOf(target)
                and target.isVisibleTo(screen)
                and target.isEnabled()
                and (target.focusPolicy() & Qt.FocusPolicy.TabFocus)
            ):
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                return
            target = target.nextInFocusChain()

    def resizeEvent(self, event: QResizeEvent) -> None:
        compact = is_compact(event.size().width(), event.size().height())
        self.theme.set_compact(compact)
        portrait = event.size().height() > event.size().width()
        self._side_margin = 40 if portrait else 64  # the screens' own side margins
        self._space_hold_row()
        # Portrait, or a landscape bar too narrow for the warning beside the clock: the warning under it.
        self.hold_bar.set_portrait(portrait)
        if not portrait:
            self.hold_bar.fit(event.size().width() - 2 * self._side_margin)
        self._keep_notice_room()
        self._orientation = (portrait, compact)
        for screen in self.screens.built():
            screen.set_portrait(portrait, compact=compact)
        super().resizeEvent(event)

    def _fit_hold_bar(self) -> None:
        if self.width() >= self.height():
            self.hold_bar.fit(self.width() - 2 * self._side_margin)

    def _space_hold_row(self) -> None:
        # Its gap above only with the bar: an empty row kept 12 px that a small display's seat map needs.
        top = 12 if self.hold_bar.isVisibleTo(self) else 0
        self._hold_row.setContentsMargins(self._side_margin, top, self._side_margin, 0)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate_header()
        super().changeEvent(event)

    # --- input -----------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in _TAPS and kind not in _INPUT:
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self:
            return False
        if kind in _INPUT:
            self.flow.touch()  # cheap and idempotent: a press offered to each parent in turn is fine
        state = self._shown
        # While a command runs, taps on the screen are swallowed: a second "Pay" never starts a second payment.
        if state is not None and state.busy and kind in _TAPS and self.stack.isAncestorOf(watched):
            return kind != QEvent.Type.KeyPress or event.key() != Qt.Key.Key_F1
        return False
