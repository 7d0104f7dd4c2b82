"""The kiosk's seat map view: tap to choose, drag to pan, wheel/pinch to zoom, arrow keys with speech."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QWidget

from core.domain.ids import PlaceId
from kiosk.ui.seat_map_canvas import SeatMapCanvas
from kiosk.ui.seat_map_scene import SeatScene
from kiosk.viewmodels.seat_map import Direction, SeatMapModel
from kiosk.viewmodels.speech import Speaker

__all__ = ["DRAG_PX", "FINGER_PX", "USABLE_PX", "SeatMapView"]

FINGER_PX = 48
"""The smallest seat a finger can hit reliably (EN 301 549 / WCAG 2.5.8 target size, kiosk flavour)."""
USABLE_PX = 56
"""The seat size a tap on a too-small map zooms to: a finger's width with a margin."""
DRAG_PX = 12
"""Movement beyond this between press and release is a drag (pan), not a tap."""

_KEYS = {
    Qt.Key.Key_Left: Direction.LEFT,
    Qt.Key.Key_Right: Direction.RIGHT,
    Qt.Key.Key_Up: Direction.UP,
    Qt.Key.Key_Down: Direction.DOWN,
}


class SeatMapView(SeatMapCanvas):
    """Forwards taps and keys to the model; the scene shows the model's snapshots (SeatScene.render)."""

    focus_changed = Signal()
    """The map got or lost the keyboard focus (its frame shows it; the widget's caption says what to press)."""

    def __init__(
        self, model: SeatMapModel, seats: SeatScene, speaker: Speaker, parent: QWidget | None = None
    ):
        super().__init__(seats, parent)
        self.model = model
        self.speaker = speaker
        self._press: QPoint | None = None
        self._last = QPoint()
        self._panning = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setObjectName("seat_map_view")  # the themes draw its focus frame
        self.setAccessibleName(self.tr("Seat map"))
        self.setAccessibleDescription(
            self.tr(
                "Arrow keys move from seat to seat and read each seat aloud. Space or Enter chooses or "
                "releases the seat. Plus and minus zoom."
            )
        )

    # --- zoom -----------------------------------------------------------------------------------

    def zoom_to_usable(self, anchor: QPointF) -> None:
        self.zoom_by(USABLE_PX / self.seat_px, anchor)
        scene_point = self.mapToScene(anchor.toPoint())
        self.centerOn(scene_point)

    # --- events ---------------------------------------------------------------------------------

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.focus_changed.emit()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focus_changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
            self._last = self._press
            self._panning = False
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None:
            return
        pos = event.position().toPoint()
        if not self._panning and (pos - self._press).manhattanLength() > DRAG_PX:
            self._panning = True
        if self._panning:
            delta = self.mapToScene(self._last) - self.mapToScene(pos)
            self._scroll_scene_by(delta)
            self._fitted = False
        self._last = pos

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._press is not None and not self._panning:
            self.tap(event.position())
        self._press = None
        self._panning = False

    def tap(self, pos: QPointF) -> None:
        """A tap on a seat chooses or releases it; on a map too small for a finger it zooms in there first."""
        place = self.seats.place_at(self.items(pos.toPoint()))
        if self.seat_px < FINGER_PX and (place is not None or self._near_seats(pos)):
            # Also between seats (an aisle, the hair-thin gaps of the whole map): the finger aimed at a seat there.
            self.zoom_to_usable(pos)
            return
        if place is not None:
            self._toggle(place)

    def _near_seats(self, pos: QPointF) -> bool:
        reach = max(FINGER_PX / 2, 1.0)
        around = QRectF(pos.x() - reach, pos.y() - reach, 2 * reach, 2 * reach).toAlignedRect()
        return self.seats.place_at(self.items(around)) is not None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        if key in _KEYS:
            place = self.model.move_cursor(_KEYS[key])
            if place is not None:
                self._show_cursor(place)
                self.speaker.say(self.model.describe(place))
        elif key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Select):
            if self.model.state.cursor is None:
                place = self.model.move_cursor(Direction.RIGHT)
                if place is not None:
                    self._show_cursor(place)
                    self.speaker.say(self.model.describe(place))
            else:
                self._toggle(self.model.state.cursor)
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(1.25)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(0.8)
        elif key in (Qt.Key.Key_0, Qt.Key.Key_Home):
            self.fit()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _toggle(self, place: PlaceId) -> None:
        if self.model.toggle(place):
            self.speaker.say(self.model.describe(place))
        # A refusal is spoken by the widget from the snapshot's notice.

    def _show_cursor(self, place: PlaceId) -> None:
        item = self.seats.items.get(place)
        if item is not None:
            margin = int(max(FINGER_PX, self.seat_px * 2))
            self.ensureVisible(item.sceneBoundingRect(), margin, margin)
