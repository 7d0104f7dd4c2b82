"""Choosing places: the seat map beside one column with the choice, 'Continue', the legend, best available, standing."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from kiosk.ui.screens.base import Screen, ScreenDeps
from kiosk.ui.widgets import BigButton, QuantityPicker, Reflow, label
from kiosk.viewmodels.flow_state import FlowState, Step
from kiosk.viewmodels.words import money

SIDE_SHARE = 0.3
"""The side column's share of a landscape window: the map keeps at least 60 % of the width."""
LARGE_SIDE_SHARE = 0.38
"""With large text the column's words (Continue, the legend) need more room; the map still keeps most."""
SIDE_MIN = 580
"""The column's least width: on a small display (1280x800) a narrower one wrapped its captions and pushed the
standing picker below the fold, while the whole map, a plan taller than wide, left the map's width unused."""


def _seat_map_widget(model: Any, speaker: Any) -> QWidget:
    """The real seat map when it is installed; until then a plain placeholder says where it goes."""
    try:
        from kiosk.ui.seat_map_widget import SeatMapWidget
    except ImportError:
        placeholder = label("Seat map", "subtitle", name="seat_map_placeholder")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        placeholder.setProperty("role", "subtitle")
        return placeholder
    widget: QWidget = SeatMapWidget(model, speaker, own_panel=False)
    widget.setObjectName("seat_map")
    return widget


class StandingRow(QWidget):
    """One standing section: 'Floor · EUR 44.00 · 800 left', then a − n + picker and 'Choose n'."""

    def __init__(self, section_id: str, on_choose: Any, on_count: Any) -> None:
        super().__init__()
        self.section_id = section_id
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(6)
        self.name = label(role="body", name=f"standing_{section_id}_name")
        row = QHBoxLayout()
        row.setSpacing(12)
        self.picker = QuantityPicker(f"standing_{section_id}", on_count, compact=True)
        self.choose = BigButton(f"standing_{section_id}_choose", "compact")
        self.choose.clicked.connect(lambda: on_choose(section_id, self.picker.value))
        row.addWidget(self.picker)
        row.addWidget(self.choose, 1)
        box.addWidget(self.name)
        box.addLayout(row)


class SeatsScreen(Screen):
    step = Step.SEATS
    fits_window = (
        True  # Continue and the zoom bar never scroll away: the side panel's lower part scrolls instead
    )
    margins_y = (12, 16)  # the map needs the height

    def __init__(self, deps: ScreenDeps) -> None:
        super().__init__(deps)
        self.root.setContentsMargins(48, 12, 48, 16)
        self.root.setSpacing(14)
        head = QHBoxLayout()
        self.heading = label(role="title", name="seats_title")
        self.back = BigButton("back")
        self.back.clicked.connect(lambda: self.flow.request_back())
        head.addWidget(self.heading, 1)
        head.addWidget(self.back, 0, Qt.AlignmentFlag.AlignTop)
        self.root.addLayout(head)

        self.body = Reflow()
        self.body.setSpacing(24)
        self.root.addLayout(self.body, 1)
        self.map_holder = QVBoxLayout()
        self.side_holder = QVBoxLayout()
        self.body.addLayout(self.map_holder, 1)
        self.body.addLayout(self.side_holder, 0)
        self.map_widget: QWidget | None = None
        self.side: QWidget | None = None
        self._model: Any = None
        self._landscape_width = 560

        # Built once and moved into each seat map's panel: Continue beside 'Clear choice', the rest below the legend.
        self.proceed = BigButton("continue", "primary")
        self.proceed.clicked.connect(self._on_proceed)
        # Best available's pick, shown on the map: 'Change' releases it (it stands where 'Clear choice' was).
        self.change = BigButton("change_offer")
        self.change.clicked.connect(lambda: self.flow.request_change_offer())
        self._offered = False
        self.choices = QWidget()
        self.choices.setObjectName("seat_choices")
        box = QVBoxLayout(self.choices)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(8)
        best_row = QHBoxLayout()
        self.best_caption = label(role="caption")
        self.best_count = QuantityPicker("best_quantity", lambda _n: self._render_model(), compact=True)
        best_row.addWidget(self.best_caption, 1)
        best_row.addWidget(self.best_count)
        box.addLayout(best_row)
        self.best_grid = QGridLayout()
        self.best_grid.setSpacing(10)
        box.addLayout(self.best_grid)
        self.best_buttons: dict[str, BigButton] = {}
        self.standing_caption = label(role="caption")
        box.addWidget(self.standing_caption)
        self.standing_box = QVBoxLayout()
        self.standing_box.setSpacing(10)
        box.addLayout(self.standing_box)
        self.standing_note = label(role="caption", name="standing_note")
        self.standing_note.hide()
        box.addWidget(self.standing_note)
        box.addStretch(1)  # spare height goes below the controls, not between them
        self.standing_rows: dict[str, StandingRow] = {}
        self._standing_warned: tuple[str, tuple[Any, ...]] | None = None
        """The standing section and seat choice the buyer was told would be let go (a second press goes on)."""
        self.retranslate()

    def retranslate(self) -> None:
        self.back.set_text(self.tr("Back"), self.tr("Back to the concerts"))
        self._name_proceed()
        self.change.set_text(self.tr("Change"), self.tr("Release these seats and choose others"))
        self.best_caption.setText(self.tr("Or let us pick the best seats"))
        self.standing_caption.setText(self.tr("Standing"))

    # --- render ----------------------------------------------------------------------------------

    def render(self, state: FlowState) -> None:
        concert = state.concert
        self.heading.setText(
            self.tr("Choose your places: {title}").format(title=concert.concert.title)
            if concert
            else self.tr("Choose your places")
        )
        model = getattr(self.flow, "seat_map", None)
        if model is not self._model:
            self._attach(model)
        self._fit_side(self.width())  # a large-text switch re-renders without a resize
        offered = state.offered and state.step is Step.SEATS
        if offered != self._offered:
            self._offered = offered
            self._name_proceed()
            if offered:  # the best-seat button just pressed goes away: the buyer's next step is here
                self.proceed.setFocus(Qt.FocusReason.OtherFocusReason)
        self._render_model()

    def _name_proceed(self) -> None:
        if self._offered:
            self.proceed.set_text(self.tr("Accept"), self.tr("Accept these seats"))
        else:
            self.proceed.set_text(self.tr("Continue"), self.tr("Continue with the chosen seats"))

    def _on_proceed(self) -> None:
        if self._offered:
            self.flow.request_accept_offer()
        else:
            self.flow.request_hold_selection()

    def _attach(self, model: Any) -> None:
        if self._model is not None:
            self._model.changed.disconnect(self._on_seat_map_changed, missing_ok=True)
        # Rescue the screen's own controls before the old panel goes.
        for own in (self.proceed, self.change, self.choices):
            own.setParent(self)
            own.hide()
        for old in (self.map_widget, self.side):
            if old is not None:
                old.setParent(None)
                old.deleteLater()
        self.map_widget = self.side = None
        self._model = model
        if model is None:
            return
        model.changed.connect(self._on_seat_map_changed)
        self.destroyed.connect(
            lambda *_: model.changed.disconnect(self._on_seat_map_changed, missing_ok=True)
        )
        self.map_widget = _seat_map_widget(model, self.deps.speaker)
        self.map_holder.addWidget(self.map_widget, 1)
        self.map_widget.show()  # at once: a layout shows a new child only later, on the event loop
        panel = getattr(self.map_widget, "panel", None)
        if panel is not None:
            panel.actions.insertWidget(0, self.change)
            panel.actions.addWidget(self.proceed, 1)
            panel.extra.addWidget(self.choices)
            self.side = panel
            self.side_holder.addWidget(panel)
            panel.show()
            self.proceed.show()
            self.choices.show()
            self._size_side()
            # Map, then Continue: a keyboard buyer who chose seats is one Tab from going on.
            QWidget.setTabOrder(self.map_widget.view, self.proceed)  # type: ignore[attr-defined]
        self._build_sections(model)

    def first_focus(self) -> QWidget | None:
        """The map: arrow keys walk its seats at once (Back is one Shift+Tab away)."""
        return self.map_widget

    def _build_sections(self, model: Any) -> None:
        for w in [*self.best_buttons.values(), *self.standing_rows.values()]:
            w.setParent(None)
            w.deleteLater()
        self.best_buttons, self.standing_rows = {}, {}
        seated = [s for s in model.seat_map.sections if s.kind.value != "standing"]
        columns = 3 if all(len(s.name) <= 9 for s in seated) else 2
        for i, section in enumerate(seated):
            sid = str(section.id)
            button = BigButton(f"best_{sid}", "compact")
            button.clicked.connect(
                lambda _=False, s=section.id: self.flow.request_hold_best_available(s, self.best_count.value)
            )
            self.best_buttons[sid] = button
            self.best_grid.addWidget(button, *divmod(i, columns))
        for info in model.state.standing:
            row = StandingRow(str(info.section_id), self._choose_standing, lambda _n: self._render_model())
            row.section_key = info.section_id  # type: ignore[attr-defined]
            self.standing_rows[str(info.section_id)] = row
            self.standing_box.addWidget(row)

    def _choose_standing(self, section_id: str, quantity: int) -> None:
        row = self.standing_rows[section_id]
        model = self._model
        selection = tuple(model.state.selection) if model is not None else ()
        # A hold is one kind of place: standing lets chosen seats go. It did so without a word; now the first
        # press says so under the standing buttons (nothing above it moves) and a second press goes on.
        if selection and self._standing_warned != (section_id, selection):
            self._standing_warned = (section_id, selection)
            self.standing_note.setText(
                self.tr(
                    "Standing places are bought on their own: your chosen seats would be let go. "
                    "Press Choose {count} again to take standing places, or Continue with your seats."
                ).format(count=quantity)
            )
            self.standing_note.show()
            QTimer.singleShot(0, self._show_standing_note)  # once the layout has placed it
            return
        self._standing_warned = None
        self.flow.request_hold_standing(row.section_key, quantity)  # type: ignore[attr-defined]

    def _show_standing_note(self) -> None:
        """Large text: the note may fall below the side list's fold. The list scrolls just enough to show it;
        what comes under the finger then is the note (a label), never another control."""
        holder = self.standing_note.parentWidget()
        while holder is not None and not isinstance(holder, QScrollArea):
            holder = holder.parentWidget()
        if holder is not None and self.standing_note.isVisible():
            holder.ensureWidgetVisible(self.standing_note, 0, 0)

    def _on_seat_map_changed(self, _state: Any) -> None:
        self._render_model()

    def _render_model(self) -> None:
        model = self._model
        has_seats = bool(self.best_buttons)
        offered = self._offered
        for w in (self.best_caption, self.best_count, self.proceed):
            w.setVisible(has_seats)
        if self.side is not None:  # (without a panel the screen's own controls stay put away)
            self.change.setVisible(has_seats and offered)
            self.choices.setVisible(not offered)  # the offer is accepted or changed first
            self.side.choice.setVisible(has_seats)  # type: ignore[attr-defined]
            self.side.clear.setVisible(has_seats and not offered)  # type: ignore[attr-defined]
        self.standing_caption.setVisible(bool(self.standing_rows))
        if model is None:
            return
        s = model.state
        self.best_count.set_maximum(s.max_per_order)
        self.proceed.setEnabled(bool(s.selection))
        if self._standing_warned is not None and self._standing_warned[1] != tuple(s.selection):
            self._standing_warned = None  # the seats changed: the note no longer holds
        self.standing_note.setVisible(self._standing_warned is not None)
        n = self.best_count.value
        names = model.section_names  # in the buyer's language, as the legend and the map name them
        for section in model.seat_map.sections:
            button = self.best_buttons.get(str(section.id))
            if button is not None:
                name = names[section.id]
                button.set_text(name, self.tr("Best {count} in {section}").format(count=n, section=name))
        for info in s.standing:
            row = self.standing_rows.get(str(info.section_id))
            if row is None:
                continue
            row.name.setText(
                self.tr("{section} · {price} each · {left} left").format(
                    section=info.name, price=money(info.price), left=info.left
                )
            )
            row.picker.set_maximum(min(info.left, s.max_per_order))
            row.choose.set_text(
                self.tr("Choose {count}").format(count=row.picker.value),
                self.tr("Choose {count} standing places in {section}").format(
                    count=row.picker.value, section=info.name
                ),
            )
            row.choose.setEnabled(info.left > 0)

    def _size_side(self) -> None:
        if self.side is None:
            return
        if self._portrait:
            self.side.setMinimumWidth(0)
            self.side.setMaximumWidth(16777215)
            self.side.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        else:
            self.side.setFixedWidth(self._landscape_width)
            self.side.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.side.set_portrait(bool(self._portrait))  # type: ignore[attr-defined]

    def reflow(self, portrait: bool) -> None:
        self.body.set_portrait(portrait)
        self._size_side()

    def _fit_side(self, screen_width: int) -> None:
        large = bool(self.deps.settings is not None and self.deps.settings.large_text)
        share, widest = (LARGE_SIDE_SHARE, 760) if large else (SIDE_SHARE, 640)
        width = max(SIDE_MIN, min(widest, int(screen_width * share)))
        if width != self._landscape_width:
            self._landscape_width = width
            self._size_side()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._fit_side(event.size().width())
        super().resizeEvent(event)
