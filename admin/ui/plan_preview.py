"""A seating plan drawn for the manager: every seat with its marks, the stage at the top; click or drag to choose.

The kiosk's seat-map widget draws a concert's places (prices, availability) and lives in kiosk/ui, which the
admin app may not import (the "Kiosk and admin are independent" contract); this draws a plan's seats.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QMouseEvent, QPainter, QPainterPath, QPen, QResizeEvent
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsScene, QGraphicsView, QWidget

from core.domain.ids import SeatId
from core.domain.venues import PlanLayout, Seat

UNIT = 26.0
"""Pixels per plan unit (one seat pitch) at scale 1."""
SEAT = 20.0

COLOURS = {
    "seat": "#8fa3c7",
    "accessible": "#1c7ed6",
    "companion": "#12b886",
    "restricted_view": "#f59f00",
    "blocked": "#495057",
}
SELECTED = "#e8590c"


def seat_colour(seat: Seat) -> str:
    if seat.blocked:
        return COLOURS["blocked"]
    if seat.accessible:
        return COLOURS["accessible"]
    if seat.companion:
        return COLOURS["companion"]
    if seat.restricted_view:
        return COLOURS["restricted_view"]
    return COLOURS["seat"]


class PlanPreview(QGraphicsView):
    """Draws a PlanLayout; ``on_choose(seat_ids, add)`` gets the seats clicked or boxed (Ctrl adds/toggles)."""

    def __init__(
        self, on_choose: Callable[[list[SeatId], bool], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("planPreview")
        self._on_choose = on_choose
        self._scene = QGraphicsScene(self)
        self.setScene(self._scene)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setBackgroundBrush(QColor("#ffffff"))
        self.setMinimumSize(420, 300)
        self._items: dict[SeatId, QGraphicsEllipseItem] = {}
        self._press: tuple[float, float] | None = None

    @property
    def seat_items(self) -> dict[SeatId, QGraphicsEllipseItem]:
        return self._items

    def render_layout(self, layout: PlanLayout | None, selected: frozenset[SeatId]) -> None:
        """Redraw from the snapshot (idempotent)."""
        self._scene.clear()
        self._items = {}
        if layout is None or not layout.seats:
            self._scene.addText(self.tr("No plan to show yet: make one with the grid or import a CSV file."))
            self._fit()
            return
        names = {s.id: s.name for s in layout.plan.sections}
        xs = [s.x for s in layout.seats]
        ys = [s.y for s in layout.seats]
        left, right, top = min(xs) * UNIT, max(xs) * UNIT + SEAT, min(ys) * UNIT
        self._stage(left, right, top)
        for seat in layout.seats:
            item = self._scene.addEllipse(
                seat.x * UNIT,
                seat.y * UNIT,
                SEAT,
                SEAT,
                self._pen(seat.id in selected),
                QBrush(seat_colour(seat)),
            )
            item.setFlag(item.GraphicsItemFlag.ItemIsSelectable, True)
            item.setData(0, int(seat.id))
            item.setToolTip(self._tip(seat, names.get(seat.section_id, "")))
            if seat.blocked:
                cross = QPainterPath()
                x, y = seat.x * UNIT, seat.y * UNIT
                cross.moveTo(x + 5, y + 5)
                cross.lineTo(x + SEAT - 5, y + SEAT - 5)
                cross.moveTo(x + SEAT - 5, y + 5)
                cross.lineTo(x + 5, y + SEAT - 5)
                mark = self._scene.addPath(cross, QPen(QColor("#ffffff"), 2))
                mark.setParentItem(item)
            self._items[seat.id] = item
        self._row_labels(layout)
        self._section_labels(layout)
        self._fit()

    def _stage(self, left: float, right: float, top: float) -> None:
        width = max(right - left, UNIT * 4)
        stage = self._scene.addRect(
            QRectF(left, top - 2.6 * UNIT, width, UNIT * 1.2),
            QPen(Qt.PenStyle.NoPen),
            QBrush(QColor("#dee2e6")),
        )
        text = self._scene.addText(self.tr("STAGE"), QFont("", 9, QFont.Weight.DemiBold))
        text.setDefaultTextColor(QColor("#495057"))
        box = text.boundingRect()
        text.setPos(stage.rect().center().x() - box.width() / 2, stage.rect().center().y() - box.height() / 2)

    def _row_labels(self, layout: PlanLayout) -> None:
        first: dict[tuple[int, str], Seat] = {}
        for seat in layout.seats:
            key = (int(seat.section_id), seat.row)
            if key not in first or seat.x < first[key].x:
                first[key] = seat
        font = QFont("", 8)
        for seat in first.values():
            label = self._scene.addText(seat.row, font)
            label.setDefaultTextColor(QColor("#868e96"))
            box = label.boundingRect()
            label.setPos(seat.x * UNIT - box.width() - 2, seat.y * UNIT + (SEAT - box.height()) / 2)

    def _section_labels(self, layout: PlanLayout) -> None:
        """Each seated section's name above its front-left corner (standing sections have no seats to draw)."""
        font = QFont("", 10, QFont.Weight.DemiBold)
        for section in layout.plan.sections:
            seats = [s for s in layout.seats if s.section_id == section.id]
            if not seats:
                continue
            label = self._scene.addText(section.name, font)
            label.setDefaultTextColor(QColor("#343a40"))
            box = label.boundingRect()
            left = min(s.x for s in seats) * UNIT - UNIT
            top = min(s.y for s in seats) * UNIT
            label.setPos(left - box.width(), top - box.height() * 0.9)

    @staticmethod
    def _pen(selected: bool) -> QPen:
        return QPen(QColor(SELECTED), 3) if selected else QPen(QColor("#ffffff"), 1)

    @staticmethod
    def _tip(seat: Seat, section: str) -> str:
        marks = [
            word
            for flag, word in (
                (seat.accessible, "wheelchair place"),
                (seat.companion, "companion seat"),
                (seat.restricted_view, "restricted view"),
                (bool(seat.blocked), f"blocked: {seat.blocked}"),
            )
            if flag
        ]
        return f"{section}, row {seat.row}, seat {seat.number}" + (f" ({', '.join(marks)})" if marks else "")

    def _fit(self) -> None:
        rect = self._scene.itemsBoundingRect().adjusted(-UNIT, -UNIT, UNIT, UNIT)
        self._scene.setSceneRect(rect)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = (event.position().x(), event.position().y())
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        add = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        chosen = [
            SeatId(int(item.data(0))) for item in self._scene.selectedItems() if item.data(0) is not None
        ]
        if not chosen:
            hit = self.itemAt(event.position().toPoint())
            while hit is not None and hit.data(0) is None:
                hit = hit.parentItem()
            if hit is not None:
                chosen = [SeatId(int(hit.data(0)))]
        self._scene.clearSelection()
        self._press = None
        self._on_choose(chosen, add)
