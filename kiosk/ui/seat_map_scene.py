"""The seat map's QGraphicsScene: one cheap rect item per seat with shared brushes, repainted seat by seat.

It draws any MapSource: a concert's live places at the kiosk, a seating plan with no concert in the admin.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from core.domain.ids import CategoryId, PlaceId
from core.domain.places import PlaceState
from kiosk.ui.seat_map_labels import ROW_LETTERS_PX, Furniture, standing_text
from kiosk.ui.seat_map_look import DEFAULT, MapLook
from kiosk.viewmodels.seat_map_source import MapSnapshot, MapSource

UNIT = 40.0
"""Scene pixels per plan unit (one seat pitch)."""
SEAT = 0.8 * UNIT
"""A seat's drawn side, leaving a gap to its neighbours."""

PALETTE = DEFAULT.palette
DEFAULT_LOOK = MapLook()

_Z_SEAT, _Z_MARK, _Z_CHECK, _Z_CURSOR = 0.0, 1.0, 2.0, 3.0
NUMBER_PX = 9
"""Seat numbers (plan previews) show once they are this tall on screen."""
SWATCH = 28
_DATA_PLACE = 0


class Look(Enum):
    FREE = "free"
    SELECTED = "selected"
    TAKEN = "taken"


def look_of(state: MapSnapshot, place_id: PlaceId, selected: frozenset[PlaceId]) -> Look:
    if place_id in selected:
        return Look.SELECTED
    return Look.FREE if state.states.get(place_id) is PlaceState.FREE else Look.TAKEN


def category_colours(model: MapSource, palette: tuple[str, ...] = PALETTE) -> dict[CategoryId, QColor]:
    """The source's colour groups in its order (at the kiosk dearest first, so the same prices look alike
    across concerts)."""
    return {cid: QColor(palette[i % len(palette)]) for i, cid in enumerate(model.colour_order)}


class Styles:
    """One brush and pen per (category, look), shared by every seat: no per-item allocations."""

    def __init__(self, colours: dict[CategoryId, QColor], look: MapLook = DEFAULT_LOOK) -> None:
        c = look.colours
        self.look = look
        self.colours = colours
        self.free_pen = QPen(QColor(c.outline), c.outline_px)
        self.taken_colour = QColor(c.taken)
        self.taken_pen = QPen(self.taken_colour, c.taken_px)
        self.selected_line = QColor(c.selected_line)
        self.selected_pen = QPen(self.selected_line, 3)
        # Taken seats are hollow and cross-hatched: told apart by shape, not by colour alone.
        self.taken_brush = QBrush(self.taken_colour, Qt.BrushStyle.DiagCrossPattern)
        self.selected_brush = QBrush(QColor(c.selected_fill))
        self.free_brushes = {cid: QBrush(colour) for cid, colour in colours.items()}
        self.neutral = (QBrush(QColor(c.neutral_fill)), QPen(QColor(c.outline), 2))
        self._dark_marks_on = c.dark_marks_on

    def brush_pen(self, category: CategoryId, look: Look) -> tuple[QBrush, QPen]:
        if look is Look.FREE:
            return self.free_brushes[category], self.free_pen
        if look is Look.SELECTED:
            return self.selected_brush, self.selected_pen
        return self.taken_brush, self.taken_pen

    def mark_colour(self, category: CategoryId | None, look: Look) -> QColor:
        if look is Look.TAKEN:
            return self.taken_colour
        if look is Look.SELECTED:
            return self.selected_line
        if category is None:
            light = self.neutral[0].color().lightnessF() > 0.5
        else:
            light = self.colours[category].name().upper() in self._dark_marks_on
        return QColor("#111111") if light else QColor("#ffffff")

    def check_pen(self, width: float) -> QPen:
        return QPen(self.selected_line, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)


def check_path(center: QPointF) -> QPainterPath:
    path = QPainterPath()
    s = SEAT / 2
    path.moveTo(center.x() - 0.5 * s, center.y())
    path.lineTo(center.x() - 0.12 * s, center.y() + 0.4 * s)
    path.lineTo(center.x() + 0.55 * s, center.y() - 0.45 * s)
    return path


def swatch(styles: Styles, category: CategoryId | None, look: Look, mark: str = "") -> QPixmap:
    """A seat as the map draws it, for a legend (category None: a neutral seat for the symbol rows)."""
    pix = QPixmap(SWATCH, SWATCH)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(3, 3, SWATCH - 6, SWATCH - 6)
    brush, pen = styles.neutral if category is None else styles.brush_pen(category, look)
    p.setPen(pen)
    p.setBrush(brush)
    p.drawRect(rect)
    if look is Look.SELECTED:
        p.setPen(styles.check_pen(3))
        scale = (SWATCH - 6) / 32
        p.translate(rect.center())
        p.scale(scale, scale)
        p.drawPath(check_path(rect.center() * 0))
    elif mark:
        font = QFont()
        font.setPixelSize(18)
        font.setBold(True)
        p.setFont(font)
        p.setPen(styles.mark_colour(category, look))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, mark)
    p.end()
    return pix


class SeatScene:
    """Builds the scene from the model's static plan and applies snapshots by repainting only what changed.

    ``numbers=True`` writes each unmarked seat's number in it once seats are big enough on screen (the admin's
    plan preview: the numbering is what a manager checks); the kiosk leaves them out. Row letters show once a
    seat is ``row_letters_px`` wide on screen (the kiosk's finger-sized default; a mouse needs less).
    """

    def __init__(
        self,
        model: MapSource,
        *,
        index_method: QGraphicsScene.ItemIndexMethod | None = None,
        look: MapLook | None = None,
        numbers: bool = False,
        row_letters_px: float = ROW_LETTERS_PX,
    ) -> None:
        self.model = model
        self.scene = QGraphicsScene()
        # Seats never move, only their brushes change: a BSP index makes painting and hit-testing visit only the
        # seats in view, and setBrush() does not invalidate it.
        self.scene.setItemIndexMethod(index_method or QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self.look = look or MapLook()
        self._numbered = numbers
        self._row_letters_px = row_letters_px
        self.scene.setBackgroundBrush(QColor(self.look.colours.background))
        self.styles = Styles(category_colours(model, self.look.colours.palette), self.look)
        self.items: dict[PlaceId, QGraphicsRectItem] = {}
        self._drawn: dict[PlaceId, Look] = {}
        self._drawn_version = -1
        self._marks: dict[PlaceId, QGraphicsSimpleTextItem] = {}
        self._checks: dict[PlaceId, QGraphicsPathItem] = {}
        self.numbers: dict[PlaceId, QGraphicsSimpleTextItem] = {}
        self._numbers_shown = False
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
        if self._numbered:
            self._add_numbers()
        self._add_sections_and_stage()
        self.cursor = self._cursor_ring()
        self._restyle_fixed()
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

    def _add_numbers(self) -> None:
        # In scene units, so they grow with the seats; place_labels hides them while they are too small to read.
        font = QFont()
        font.setPixelSize(int(SEAT * 0.42))
        for p in self.model.seats:
            if p.number is None or p.id in self._marks:
                continue  # a marked seat shows its mark; its number is in its tooltip
            text = QGraphicsSimpleTextItem(str(p.number))
            text.setFont(font)
            look = self._drawn[p.id]
            text.setBrush(self.styles.mark_colour(p.category_id, look))
            text.setVisible(False)  # until place_labels knows the zoom
            box = text.boundingRect()
            text.setPos(p.x * UNIT - box.width() / 2, p.y * UNIT - box.height() / 2)
            text.setZValue(_Z_MARK)
            text.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self.scene.addItem(text)
            self.numbers[p.id] = text

    def _add_sections_and_stage(self) -> None:
        self.furniture = Furniture(self.scene, self.model, UNIT, SEAT)
        self.furniture.restyle(self.look, self.styles.colours)  # sized labels, before the scene rect is taken
        margin = UNIT
        self.scene.setSceneRect(self.scene.itemsBoundingRect().adjusted(-margin, -margin, margin, margin))

    def place_labels(self, scale: float) -> None:
        """Arrange the words for a view showing the scene at ``scale``: names never on a seat, a standing block
        or the stage; row letters once seats are big enough."""
        obstacles = {id(block) for block, _ in self.furniture.blocks} | {id(self.furniture.stage)}

        def covers(rect: QRectF) -> bool:
            return any(
                item.data(_DATA_PLACE) is not None or id(item) in obstacles
                for item in self.scene.items(rect, Qt.ItemSelectionMode.IntersectsItemBoundingRect)
            )

        self.furniture.place_labels(scale, SEAT * scale, covers, self._row_letters_px)
        self._numbers_shown = SEAT * 0.42 * scale >= NUMBER_PX
        for pid, number in self.numbers.items():
            number.setVisible(self._numbers_shown and self._drawn.get(pid) is not Look.SELECTED)

    def label_bounds(self, scale: float) -> QRectF:
        """Where the stage's and the sections' names lie at ``scale``: they keep their screen size, so on a small
        map they reach past the plan (the stage's name was cut off at the top of a 1280x800 window)."""
        labels = [self.furniture.stage_label, *(s for s in self.furniture.sections if s.plate.isVisible())]
        bounds = QRectF()
        for label in labels:
            bounds = bounds.united(label.scene_rect(scale))
        return bounds

    def _cursor_ring(self) -> QGraphicsRectItem:
        # Two rings (black outside, yellow inside) stay visible on every seat colour and on the background.
        outer = self.scene.addRect(QRectF(), QPen(Qt.PenStyle.NoPen), QBrush(Qt.BrushStyle.NoBrush))
        inner = QGraphicsRectItem(outer)
        outer.setZValue(_Z_CURSOR)
        outer.setVisible(False)
        outer.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self._cursor_inner = inner
        return outer

    def _restyle_fixed(self) -> None:
        """What the look changes besides the seats: background, furniture, cursor ring."""
        c = self.look.colours
        self.scene.setBackgroundBrush(QColor(c.background))
        self.furniture.restyle(self.look, self.styles.colours)
        self.cursor.setPen(QPen(QColor(c.cursor_outer), 10))
        self._cursor_inner.setPen(QPen(QColor(c.cursor_inner), c.cursor_inner_px))

    def set_look(self, look: MapLook) -> bool:
        """Repaint everything in ``look`` (a theme switch); False when it is the look on screen already."""
        if look == self.look:
            return False
        same_colours = look.colours is self.look.colours
        self.look = look
        self.styles = Styles(category_colours(self.model, look.colours.palette), look)
        self._restyle_fixed()
        if same_colours:
            return True  # only the text size changed: the seats stay as they are
        for check in self._checks.values():
            check.setPen(self.styles.check_pen(5))
        # Forget what was drawn: the next render compares (and so repaints) every seat, marks included.
        self._drawn.clear()
        self._drawn_version = -2
        self.render(self.model.state)
        return True

    # --- rendering ------------------------------------------------------------------------------

    def render(self, state: MapSnapshot) -> int:
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

    def _repaint(self, state: MapSnapshot, ids: Iterable[PlaceId], selected: frozenset[PlaceId]) -> int:
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
            number = self.numbers.get(pid)
            if number is not None:
                number.setBrush(styles.mark_colour(category, look))
                number.setVisible(self._numbers_shown and look is not Look.SELECTED)
        return count

    def _render_checks(self, selected: frozenset[PlaceId]) -> None:
        for pid in [p for p in self._checks if p not in selected]:
            self.scene.removeItem(self._checks.pop(pid))
        for pid in selected:
            if pid in self._checks or pid not in self.items:
                continue
            item = self.scene.addPath(check_path(self.items[pid].rect().center()), self.styles.check_pen(5))
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

    def _render_standing(self, state: MapSnapshot) -> None:
        for info in state.standing:
            label = self.furniture.standing.get(info.section_id)
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
