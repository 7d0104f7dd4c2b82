"""The seat map's drawing surface: a QGraphicsView that fits the plan with its names, zooms and keeps labels sized.

Shared by the kiosk's seat map (seat_map_view adds taps, keys and speech) and the admin's plan preview (which adds
choosing seats with a box); it knows nothing of either.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QWheelEvent
from PySide6.QtWidgets import QGestureEvent, QGraphicsView, QPinchGesture, QWidget

from kiosk.ui.seat_map_scene import SEAT, SeatScene

MAX_PX = 220
"""The largest a seat gets on screen when zooming in."""


class SeatMapCanvas(QGraphicsView):
    """Shows a SeatScene: fitted whole until zoomed (wheel, pinch, zoom_by), labels arranged for each zoom."""

    def __init__(self, seats: SeatScene, parent: QWidget | None = None) -> None:
        super().__init__(seats.scene, parent)
        self.seats = seats
        self._fitted = True
        """True until the user zooms or pans: a resize then fits the whole plan again."""
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
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.viewport().grabGesture(Qt.GestureType.PinchGesture)

    def set_seats(self, seats: SeatScene) -> None:
        """Show another plan (the old scene goes with its SeatScene), fitted whole."""
        self.seats = seats
        self.setScene(seats.scene)
        self.resetCachedContent()
        self.fit()

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

    def _scroll_scene_by(self, delta: QPointF) -> None:
        # With scroll bars off, translating via centerOn keeps working past the scene edge clamps Qt applies.
        centre = self.mapToScene(self.viewport().rect().center())
        self.centerOn(centre + delta)

    # --- events ---------------------------------------------------------------------------------

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
