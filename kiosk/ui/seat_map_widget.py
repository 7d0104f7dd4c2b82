"""The kiosk seat map screen part: the zoomable map beside (or above) its legend and the buyer's choice."""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout, QGraphicsScene, QWidget

from kiosk.ui.binding import bind
from kiosk.ui.seat_map_legend import SeatMapPanel
from kiosk.ui.seat_map_scene import SeatScene
from kiosk.ui.seat_map_view import SeatMapView
from kiosk.viewmodels.seat_map import SeatMapModel, SeatMapState
from kiosk.viewmodels.speech import Speaker

__all__ = ["SeatMapWidget"]


class SeatMapWidget(QWidget):
    """Renders SeatMapModel snapshots; taps, keys and buttons go to the model. Never awaits."""

    def __init__(
        self,
        model: SeatMapModel,
        speaker: Speaker,
        parent: QWidget | None = None,
        *,
        index_method: QGraphicsScene.ItemIndexMethod | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.speaker = speaker
        self.seats = SeatScene(model, index_method=index_method)
        self.view = SeatMapView(model, self.seats, speaker, self)
        self.panel = SeatMapPanel(model, self.seats.styles, self.seats.wheelchair, self)
        self.panel.zoom_in.clicked.connect(lambda: self.view.zoom_by(1.25))
        self.panel.zoom_out.clicked.connect(lambda: self.view.zoom_by(0.8))
        self.panel.zoom_fit.clicked.connect(self.view.fit)
        self.panel.clear.clicked.connect(model.clear)
        self._layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self._layout.addWidget(self.view, 1)
        self._layout.addWidget(self.panel)
        self._notice_id = model.state.notice_id
        self._render(model.state)
        bind(model.changed, self._on_model_changed, self)
        self.setFocusProxy(self.view)

    def _on_model_changed(self, state: SeatMapState) -> None:
        self._render(state)

    def _render(self, state: SeatMapState) -> None:
        self.seats.render(state)
        self.panel.show_state(state)
        if state.notice and state.notice_id != self._notice_id:
            # Queued, not interrupting: "taken by someone else" must not cut off the seat being read out.
            self.speaker.say(state.notice, interrupt=False)
        self._notice_id = state.notice_id

    def resizeEvent(self, event: object) -> None:
        portrait = self.height() > self.width()
        self._layout.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        self.panel.set_columns(2 if portrait else 1)
        if portrait:
            self.panel.setMinimumWidth(0)
            self.panel.setMaximumWidth(16777215)
        else:
            self.panel.setFixedWidth(max(440, min(560, self.width() * 3 // 10)))
        super().resizeEvent(event)  # type: ignore[arg-type]
