"""The kiosk seat map screen part: the zoomable map with its zoom bar, and its side panel (legend and choice)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, Qt, QTimer
from PySide6.QtWidgets import QBoxLayout, QGraphicsScene, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.ui.binding import bind
from kiosk.ui.seat_map_legend import SeatMapPanel
from kiosk.ui.seat_map_look import look_from
from kiosk.ui.seat_map_scene import SeatScene
from kiosk.ui.seat_map_view import SeatMapView
from kiosk.ui.widgets import BigButton, label
from kiosk.viewmodels.seat_map import SeatMapModel, SeatMapState
from kiosk.viewmodels.speech import Speaker

__all__ = ["SeatMapWidget"]

_THEME_EVENTS = (QEvent.Type.StyleChange, QEvent.Type.PaletteChange, QEvent.Type.FontChange)


class SeatMapWidget(QWidget):
    """Renders SeatMapModel snapshots; taps, keys and buttons go to the model. Never awaits.

    The map follows the theme: the style sheet's background and font size (see seat_map_look.look_from) pick
    its colours and label size, whenever the sheet changes.

    With ``own_panel=False`` the widget is the map and its zoom bar only: the screen places ``panel`` itself
    (one column with its own controls), and this widget still renders it.
    """

    def __init__(
        self,
        model: SeatMapModel,
        speaker: Speaker,
        parent: QWidget | None = None,
        *,
        index_method: QGraphicsScene.ItemIndexMethod | None = None,
        own_panel: bool = True,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.speaker = speaker
        self.seats = SeatScene(model, index_method=index_method)
        self.view = SeatMapView(model, self.seats, speaker, self)
        self.panel = SeatMapPanel(
            model, self.seats.styles, self.seats.wheelchair, self if own_panel else None
        )
        self.zoom_out = BigButton("zoom_out", "map_tool")
        self.zoom_fit = BigButton("zoom_fit", "map_tool")
        self.zoom_in = BigButton("zoom_in", "map_tool")
        self.zoom_in.clicked.connect(lambda: self.view.zoom_by(1.25))
        self.zoom_out.clicked.connect(lambda: self.view.zoom_by(0.8))
        self.zoom_fit.clicked.connect(self.view.fit)
        self.panel.clear.clicked.connect(model.clear)
        # The keyboard's seat in words, for sighted users (speech says it too): beside the zoom buttons, or above
        # them where that room is too narrow (it was a column of a dozen lines), always in room kept for the
        # longest text (how to start), so the map never moves when the map gains or loses focus.
        self.cursor_caption = label("", "map_caption", name="seat_cursor_caption")
        self.cursor_caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._zoom_buttons = QHBoxLayout()
        self._zoom_buttons.setSpacing(12)
        self._zoom_buttons.addStretch(1)  # on a line of their own (the caption above), at the right
        for button in (self.zoom_out, self.zoom_fit, self.zoom_in):
            self._zoom_buttons.addWidget(button)
        # Switched by direction, never by moving widgets between cells (that crashed Qt inside a layout pass).
        self._bar = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._bar.setContentsMargins(0, 8, 0, 0)
        self._bar.setSpacing(12)
        self._bar.addWidget(self.cursor_caption, 1)
        self._bar.addLayout(self._zoom_buttons)
        map_column = QVBoxLayout()
        map_column.setContentsMargins(0, 0, 0, 0)
        map_column.setSpacing(0)
        map_column.addWidget(self.view, 1)
        map_column.addLayout(self._bar)
        self._own_panel = own_panel
        self._layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(16)
        self._layout.addLayout(map_column, 1)
        if own_panel:
            self._layout.addWidget(self.panel)
        self._notice_id = model.state.notice_id
        self._look_pending = False
        self._retranslate()
        self._render(model.state)
        bind(model.changed, self._on_model_changed, self)
        self.view.focus_changed.connect(self.show_cursor_caption)
        self.setFocusProxy(self.view)

    def _retranslate(self) -> None:
        self.zoom_out.set_text("−", self.tr("Zoom out"))
        self.zoom_fit.set_text(self.tr("Whole map"), self.tr("Show the whole map"))
        self.zoom_in.set_text("+", self.tr("Zoom in"))

    def _caption_lines(self, width: int) -> int:
        """How many lines the longest caption (how to start) takes at ``width`` px in the caption's font."""
        self.cursor_caption.ensurePolished()
        metrics = self.cursor_caption.fontMetrics()
        flags = int(Qt.TextFlag.TextWordWrap)
        box = metrics.boundingRect(
            QRect(0, 0, max(1, width), 100_000), flags, self.view.accessibleDescription()
        )
        return max(1, -(-box.height() // metrics.lineSpacing()))

    def _map_width(self, width: int) -> int:
        if self._own_panel and self._layout.direction() == QBoxLayout.Direction.LeftToRight:
            return width - self.panel.width() - self._layout.spacing()
        return width

    def _arrange_caption(self, width: int) -> None:
        """Beside the zoom buttons when the longest caption fits there in three lines, else on its own line above
        them; as high as the longest caption either way."""
        if not hasattr(self, "_layout"):
            return  # a style event while it is being built: its first resize arranges it
        width = self._map_width(width)
        buttons = sum(b.sizeHint().width() for b in (self.zoom_out, self.zoom_fit, self.zoom_in)) + 3 * 12
        beside = self._caption_lines(width - buttons) <= 3
        self._bar.setDirection(
            QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom
        )
        self._bar.setSpacing(12 if beside else 4)
        lines = self._caption_lines(width - buttons if beside else width)
        self.cursor_caption.setFixedHeight(lines * self.cursor_caption.fontMetrics().lineSpacing() + 4)

    def _on_model_changed(self, state: SeatMapState) -> None:
        self._render(state)

    def _render(self, state: SeatMapState) -> None:
        self.seats.render(state)
        self.panel.show_state(state)
        self.show_cursor_caption()
        if state.notice and state.notice_id != self._notice_id:
            # Queued, not interrupting: "taken by someone else" must not cut off the seat being read out.
            self.speaker.say(state.notice, interrupt=False)
        self._notice_id = state.notice_id

    def show_cursor_caption(self) -> None:
        """The seat the arrow keys are on; on a focused map before the first arrow key, how to start."""
        cursor = self.model.state.cursor
        if cursor is not None:
            self.cursor_caption.setText(self.model.caption(cursor))
        elif self.view.hasFocus():
            self.cursor_caption.setText(
                self.view.accessibleDescription()
            )  # arrow keys, Space, plus and minus
        else:
            self.cursor_caption.setText("")

    def sync_look(self) -> None:
        """Draw the map in the look the current style sheet asks for (a no-op when it already is)."""
        self._look_pending = False
        if self.seats.set_look(look_from(self.palette(), self.font())):
            self.panel.restyle(self.seats.styles)
            self.view.place_labels()  # their size changed with the look
            self.view.resetCachedContent()  # the view caches the background
            self.view.viewport().update()

    def changeEvent(self, event: QEvent) -> None:
        kind = event.type()
        if kind == QEvent.Type.LanguageChange:
            self._retranslate()
            self._arrange_caption(self.width())  # another language, another length
        elif kind in _THEME_EVENTS:
            self._arrange_caption(self.width())  # another text size
        if kind in _THEME_EVENTS and not self._look_pending:
            # A new sheet arrives as a burst of these, with passing values in between: look once it settled.
            self._look_pending = True
            QTimer.singleShot(0, self, self.sync_look)
        super().changeEvent(event)

    def resizeEvent(self, event: object) -> None:
        if self._own_panel:
            portrait = self.height() > self.width()
            self._layout.setDirection(
                QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
            )
            self.panel.set_portrait(portrait)
            if portrait:
                self.panel.setMinimumWidth(0)
                self.panel.setMaximumWidth(16777215)
            else:
                self.panel.setFixedWidth(max(440, min(560, self.width() * 3 // 10)))
        self._arrange_caption(self.width())
        super().resizeEvent(event)  # type: ignore[arg-type]
