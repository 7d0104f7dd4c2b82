"""The seat map's QGraphicsView: tap to choose, drag to pan, wheel/pinch to zoom, arrow keys with speech."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QGestureEvent, QGraphicsView, QPinchGesture, QWidget

from core.domain.ids import PlaceId
from kiosk.ui.seat_map_scene import SEAT, SeatScene
from kiosk.viewmodels.seat_map import Direction, SeatMapModel
from kiosk.viewmodels.speech import Speaker

FINGER_PX = 48
"""The smallest seat a finger can hit reliably (EN 301 549 / WCAG 2.5.8 target size, kiosk flavour)."""
USABLE_PX = 56
"""The seat size a tap on a too-small map zooms to: a finger's width with a margin."""
MAX_PX = 220
DRAG_PX = 12
"""Movement beyond this between press and release is a drag (pan), not a tap."""

_KEYS = {
    Qt.Key.Key_Left: Direction.LEFT,
    Qt.Key.Key_Right: Direction.RIGHT,
    Qt.Key.Key_Up: Direction.UP,
    Qt.Key.Key_Down: Direction.DOWN,
}


class SeatMapView(QGraphicsView):
    """Forwards taps and keys to the model; the scene shows the model's snapshots (SeatScene.render)."""

    focus_changed = Signal()
    """The map got or lost the keyboard focus (its frame shows it; the widget's caption says what to press)."""

    def __init__(
        self, model: SeatMapModel, seats: SeatScene, speaker: Speaker, parent: QWidget | None = None
    ):
        super().__init__(seats.scene, parent)
        self.model = model
        self.seats = seats
        self.speaker = speaker
        self._press: QPoint | None = None
        self._last = QPoint()
        self._panning = False
        self._fitted = True
        """True until the buyer zooms or pans: a resize then fits the whole plan again."""
        self.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # axis-aligned rects: crisp and faster
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        # Many scattered seats change at once on a busy concert: one bounding repaint beats a region of rects.
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlags(
            QGraphicsView.OptimizationFlag.DontSavePainterState
            | QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing
        )
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setObjectName("seat_map_view")  # the themes draw its focus frame
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.viewport().grabGesture(Qt.GestureType.PinchGesture)
        self.setAccessibleName(self.tr("Seat map"))
        self.setAccessibleDescription(
            self.tr(
                "Arrow keys move from seat to seat and read each seat aloud. Space or Enter chooses or "
                "releases the seat. Plus and minus zoom."
            )
        )

    def sizeHint(self) -> QSize:
        # QGraphicsView asks for its whole scene, up to 3/4 of the screen: on a real 1920x1080 display that
        # pushed the page past the window. The map takes the room its layout leaves, and asks for little.
        return QSize(480, 360)

    # --- zoom -----------------------------------------------------------------------------------

    @property
    def seat_px(self) -> float:
        """How wide a seat is on screen now."""
        return SEAT * self.transform().m11()

    def fit(self) -> None:
        """The whole plan, with the names that stick out of it (they keep their size as the plan shrinks): the
        room fitted grows, evenly about the plan's centre, until the names at the resulting scale are in it."""
        scene = self.sceneRect()
        target = QRectF(scene)
        for _ in range(4):
            self.fitInView(target, Qt.AspectRatioMode.KeepAspectRatio)
            self.place_labels()
            need = self.seats.label_bounds(self.transform().m11())
            if need.isNull() or target.contains(need):
                break
            centre = scene.center()
            half_w = max(target.width() / 2, centre.x() - need.left(), need.right() - centre.x())
            half_h = max(target.height() / 2, centre.y() - need.top(), need.bottom() - centre.y())
            target = QRectF(centre.x() - half_w, centre.y() - half_h, 2 * half_w, 2 * half_h)
        self._fitted = True

    def place_labels(self) -> None:
        """Labels keep their screen size, so where they fit depends on the zoom: arrange them for this one."""
        self.seats.place_labels(self.transform().m11())

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom around ``anchor`` (viewport coordinates; the centre by default), within sensible limits."""
        fit_scale = min(
            self.viewport().width() / max(1.0, self.sceneRect().width()),
            self.viewport().height() / max(1.0, self.sceneRect().height()),
        )
        current = self.transform().m11()
        target = max(fit_scale * 0.9, min(current * factor, MAX_PX / SEAT))
        if abs(target - current) < 1e-9:
            return
        at = anchor if anchor is not None else QPointF(self.viewport().rect().center())
        before = self._to_scene(at)
        self.scale(target / current, target / current)
        after = self._to_scene(at)
        self._scroll_scene_by(before - after)
        self._fitted = False
        self.place_labels()

    def _to_scene(self, at: QPointF) -> QPointF:
        # Sub-pixel exact (mapToScene takes whole pixels): repeated wheel steps keep the seat under the pointer.
        inverse, _ok = self.viewportTransform().inverted()
        return inverse.map(at)

    def zoom_to_usable(self, anchor: QPointF) -> None:
        self.zoom_by(USABLE_PX / self.seat_px, anchor)
        scene_point = self.mapToScene(anchor.toPoint())
        self.centerOn(scene_point)

    def _scroll_scene_by(self, delta: QPointF) -> None:
        # With scroll bars off, translating via centerOn keeps working past the scene edge clamps Qt applies.
        centre = self.mapToScene(self.viewport().rect().center())
        self.centerOn(centre + delta)

    # --- events ---------------------------------------------------------------------------------

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.focus_changed.emit()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focus_changed.emit()

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        if self._fitted:
            self.fit()

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        if self._fitted:
            self.fit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(1.25**steps, event.position())
        event.accept()

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Gesture:
            assert isinstance(event, QGestureEvent)
            pinch = event.gesture(Qt.GestureType.PinchGesture)
            if isinstance(pinch, QPinchGesture):
                centre = self.viewport().mapFromGlobal(pinch.centerPoint().toPoint())
                self.zoom_by(pinch.scaleFactor(), QPointF(centre))
                event.accept(pinch)
                return True
        return super().viewportEvent(event)

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
