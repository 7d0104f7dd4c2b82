"""The seat map's QGraphicsScene: one cheap rect item per seat with shared brushes, repainted seat by seat."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from core.domain.ids import CategoryId, PlaceId, SectionId
from core.domain.places import PlaceState
from kiosk.ui.seat_map_labels import ScreenLabel, add_furniture, standing_text
from kiosk.viewmodels.seat_map import SeatMapModel, SeatMapState

UNIT = 40.0
"""Scene pixels per plan unit (one seat pitch)."""
SEAT = 0.8 * UNIT
"""A seat's drawn side, leaving a gap to its neighbours."""

# Okabe-Ito: distinguishable with the common colour-vision deficiencies. Black is kept for "selected".
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
_DARK_TEXT_ON = {"#E69F00", "#56B4E9", "#F0E442"}
TAKEN_COLOUR = QColor("#8a8a8a")
SELECTED_COLOUR = QColor("#111111")
OUTLINE = QColor("#2b2b2b")

_Z_SEAT, _Z_MARK, _Z_CHECK, _Z_CURSOR = 0.0, 1.0, 2.0, 3.0
_DATA_PLACE = 0


class Look(Enum):
    FREE = "free"
    SELECTED = "selected"
    TAKEN = "taken"


def look_of(state: SeatMapState, place_id: PlaceId, selected: frozenset[PlaceId]) -> Look:
    if place_id in selected:
        return Look.SELECTED
    return Look.FREE if state.states.get(place_id) is PlaceState.FREE else Look.TAKEN


def category_colours(model: SeatMapModel) -> dict[CategoryId, QColor]:
    """Dearest category first gets the first palette colour, so the same prices look alike across concerts."""
    ordered = sorted(model.categories.values(), key=lambda c: (-c.price.minor, c.name))
    return {c.id: QColor(PALETTE[i % len(PALETTE)]) for i, c in enumerate(ordered)}


class Styles:
    """One brush and pen per (category, look), shared by every seat: no per-item allocations."""

    def __init__(self, colours: dict[CategoryId, QColor]) -> None:
        self.colours = colours
        self.free_pen = QPen(OUTLINE, 2)
        self.taken_pen = QPen(TAKEN_COLOUR, 3)
        self.selected_pen = QPen(QColor("#ffffff"), 3)
        # Taken seats are hollow and cross-hatched: told apart by shape, not by colour alone.
        self.taken_brush = QBrush(TAKEN_COLOUR, Qt.BrushStyle.DiagCrossPattern)
        self.selected_brush = QBrush(SELECTED_COLOUR)
        self.free_brushes = {cid: QBrush(colour) for cid, colour in colours.items()}

    def brush_pen(self, category: CategoryId, look: Look) -> tuple[QBrush, QPen]:
        if look is Look.FREE:
            return self.free_brushes[category], self.free_pen
        if look is Look.SELECTED:
            return self.selected_brush, self.selected_pen
        return self.taken_brush, self.taken_pen

    def mark_colour(self, category: CategoryId, look: Look) -> QColor:
        if look is Look.TAKEN:
            return TAKEN_COLOUR
        if look is Look.SELECTED:
            return QColor("#ffffff")
        light = self.colours[category].name().upper() in _DARK_TEXT_ON
        return QColor("#111111") if light else QColor("#ffffff")


def check_path(center: QPointF) -> QPainterPath:
    path = QPainterPath()
    s = SEAT / 2
    path.moveTo(center.x() - 0.5 * s, center.y())
    path.lineTo(center.x() - 0.12 * s, center.y() + 0.4 * s)
    path.lineTo(center.x() + 0.55 * s, center.y() - 0.45 * s)
    return path


class SeatScene:
    """Builds the scene from the model's static plan and applies snapshots by repainting only what changed."""

    def __init__(
        self, model: SeatMapModel, *, index_method: QGraphicsScene.ItemIndexMethod | None = None
    ) -> None:
        self.model = model
        self.scene = QGraphicsScene()
        # Seats never move, only their brushes change: a BSP index makes painting and hit-testing visit only the
        # seats in view, and setBrush() does not invalidate it.
        self.scene.setItemIndexMethod(index_method or QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self.scene.setBackgroundBrush(QColor("#f7f7f4"))
        self.styles = Styles(category_colours(model))
        self.items: dict[PlaceId, QGraphicsRectItem] = {}
        self._drawn: dict[PlaceId, Look] = {}
        self._drawn_version = -1
        self._marks: dict[PlaceId, QGraphicsSimpleTextItem] = {}
        self._checks: dict[PlaceId, QGraphicsPathItem] = {}
        self._standing_labels: dict[SectionId, ScreenLabel] = {}
        probe = QFont()
        probe.setBold(True)
        self.wheelchair = "\u267f" if QFontMetricsF(probe).inFontUcs4(0x267F) else "W"
        """The wheelchair symbol where the font has it, else a letter."""
        self._build()

    # --- building -------------------------------------------------------------------------------

    def _build(self) -> None:
        add = self.scene.addRect
        half = SEAT / 2
        styles, state, drawn, items = self.styles, self.model.state, self._drawn, self.items
        selected = frozenset(state.selection)
        # Each seat is born with its current look (no second pass), via the addRect overload that takes plain
        # numbers: building a QRectF per seat in Python costs more than the item itself.
        for p in self.model.seats:
            look = look_of(state, p.id, selected)
            brush, pen = styles.brush_pen(p.category_id, look)
            item = add(p.x * UNIT - half, p.y * UNIT - half, SEAT, SEAT, pen, brush)
            item.setData(_DATA_PLACE, p.id)
            items[p.id] = item
            drawn[p.id] = look
        self._drawn_version = state.version
        self._add_marks()
        self._add_sections_and_stage()
        self.cursor = self._cursor_ring()
        self.render(state)

    def _add_marks(self) -> None:
        font = QFont()
        font.setPixelSize(int(SEAT * 0.7))
        font.setBold(True)
        wheelchair = self.wheelchair
        for p in self.model.seats:
            text = wheelchair if p.accessible else "C" if p.companion else ""
            if not text:
                continue
            mark = QGraphicsSimpleTextItem(text)
            mark.setFont(font)
            look = self._drawn[p.id]
            mark.setBrush(self.styles.mark_colour(p.category_id, look))
            mark.setVisible(look is not Look.SELECTED)
            box = mark.boundingRect()
            mark.setPos(p.x * UNIT - box.width() / 2, p.y * UNIT - box.height() / 2)
            mark.setZValue(_Z_MARK)
            mark.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self.scene.addItem(mark)
            self._marks[p.id] = mark

    def _add_sections_and_stage(self) -> None:
        self._standing_labels = add_furniture(self.scene, self.model, self.styles.colours, UNIT, SEAT)
        margin = UNIT
        self.scene.setSceneRect(self.scene.itemsBoundingRect().adjusted(-margin, -margin, margin, margin))

    def _cursor_ring(self) -> QGraphicsRectItem:
        # Two rings (black outside, yellow inside) stay visible on every seat colour and on the background.
        outer = self.scene.addRect(QRectF(), QPen(QColor("#000000"), 10), QBrush(Qt.BrushStyle.NoBrush))
        inner = QGraphicsRectItem(outer)
        inner.setPen(QPen(QColor("#ffd400"), 5))
        outer.setZValue(_Z_CURSOR)
        outer.setVisible(False)
        outer.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self._cursor_inner = inner
        return outer

    # --- rendering ------------------------------------------------------------------------------

    def render(self, state: SeatMapState) -> int:
        """Make the scene show ``state``; returns how many seats were repainted.

        Only ``state.changed`` is looked at when this is the very next snapshot; otherwise every seat is compared
        with what was drawn, so a missed snapshot cannot leave a wrong seat."""
        selected = frozenset(state.selection)
        ids: Iterable[PlaceId]
        if state.version == self._drawn_version:
            ids = ()  # this very snapshot is on screen already
        elif state.version == self._drawn_version + 1:
            ids = (p for p in state.changed if p in self.items)
        else:
            ids = self.items.keys()
        repainted = self._repaint(state, ids, selected)
        self._drawn_version = state.version
        self._render_checks(selected)
        self._render_cursor(state.cursor)
        self._render_standing(state)
        return repainted

    def _repaint(self, state: SeatMapState, ids: Iterable[PlaceId], selected: frozenset[PlaceId]) -> int:
        drawn, items, places, styles = self._drawn, self.items, self.model.places, self.styles
        count = 0
        for pid in ids:
            look = look_of(state, pid, selected)
            if drawn.get(pid) is look:
                continue
            category = places[pid].category_id
            brush, pen = styles.brush_pen(category, look)
            item = items[pid]
            item.setBrush(brush)
            item.setPen(pen)
            drawn[pid] = look
            count += 1
            mark = self._marks.get(pid)
            if mark is not None:
                mark.setBrush(styles.mark_colour(category, look))
                mark.setVisible(look is not Look.SELECTED)  # the check mark says more there
        return count

    def _render_checks(self, selected: frozenset[PlaceId]) -> None:
        for pid in [p for p in self._checks if p not in selected]:
            self.scene.removeItem(self._checks.pop(pid))
        for pid in selected:
            if pid in self._checks or pid not in self.items:
                continue
            item = self.scene.addPath(
                check_path(self.items[pid].rect().center()),
                QPen(QColor("#ffffff"), 5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap),
            )
            item.setZValue(_Z_CHECK)
            item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self._checks[pid] = item

    def _render_cursor(self, cursor: PlaceId | None) -> None:
        if cursor is None or cursor not in self.items:
            self.cursor.setVisible(False)
            return
        rect = self.items[cursor].rect()
        self.cursor.setRect(rect.adjusted(-9, -9, 9, 9))
        self._cursor_inner.setRect(rect.adjusted(-9, -9, 9, 9))
        self.cursor.setVisible(True)

    def _render_standing(self, state: SeatMapState) -> None:
        for info in state.standing:
            label = self._standing_labels.get(info.section_id)
            if label is not None:
                label.set_text(standing_text(info))

    # --- queries --------------------------------------------------------------------------------

    def place_at(self, items: Iterable[QGraphicsItem]) -> PlaceId | None:
        for item in items:
            pid = item.data(_DATA_PLACE)
            if pid is not None:
                return PlaceId(pid)
        return None

    def drawn_look(self, place_id: PlaceId) -> Look | None:
        return self._drawn.get(place_id)
