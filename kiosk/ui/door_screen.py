"""The door's full-screen scan station: the verdict word huge, why, the seat; online state, counter, recent scans."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QHideEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from core.domain.checkin import ScanResult
from core.domain.ids import ConcertId
from kiosk.devices.camera import CameraScanner
from kiosk.devices.scanner_hid import HidScanner
from kiosk.ui.binding import bind
from kiosk.ui.door_sounds import DoorSounds
from kiosk.ui.door_widgets import CALM_MAX_PX, WORD_MAX_PX, Chooser, FitLabel, label
from kiosk.viewmodels.door import ConcertChoice, DoorState, DoorViewModel, Tone, Verdict

# High contrast by default: read at arm's length in a dim foyer. (background, text)
_TONE_COLOURS = {
    Tone.ADMIT: ("#0b7a2c", "#ffffff"),
    Tone.REFUSE: ("#b00020", "#ffffff"),
    Tone.WARN: ("#ffb300", "#000000"),
    None: ("#161616", "#f2f2f2"),
}
_LIST_COLOURS = {Tone.ADMIT: "#6ee88a", Tone.REFUSE: "#ff7a7a", Tone.WARN: "#ffd24d"}
# The focused chooser's thicker border takes its width from the padding, never from the text (it was cut).
# On the screen's own content widget, not the screen: a theme applied to the screen itself (as the screenshots
# do) must not replace it.
_STYLE = """
QWidget#door_content { background: #000000; }
QLabel { color: #f2f2f2; font-size: 24px; }
QLabel#concert { font-size: 28px; font-weight: bold; }
QLabel#chooserCaption { font-size: 26px; font-weight: bold; color: #ffd54f; }
QLabel#counter { font-size: 30px; font-weight: bold; }
QLabel#status { font-size: 24px; font-weight: bold; padding: 6px 16px; border-radius: 8px; }
QLabel#offlineList { font-size: 26px; font-weight: bold; padding: 6px 16px; border-radius: 8px; }
QLabel#reason { font-size: 40px; }
QLabel#place { font-size: 52px; font-weight: bold; }
QLabel#note { font-size: 26px; }
QLabel#notice { font-size: 26px; }
QLabel#undoQuestion { font-size: 26px; font-weight: bold; color: #ffd54f; }
QLabel#recentTitle { font-size: 26px; font-weight: bold; }
QComboBox { font-size: 28px; font-weight: bold; color: #ffffff; background: #1c1c1c; min-height: 56px;
            border: 3px solid #ffffff; border-radius: 10px; padding: 4px 16px; }
QComboBox:focus { border: 5px solid #ffd54f; padding: 2px 14px; }
QComboBox::drop-down { subcontrol-origin: border; subcontrol-position: center right; width: 64px;
                       border: none; border-left: 3px solid #ffffff; }
QComboBox::down-arrow { image: none; width: 0px; height: 0px; }
QComboBox QAbstractItemView { font-size: 28px; background: #000000; color: #ffffff; border: 3px solid #ffffff;
                              selection-background-color: #ffd54f; selection-color: #000000; outline: 0; }
QComboBox QAbstractItemView::item { min-height: 64px; padding: 0 16px; }
QListWidget { font-size: 24px; background: #101010; color: #f2f2f2; border: 1px solid #444; }
QPushButton { font-size: 26px; font-weight: bold; min-height: 64px; padding: 0 28px;
              background: #2b2b2b; color: #ffffff; border: 2px solid #bbbbbb; border-radius: 10px; outline: none; }
QPushButton:focus { border: 4px solid #ffd54f; }
QPushButton:disabled { color: #777777; border-color: #555555; }
"""


DOOR_SCAN_GAP_MS = 150.0
"""The longest pause inside one scan (or before its Enter) the door still takes as the scanner's. Wider than
HidScanner's default (50 ms, for a screen where a person may type and must not be taken for a scanner): nothing
on this screen takes text, so a slow gap is never a person, and a loaded machine or a slow USB hub can stretch a
real scan past 50 ms."""


# Spelled out at each call so that lupdate files the texts under this context (a bare tr() had none).
translate = QCoreApplication.translate


class DoorScreen(QWidget):
    """Renders DoorState snapshots; scanner and camera texts, the concert chooser and undo go to the
    view-model. It installs its own HID scanner filter on the application for as long as it lives."""

    def __init__(
        self,
        view_model: DoorViewModel,
        parent: QWidget | None = None,
        *,
        camera: CameraScanner | None = None,
        scanner: HidScanner | None = None,
        sounds: DoorSounds | None = None,
    ) -> None:
        super().__init__(parent)
        self.view_model = view_model
        self.setObjectName("DoorScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(_STYLE)
        self.sounds = sounds or DoorSounds(self)
        # Nothing on this screen takes text: keys that are not a whole scan are a failed scan, never typing.
        self.scanner = scanner or HidScanner(self, max_gap_ms=DOOR_SCAN_GAP_MS, typing=False)
        self._owns_filter = scanner is None
        """Its own scanner filters the application's keys while the screen shows (showEvent/hideEvent)."""
        app = QApplication.instance()
        if self._owns_filter and app is not None:
            self.destroyed.connect(lambda *_: _remove_filter(app, self.scanner))
        self.scanner.scanned.connect(self._on_scanner_scanned)
        self.camera = camera
        if camera is not None:
            camera.decoded.connect(self._on_scanner_scanned)
        self._played_seq = 0
        self._concert_ids: list[ConcertId] = []
        self._build()
        bind(view_model.changed, self._on_door_changed, self)
        self.render_state(view_model.state)

    # --- building ---------------------------------------------------------------------------------

    def _build(self) -> None:
        self.content = content = QWidget()
        content.setObjectName("door_content")
        content.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        content.setStyleSheet(_STYLE)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(content)
        self.concert_label = label("concert")
        self.chooser = Chooser()
        self.chooser.setView(
            QListView()
        )  # a list view honours the style sheet's item height: finger-sized rows
        self.chooser.setAccessibleName(translate("DoorScreen", "Tonight's concert"))
        # The chooser shows tonight's concert itself, so the title line steps aside while it is there.
        self.chooser_caption = label("chooserCaption", translate("DoorScreen", "Tonight's concert"))
        self.chooser_caption.setBuddy(self.chooser)
        self.chooser_caption.setWordWrap(True)  # never the word that makes a portrait screen too wide
        self.chooser.setToolTip(translate("DoorScreen", "Choose the concert this door checks tickets for"))
        self.chooser.activated.connect(self._on_chooser_activated)
        self.status = label("status")
        self.status.setAccessibleName(translate("DoorScreen", "Connection"))
        self.status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.counter = label("counter")
        # Offline only: how old the list the door checks by is; a red band once it is too old to check by.
        self.offline_list = label("offlineList", wrap=True)
        self.offline_list.setAccessibleName(translate("DoorScreen", "Offline list"))
        self.activity = label("activity")
        self.concert_label.setWordWrap(True)
        self.chooser.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.chooser.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        # The caption above the chooser, as on a form: the top line stays narrow enough for a portrait display.
        concert_row = QVBoxLayout()
        concert_row.setSpacing(4)
        concert_row.addWidget(self.concert_label)
        concert_row.addWidget(self.chooser_caption)
        concert_row.addWidget(self.chooser, 0, Qt.AlignmentFlag.AlignLeft)
        state_row = QHBoxLayout()
        state_row.setSpacing(16)
        state_row.addStretch(1)  # right-aligned when it gets a line of its own (portrait)
        state_row.addWidget(self.status)
        state_row.addWidget(self.counter)
        # Landscape: one line. Portrait: the concert above, the connection and the count below it.
        self.head = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.head.setSpacing(16)
        self.head.addLayout(concert_row, 1)
        self.head.addLayout(state_row)

        self.panel = QFrame()
        self.panel.setObjectName("panel")
        self.panel.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.word = FitLabel("word")
        self.word.setAccessibleName(translate("DoorScreen", "Verdict"))
        self.reason = label("reason", center=True, wrap=True)
        self.place = label("place", center=True, wrap=True)
        self.note = label("note", center=True, wrap=True)
        inner = QVBoxLayout(self.panel)
        inner.setContentsMargins(32, 32, 32, 32)
        inner.addStretch(1)
        for part in (self.word, self.place, self.reason, self.note):
            inner.addWidget(part)
        inner.addStretch(1)

        self.recent_title = label("recentTitle", translate("DoorScreen", "Recent scans"))
        self.recent = QListWidget()
        self.recent.setAccessibleName(translate("DoorScreen", "Recent scans"))
        self.recent.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        side = QVBoxLayout()
        side.addWidget(self.recent_title)
        side.addWidget(self.recent, 1)
        self.side = QWidget()
        self.side.setLayout(side)

        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.body.addWidget(self.panel, 3)
        self.body.addWidget(self.side, 1)

        self.notice = label("notice", wrap=True)
        self.undo = _no_focus_button(translate("DoorScreen", "Undo last admit"))
        self.undo.setToolTip(translate("DoorScreen", "Take back this door's last admit (within 5 minutes)"))
        self.undo.clicked.connect(self._on_undo_clicked)
        # Undo asks first, in place (no dialog window for a locked-down full screen), with a guest inside.
        self.undo_question = label("undoQuestion", wrap=True)
        self.undo_yes = _no_focus_button(translate("DoorScreen", "Yes, undo"))
        self.undo_yes.clicked.connect(self._on_undo_yes_clicked)
        self.undo_no = _no_focus_button(translate("DoorScreen", "Keep the admit"))
        self.undo_no.clicked.connect(self._on_undo_no_clicked)
        self.undo_confirm = QWidget()
        confirm = QHBoxLayout(self.undo_confirm)
        confirm.setContentsMargins(0, 0, 0, 0)
        confirm.addWidget(self.undo_question, 1)
        confirm.addWidget(self.undo_yes)
        confirm.addWidget(self.undo_no)
        bottom = QHBoxLayout()
        bottom.addWidget(self.notice, 1)
        bottom.addWidget(self.undo_confirm, 1)
        bottom.addWidget(self.activity)
        bottom.addWidget(self.undo)

        root = QVBoxLayout(content)
        root.setContentsMargins(24, 16, 24, 16)
        root.setSpacing(16)
        root.addLayout(self.head)
        root.addWidget(self.offline_list)
        root.addLayout(self.body, 1)
        root.addLayout(bottom)

    # --- rendering --------------------------------------------------------------------------------

    def _on_door_changed(self, state: DoorState) -> None:
        self.render_state(state)

    def render_state(self, state: DoorState) -> None:
        """Redraw everything from one snapshot (idempotent); a sound only for a verdict not heard yet."""
        self._render_top(state)
        self._render_verdict(state)
        self._render_recent(state)
        self._offer_chooser_focus()
        self.notice.setText(str(state.notice) if state.notice else "")
        confirming = state.confirming_undo and state.last_admit is not None
        self.undo.setEnabled(state.last_admit is not None and not confirming)
        self.undo_confirm.setVisible(confirming)
        self.notice.setVisible(not confirming)
        if confirming:
            self.undo_question.setText(
                translate(
                    "DoorScreen", "Undo the admit of {place}? The ticket can then be scanned again."
                ).format(place=str(state.last_admit or "") or translate("DoorScreen", "the last ticket"))
            )
        verdict = state.verdict
        if verdict is not None and verdict.seq > self._played_seq:
            self._played_seq = verdict.seq
            self.sounds.play(verdict.tone)

    def _render_top(self, state: DoorState) -> None:
        concert = state.concert
        title = (
            f"{concert.title} · {concert.when}"
            if concert and concert.when
            else (concert.title if concert else "")
        )
        self.concert_label.setText(title or translate("DoorScreen", "No concert chosen"))
        self._render_chooser(
            state.concerts, state.choosing or (concert.id if concert else None), tonight=not state.next_night
        )
        caption = (
            translate("DoorScreen", "Next concert night: {date}").format(date=state.next_night)
            if state.next_night
            else translate("DoorScreen", "Tonight's concert")
        )
        self.chooser_caption.setText(caption)
        self.chooser.setAccessibleName(caption)
        if state.online:
            text, colours = translate("DoorScreen", "● Online"), ("#0b7a2c", "#ffffff")
        elif state.unsynced:
            # Qt's plural forms (%n): 1 scan, 2 scans; English's from kiosk_en.ts (plurals only). self.tr, not
            # translate(): lupdate files translate()'s n only when it is a literal (then never as a plural).
            text = self.tr("● OFFLINE · %n scans to sync", "", state.unsynced)
            colours = ("#ffb300", "#000000")
        else:
            text, colours = translate("DoorScreen", "● OFFLINE"), ("#ffb300", "#000000")
        self.status.setText(text)
        self.status.setStyleSheet(f"background: {colours[0]}; color: {colours[1]};")
        self.offline_list.setText(str(state.offline_list) if state.offline_list else "")
        self.offline_list.setVisible(state.offline_list is not None)
        band = ("#b00020", "#ffffff") if state.list_too_old else ("#000000", "#ffd24d")
        self.offline_list.setStyleSheet(f"background: {band[0]}; color: {band[1]};")
        # What the counter counts: the chosen concert's admits, named by its night when that is not tonight.
        if state.night is None:
            counted = translate("DoorScreen", "Admitted tonight")
            count = translate("DoorScreen", "Admitted tonight: {count}").format(count=state.admitted)
        else:
            counted = translate("DoorScreen", "Admitted for {date}").format(date=state.night)
            count = translate("DoorScreen", "Admitted for {date}: {count}").format(
                date=state.night, count=state.admitted
            )
        self.counter.setText(count)
        self.counter.setAccessibleName(counted)
        # Only a real queue is worth a word: one scan being checked is the normal case. Plural forms as above.
        self.activity.setText(self.tr("%n more scans waiting…", "", state.queued) if state.queued else "")

    def _render_chooser(
        self, concerts: tuple[ConcertChoice, ...], chosen: ConcertId | None, *, tonight: bool
    ) -> None:
        ids = [c.id for c in concerts]
        if ids != self._concert_ids:
            self.chooser.blockSignals(True)
            self.chooser.clear()
            for c in concerts:
                self.chooser.addItem(f"{c.title} · {c.when}", c.id)
            self.chooser.blockSignals(False)
            self._concert_ids = ids
        choosing = len(concerts) > 1 or (chosen is None and bool(concerts))
        self.chooser.setVisible(choosing)
        self.chooser_caption.setVisible(choosing)
        self.concert_label.setVisible(not choosing)
        index = ids.index(chosen) if chosen is not None and chosen in ids else -1
        self.chooser.setCurrentIndex(index)
        if index < 0:
            self.chooser.setPlaceholderText(
                translate("DoorScreen", "Choose tonight's concert")
                if tonight
                else translate("DoorScreen", "Choose the concert")
            )

    def _render_verdict(self, state: DoorState) -> None:
        verdict = state.verdict
        if verdict is not None:
            word, reason = str(verdict.word), str(verdict.reason)
            place = " · ".join(p for p in (str(verdict.place or ""), str(verdict.category or "")) if p)
            note = _offline_note(verdict)
            tone: Tone | None = verdict.tone
        elif state.concert is None:
            word, place, note, tone = translate("DoorScreen", "Choose concert"), "", "", None
            reason = (
                (
                    translate("DoorScreen", "Choose the concert at the top.")
                    if state.next_night
                    else translate("DoorScreen", "Choose tonight's concert at the top.")
                )
                if state.concerts
                else translate("DoorScreen", "No concert to check in. Call a manager.")
            )
        else:
            word, reason, place, note, tone = (
                translate("DoorScreen", "Ready"),
                translate("DoorScreen", "Scan a ticket"),
                "",
                "",
                None,
            )
        background, colour = _TONE_COLOURS[tone]
        self.panel.setStyleSheet(
            f"QFrame#panel {{ background: {background}; border-radius: 16px; }}"
            f" QLabel {{ color: {colour}; background: transparent; }}"
        )
        self.word.max_px = WORD_MAX_PX if tone is not None else CALM_MAX_PX
        self.word.setText(word)
        self.word.setAccessibleDescription(f"{word}. {place}. {reason}")
        self.reason.setText(reason)
        self.place.setText(place)
        self.place.setVisible(bool(place))
        self.note.setText(note)
        self.note.setVisible(bool(note))

    def _render_recent(self, state: DoorState) -> None:
        self.recent.clear()
        for scan in state.recent:
            place = str(scan.place or "")
            text = f"{scan.at}  {scan.word}" + (f"\n{place}" if place else "")
            item = QListWidgetItem(text)
            item.setForeground(QColor(_LIST_COLOURS[scan.tone]))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, text.replace("\n", ", "))
            self.recent.addItem(item)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        app = QApplication.instance()
        if self._owns_filter and app is not None:
            app.installEventFilter(self.scanner)
        self._offer_chooser_focus()

    def _offer_chooser_focus(self) -> None:
        """The chooser takes the keyboard while the window's focus is nowhere (app_common.show activates the
        window): as the door app swaps this screen in, nothing had it and Down (staff choosing) did nothing."""
        if self.isVisible() and self.chooser.isVisibleTo(self) and self.window().focusWidget() is None:
            self.chooser.setFocus(Qt.FocusReason.OtherFocusReason)

    def hideEvent(self, event: QHideEvent) -> None:
        # A hidden door screen takes no keys (they may be a person typing on another screen).
        app = QApplication.instance()
        if self._owns_filter and app is not None:
            self.scanner.flush()
            _remove_filter(app, self.scanner)
        super().hideEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        portrait = event.size().height() > event.size().width()
        direction = QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        self.body.setDirection(direction)
        self.head.setDirection(direction)
        self.body.setStretch(0, 3 if not portrait else 2)
        self.body.setStretch(1, 1)
        super().resizeEvent(event)
        for widget in (self, self.content):
            if (layout := widget.layout()) is not None:
                layout.activate()  # now, not on the loop: a grab right after a resize shows the new layout

    # --- intent -----------------------------------------------------------------------------------

    def _on_scanner_scanned(self, text: str) -> None:
        self.view_model.request_scan(text)

    def _on_chooser_activated(self, index: int) -> None:
        concert_id = self.chooser.itemData(index)
        if concert_id is not None:
            self.view_model.request_choose_concert(concert_id)

    def _on_undo_clicked(self) -> None:
        self.view_model.ask_undo()

    def _on_undo_yes_clicked(self) -> None:
        self.view_model.request_undo()

    def _on_undo_no_clicked(self) -> None:
        self.view_model.cancel_undo()


def _no_focus_button(text: str) -> QPushButton:
    """Never the focus target: a key meant for nobody (a scan gone wrong) must not press it."""
    button = QPushButton(text)
    button.setAccessibleName(text)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


def _remove_filter(app: QCoreApplication, scanner: HidScanner) -> None:
    import shiboken6

    if shiboken6.isValid(scanner):
        app.removeEventFilter(scanner)


def _offline_note(verdict: Verdict) -> str:
    if not verdict.offline:
        return ""
    if verdict.result is ScanResult.UNCHECKED:  # the list was too old: no signature was checked
        return translate("DoorScreen", "Offline — not checked")
    return translate("DoorScreen", "Checked offline by signature")
