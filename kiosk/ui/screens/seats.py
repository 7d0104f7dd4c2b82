"""Choosing places: the seat map (or best available by section), standing places by number, then 'Continue'."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from kiosk.ui.screens.base import Screen, ScreenDeps
from kiosk.ui.widgets import BigButton, QuantityPicker, Reflow, label, panel
from kiosk.viewmodels.flow_state import FlowState, Step


def _seat_map_widget(model: Any, speaker: Any) -> QWidget:
    """The real seat map when it is installed; until then a plain placeholder says where it goes."""
    try:
        from kiosk.ui.seat_map_widget import SeatMapWidget
    except ImportError:
        placeholder = label("Seat map", "subtitle", name="seat_map_placeholder")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        placeholder.setProperty("role", "subtitle")
        return placeholder
    widget: QWidget = SeatMapWidget(model, speaker)
    widget.setObjectName("seat_map")
    return widget


class StandingRow(QWidget):
    """One standing section: name, price and places left, a − n + picker and 'Choose'."""

    def __init__(self, section_id: str, on_choose: Any, on_count: Any) -> None:
        super().__init__()
        self.section_id = section_id
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.name = label(role="subtitle")
        self.detail = label(role="body")
        row = QHBoxLayout()
        self.picker = QuantityPicker(f"standing_{section_id}", on_count)
        self.choose = BigButton(f"standing_{section_id}_choose", "primary")
        self.choose.clicked.connect(lambda: on_choose(section_id, self.picker.value))
        row.addWidget(self.picker)
        row.addWidget(self.choose, 1)
        box.addWidget(self.name)
        box.addWidget(self.detail)
        box.addLayout(row)


class SeatsScreen(Screen):
    step = Step.SEATS

    def __init__(self, deps: ScreenDeps) -> None:
        super().__init__(deps)
        head = QHBoxLayout()
        self.heading = label(role="title", name="seats_title")
        self.back = BigButton("back")
        self.back.clicked.connect(lambda: self.flow.request_back())
        head.addWidget(self.heading, 1)
        head.addWidget(self.back, 0, Qt.AlignmentFlag.AlignTop)
        self.root.addLayout(head)

        self.body = Reflow()
        self.body.setSpacing(28)
        self.root.addLayout(self.body, 1)
        self.map_holder = QVBoxLayout()
        self.body.addLayout(self.map_holder, 3)
        self.map_widget: QWidget | None = None
        self._model: Any = None

        side, box = panel()
        side.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.side = side
        self.choice_caption = label(role="subtitle")
        self.choice = label(role="body", name="selection_summary")
        self.proceed = BigButton("continue", "primary")
        self.proceed.clicked.connect(lambda: self.flow.request_hold_selection())
        box.addWidget(self.choice_caption)
        box.addWidget(self.choice)
        box.addWidget(self.proceed)
        self.best_caption = label(role="subtitle")
        box.addWidget(self.best_caption)
        self.best_count = QuantityPicker("best_quantity", lambda _n: self._render_model())
        box.addWidget(self.best_count, 0, Qt.AlignmentFlag.AlignLeft)
        self.best_box = QVBoxLayout()
        box.addLayout(self.best_box)
        self.best_buttons: dict[str, BigButton] = {}
        self.standing_caption = label(role="subtitle")
        box.addWidget(self.standing_caption)
        self.standing_box = QVBoxLayout()
        box.addLayout(self.standing_box)
        self.standing_rows: dict[str, StandingRow] = {}
        self.body.addWidget(side, 2)
        self.retranslate()

    def retranslate(self) -> None:
        self.back.set_text(self.tr("Back"), self.tr("Back to the concerts"))
        self.choice_caption.setText(self.tr("Your choice"))
        self.proceed.set_text(self.tr("Continue"), self.tr("Continue with the chosen seats"))
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
        self._render_model()

    def _attach(self, model: Any) -> None:
        if self._model is not None:
            self._model.changed.disconnect(self._on_seat_map_changed, missing_ok=True)
        if self.map_widget is not None:
            self.map_holder.removeWidget(self.map_widget)
            self.map_widget.deleteLater()
            self.map_widget = None
        self._model = model
        if model is None:
            return
        model.changed.connect(self._on_seat_map_changed)
        self.destroyed.connect(
            lambda *_: model.changed.disconnect(self._on_seat_map_changed, missing_ok=True)
        )
        self.map_widget = _seat_map_widget(model, self.deps.speaker)
        self.map_holder.addWidget(self.map_widget, 1)
        self._build_sections(model)

    def _build_sections(self, model: Any) -> None:
        for w in [*self.best_buttons.values(), *self.standing_rows.values()]:
            w.deleteLater()
        self.best_buttons, self.standing_rows = {}, {}
        for section in model.seat_map.sections:
            if section.kind.value == "standing":
                continue
            sid = str(section.id)
            button = BigButton(f"best_{sid}")
            button.clicked.connect(
                lambda _=False, s=section.id: self.flow.request_hold_best_available(s, self.best_count.value)
            )
            self.best_buttons[sid] = button
            self.best_box.addWidget(button)
        for info in model.state.standing:
            row = StandingRow(str(info.section_id), self._choose_standing, lambda _n: self._render_model())
            row.section_key = info.section_id  # type: ignore[attr-defined]
            self.standing_rows[str(info.section_id)] = row
            self.standing_box.addWidget(row)

    def _choose_standing(self, section_id: str, quantity: int) -> None:
        row = self.standing_rows[section_id]
        self.flow.request_hold_standing(row.section_key, quantity)  # type: ignore[attr-defined]

    def _on_seat_map_changed(self, _state: Any) -> None:
        self._render_model()

    def _render_model(self) -> None:
        model = self._model
        has_seats = bool(self.best_buttons)
        for w in (self.best_caption, self.best_count, self.choice_caption, self.choice, self.proceed):
            w.setVisible(has_seats)
        self.standing_caption.setVisible(bool(self.standing_rows))
        if model is None:
            return
        s = model.state
        self.best_count.set_maximum(s.max_per_order)
        count = len(s.selection)
        self.choice.setText(
            self.tr("{count} seats chosen, {total}").format(count=count, total=s.total.format())
            if count
            else self.tr("Tap the seats you want on the map.")
        )
        self.proceed.setEnabled(count > 0)
        for section in model.seat_map.sections:
            button = self.best_buttons.get(str(section.id))
            if button is not None:
                button.set_text(
                    self.tr("Best {count} in {section}").format(
                        count=self.best_count.value, section=section.name
                    )
                )
        for info in s.standing:
            row = self.standing_rows.get(str(info.section_id))
            if row is None:
                continue
            row.name.setText(info.name)
            row.detail.setText(
                self.tr("{price} each, {left} left").format(price=info.price.format(), left=info.left)
            )
            row.picker.set_maximum(min(info.left, s.max_per_order))
            row.choose.set_text(
                self.tr("Choose {count}").format(count=row.picker.value),
                self.tr("Choose {count} standing places in {section}").format(
                    count=row.picker.value, section=info.name
                ),
            )
            row.choose.setEnabled(info.left > 0)

    def reflow(self, portrait: bool) -> None:
        self.body.set_portrait(portrait)
