"""The seat map's furniture: stage, standing blocks and section names, as labels that stay readable at any zoom."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QTransform
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from core.domain.catalog import MapPlace
from core.domain.ids import CategoryId, SectionId
from kiosk.ui.seat_map_look import MapLook
from kiosk.viewmodels.seat_map_source import MapSource, StandingInfo
from kiosk.viewmodels.words import money

_Z_LABEL = 4.0
_GAP = 4
"""Screen pixels between a label and the seats it names."""
AISLE_UNITS = 1.9
"""A gap this wide (in seat pitches) between two neighbours in a row is an aisle: the row's letter goes there."""
ROW_LETTERS_PX = 24
"""Row letters show once a seat is this wide on screen: big enough to pick, with room beside the row."""
MIN_PX = 14
"""A standing label shrinks to this at most before it gives up words (elides)."""
_PAD = 8
STANDING_MIN_UNITS = 8.0
"""A standing block is at least this wide (in seat pitches): over a small seated section, blocks as wide as its
seats were too narrow for their words ("Floor · s…"). Wider blocks stand centred over the seats."""


class Anchor(Enum):
    """Which side of its scene point a label lies on: it grows away from the point as the map zooms out."""

    ABOVE = "above"
    LEFT = "left"
    RIGHT = "right"
    CENTRE = "centre"


class ScreenLabel:
    """Text on a translucent plate at a scene point, drawn at a fixed screen size, on one side of the point."""

    def __init__(self, scene: QGraphicsScene, at: QPointF, text: str, anchor: Anchor = Anchor.CENTRE) -> None:
        self.plate = QGraphicsRectItem()
        self.plate.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.plate.setPen(QPen(Qt.PenStyle.NoPen))
        self.plate.setZValue(_Z_LABEL)
        self.plate.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.plate.setPos(at)
        self.text = QGraphicsSimpleTextItem(text, self.plate)
        self.anchor = anchor
        scene.addItem(self.plate)

    def restyle(self, font: QFont, colour: str, plate: str) -> None:
        self.text.setFont(font)
        self.text.setBrush(QColor(colour))
        self.plate.setBrush(QColor(plate))
        self.set_anchor(self.anchor, self.plate.pos())

    def set_anchor(self, anchor: Anchor, at: QPointF) -> None:
        self.anchor = anchor
        self.plate.setPos(at)
        box = self.text.boundingRect()
        w, h = box.width() + 12, box.height() + 4
        x = {Anchor.LEFT: -w - _GAP, Anchor.RIGHT: _GAP}.get(anchor, -w / 2)
        y = -h - _GAP if anchor is Anchor.ABOVE else -h / 2
        self.plate.setRect(QRectF(x, y, w, h))
        self.text.setPos(x + 6, y + 2)

    def scene_rect(self, scale: float) -> QRectF:
        """Where the plate lies in the scene when the view shows the scene at ``scale`` (screen px per unit)."""
        r = self.plate.rect()
        at = self.plate.pos()
        return QRectF(at.x() + r.x() / scale, at.y() + r.y() / scale, r.width() / scale, r.height() / scale)


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]
    font: QFont

    def size(self) -> tuple[float, float]:
        metrics = QFontMetricsF(self.font)
        return max(metrics.horizontalAdvance(line) for line in self.lines), metrics.height() * len(self.lines)


def _two_lines(text: str) -> tuple[str, ...] | None:
    parts = text.split(" · ")
    if len(parts) < 2:
        return None
    # Break at the separator nearest the middle: two lines of about equal width.
    best = min(range(1, len(parts)), key=lambda i: abs(len(" · ".join(parts[:i])) - len(text) / 2))
    return " · ".join(parts[:best]), " · ".join(parts[best:])


def fit_text(text: str, px: int, width: float, height: float) -> Fitted:
    """The largest layout of ``text`` within width x height: one line, else two, at ``px`` down to MIN_PX;
    when nothing fits, one elided line at MIN_PX."""
    font = QFont()
    font.setBold(True)
    options = [(text,), *filter(None, [_two_lines(text)])]
    for size in range(px, MIN_PX - 1, -2):
        font.setPixelSize(size)
        for lines in options:
            fitted = Fitted(lines, QFont(font))
            w, h = fitted.size()
            if w <= width and h <= height:
                return fitted
    font.setPixelSize(MIN_PX)
    elided = QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, max(0.0, width))
    return Fitted((elided,), font)


class BlockLabel(QGraphicsItem):
    """A standing block's text: at the kiosk's text size where the block is wide enough on screen, else on two
    lines or smaller, so it never spills out of its block at any zoom."""

    def __init__(self, rect: QRectF, text: str) -> None:
        super().__init__()
        self._rect = QRectF(rect)
        self._text = text
        self._colour = QColor("#000000")
        self._plate = QColor("#00000000")
        self._px = 20
        self.setZValue(_Z_LABEL)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def text(self) -> str:
        return self._text

    def set_text(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.update()

    def restyle(self, colour: str, plate: str, px: int) -> None:
        self._colour, self._plate, self._px = QColor(colour), QColor(plate), px
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def fitted(self, device: QTransform) -> tuple[Fitted, QRectF]:
        """The text's layout under the view's transform, and the block on screen."""
        box = device.mapRect(self._rect)
        room = box.adjusted(_PAD, 3, -_PAD, -3)
        return fit_text(self._text, self._px, room.width(), room.height()), box

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        fitted, box = self.fitted(painter.worldTransform())
        w, h = fitted.size()
        if h > box.height():
            return  # zoomed so far out that no readable text fits: the block's colour says enough
        painter.save()
        painter.resetTransform()  # device pixels: the text keeps its size whatever the zoom
        painter.setFont(fitted.font)
        if self._plate.alpha():
            plate = QRectF(0, 0, w + 12, h + 4)
            plate.moveCenter(box.center())
            painter.fillRect(plate, self._plate)
        painter.setPen(self._colour)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "\n".join(fitted.lines))
        painter.restore()


def standing_text(info: StandingInfo) -> str:
    if info.price is None:  # a seating plan's section (the admin's preview): no concert, no price, no sales
        return QCoreApplication.translate("SeatMap", "{name} · standing · {places} places").format(
            name=info.name, places=f"{info.left:,}"
        )
    return QCoreApplication.translate("SeatMap", "{name} · standing · {price} · {left} left").format(
        name=info.name, price=money(info.price), left=f"{info.left:,}"
    )


@dataclass(frozen=True)
class _Spot:
    """A section's bounding box in the scene: its name goes above it, else beside it."""

    left: float
    top: float
    right: float
    bottom: float

    def anchors(self) -> tuple[tuple[Anchor, QPointF], ...]:
        middle = (self.top + self.bottom) / 2
        return (
            (Anchor.ABOVE, QPointF((self.left + self.right) / 2, self.top)),
            (Anchor.LEFT, QPointF(self.left, middle)),
            (Anchor.RIGHT, QPointF(self.right, middle)),
        )


class Furniture:
    """Section names by their seats; row letters at both ends of each row; the stage and the standing blocks."""

    def __init__(self, scene: QGraphicsScene, model: MapSource, unit: float, seat: float) -> None:
        seats = model.seats
        if seats:
            left, right = min(p.x for p in seats) * unit - seat, max(p.x for p in seats) * unit + seat
            top, bottom = min(p.y for p in seats) * unit - seat, max(p.y for p in seats) * unit + seat
        else:
            left, right, top, bottom = 0.0, 20 * unit, 0.0, 10 * unit
        by_section: dict[SectionId, list[MapPlace]] = {}
        for p in seats:
            by_section.setdefault(p.section_id, []).append(p)
        half = seat / 2 + 3  # a seat's outline reaches past its square: keep clear of it too
        self.sections: list[ScreenLabel] = []
        self._spots: list[_Spot] = []
        self.rows: list[ScreenLabel] = []
        self._aisles: dict[float, list[ScreenLabel]] = {}
        """The letters in each aisle, by the aisle's x: a column shows whole or not at all."""
        for section_id, places in by_section.items():
            spot = _Spot(
                min(p.x for p in places) * unit - half,
                min(p.y for p in places) * unit - half,
                max(p.x for p in places) * unit + half,
                max(p.y for p in places) * unit + half,
            )
            label = ScreenLabel(
                scene, spot.anchors()[0][1], model.section_names[section_id].upper(), Anchor.ABOVE
            )
            self.sections.append(label)
            self._spots.append(spot)
            self._add_row_letters(scene, places, unit, half)
        self._add_stage_and_standing(scene, model, unit, (left, right, top, bottom))

    def _add_row_letters(
        self, scene: QGraphicsScene, places: list[MapPlace], unit: float, half: float
    ) -> None:
        rows: dict[str, list[MapPlace]] = {}
        for p in places:
            if p.row:
                rows.setdefault(p.row, []).append(p)
        for row, members in rows.items():
            line = sorted(members, key=lambda p: p.x)
            spots = [(line[0].x * unit - half, line[0].y * unit, Anchor.LEFT)]
            # And in every aisle the row crosses, so a buyer zoomed in on a middle block still reads its row.
            for before, after in itertools.pairwise(line):
                if after.x - before.x >= AISLE_UNITS:
                    mid = (before.x + after.x) / 2 * unit
                    spots.append((mid, (before.y + after.y) / 2 * unit, Anchor.CENTRE))
            spots.append((line[-1].x * unit + half, line[-1].y * unit, Anchor.RIGHT))
            for x, y, anchor in spots:
                letter = ScreenLabel(scene, QPointF(x, y), row, anchor)
                letter.plate.setVisible(False)
                self.rows.append(letter)
                if anchor is Anchor.CENTRE:
                    self._aisles.setdefault(round(x, 1), []).append(letter)

    def _add_stage_and_standing(
        self,
        scene: QGraphicsScene,
        model: MapSource,
        unit: float,
        bounds: tuple[float, float, float, float],
    ) -> None:
        left, right, top, bottom = bounds
        # Standing sections have no plan position: blocks between the stage and the seats. Their height grows
        # with the plan, so at "whole map" they stay tall enough for their label (on two lines if need be).
        band = max(4.2 * unit, (bottom - top) * 0.09)
        standing = model.state.standing
        # Room above the first row for its section's name, so the name does not sit on the standing block.
        y = top - unit * 2.2 - (band + unit * 0.4 if standing else 0)
        span = max(right - left, len(standing) * STANDING_MIN_UNITS * unit)
        start = (left + right - span) / 2
        width = span / max(1, len(standing))
        self.blocks: list[tuple[QGraphicsRectItem, CategoryId]] = []
        self.standing: dict[SectionId, BlockLabel] = {}
        for i, info in enumerate(standing):
            rect = QRectF(start + i * width + 4, y, width - 8, band)
            block = scene.addRect(rect)
            block.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self.blocks.append((block, info.category_id))
            label = BlockLabel(rect, standing_text(info))
            scene.addItem(label)
            self.standing[info.section_id] = label
        stage_h = band * 0.45
        stage_rect = QRectF(start + span * 0.2, y - unit * 0.6 - stage_h, span * 0.6, stage_h)
        self.stage = scene.addRect(stage_rect, QPen(Qt.PenStyle.NoPen))
        self.stage_label = ScreenLabel(
            scene, stage_rect.center(), QCoreApplication.translate("SeatMap", "STAGE")
        )

    def place_labels(
        self,
        scale: float,
        seat_px: float,
        covers_seat: Callable[[QRectF], bool],
        row_letters_px: float = ROW_LETTERS_PX,
    ) -> None:
        """Put each section's name where it covers no seat at this zoom (above its seats, else left or right of
        them; hidden when no side is free), and show the row letters once seats are big enough to pick."""
        placed: list[QRectF] = []
        for label, spot in zip(self.sections, self._spots, strict=True):
            label.plate.setVisible(False)
            for anchor, at in spot.anchors():
                label.set_anchor(anchor, at)
                rect = label.scene_rect(scale)
                if not covers_seat(rect) and not any(rect.intersects(other) for other in placed):
                    label.plate.setVisible(True)
                    placed.append(rect)
                    break
        show_rows = seat_px >= row_letters_px
        for letter in self.rows:
            letter.plate.setVisible(show_rows and not covers_seat(letter.scene_rect(scale)))
        # A letter that would touch a seat leaves its aisle's column gappy (every other row, as rounding falls):
        # then the ends of the rows name them alone.
        for column in self._aisles.values():
            if not all(letter.plate.isVisible() for letter in column):
                for letter in column:
                    letter.plate.setVisible(False)

    def restyle(self, look: MapLook, colours: dict[CategoryId, QColor]) -> None:
        c = look.colours
        font = look.font()
        for label in self.sections:
            label.restyle(font, c.label_text, c.label_plate)
        row_font = look.font(max(14, round(look.label_px * 0.8)))
        for letter in self.rows:
            letter.restyle(row_font, c.label_text, c.label_plate)
        for block, category in self.blocks:
            fill = QColor(colours[category])
            fill.setAlpha(c.standing_alpha)
            block.setPen(QPen(colours[category], c.standing_px))
            block.setBrush(QBrush(fill))
        for standing in self.standing.values():
            standing.restyle(c.standing_text, c.standing_plate, look.label_px)
        self.stage.setBrush(QBrush(QColor(c.stage_fill)))
        # On a plate of the stage's own colour: the name keeps its size, so on a small map it is taller than the
        # stage, and its letters ran off the stage onto a background of their own colour (high contrast).
        self.stage_label.restyle(font, c.stage_text, c.stage_fill)
