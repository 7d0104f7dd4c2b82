"""The seat map's furniture: stage, standing blocks and section names, as labels that stay readable at any zoom."""

from __future__ import annotations

from dataclasses import dataclass

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
from kiosk.viewmodels.seat_map import SeatMapModel, StandingInfo
from kiosk.viewmodels.words import money

_Z_LABEL = 4.0
MIN_PX = 14
"""A standing label shrinks to this at most before it gives up words (elides)."""
_PAD = 8


class ScreenLabel:
    """Text on a translucent plate, centred on a scene point, drawn at a fixed screen size."""

    def __init__(self, scene: QGraphicsScene, at: QPointF, text: str) -> None:
        self.plate = QGraphicsRectItem()
        self.plate.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.plate.setPen(QPen(Qt.PenStyle.NoPen))
        self.plate.setZValue(_Z_LABEL)
        self.plate.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.plate.setPos(at)
        self.text = QGraphicsSimpleTextItem(text, self.plate)
        scene.addItem(self.plate)

    def restyle(self, font: QFont, colour: str, plate: str) -> None:
        self.text.setFont(font)
        self.text.setBrush(QColor(colour))
        self.plate.setBrush(QColor(plate))
        box = self.text.boundingRect()
        self.text.setPos(-box.width() / 2, -box.height() / 2)
        self.plate.setRect(
            QRectF(-box.width() / 2 - 6, -box.height() / 2 - 2, box.width() + 12, box.height() + 4)
        )


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
    return QCoreApplication.translate("SeatMap", "{name} · standing · {price} · {left} left").format(
        name=info.name, price=money(info.price), left=f"{info.left:,}"
    )


class Furniture:
    """Section names over their seats; the stage and the standing blocks in front."""

    def __init__(self, scene: QGraphicsScene, model: SeatMapModel, unit: float, seat: float) -> None:
        seats = model.seats
        if seats:
            left, right = min(p.x for p in seats) * unit - seat, max(p.x for p in seats) * unit + seat
            top, bottom = min(p.y for p in seats) * unit - seat, max(p.y for p in seats) * unit + seat
        else:
            left, right, top, bottom = 0.0, 20 * unit, 0.0, 10 * unit
        by_section: dict[SectionId, list[MapPlace]] = {}
        for p in seats:
            by_section.setdefault(p.section_id, []).append(p)
        self.sections: list[ScreenLabel] = []
        for section_id, places in by_section.items():
            cx = (min(p.x for p in places) + max(p.x for p in places)) / 2 * unit
            y = min(p.y for p in places) * unit - seat * 1.1
            self.sections.append(ScreenLabel(scene, QPointF(cx, y), model.section_names[section_id].upper()))
        # Standing sections have no plan position: blocks between the stage and the seats. Their height grows
        # with the plan, so at "whole map" they stay tall enough for their label (on two lines if need be).
        band = max(4.2 * unit, (bottom - top) * 0.09)
        standing = model.state.standing
        y = top - unit * 1.6 - (band + unit * 0.4 if standing else 0)
        width = (right - left) / max(1, len(standing))
        self.blocks: list[tuple[QGraphicsRectItem, CategoryId]] = []
        self.standing: dict[SectionId, BlockLabel] = {}
        for i, info in enumerate(standing):
            rect = QRectF(left + i * width + 4, y, width - 8, band)
            block = scene.addRect(rect)
            block.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self.blocks.append((block, info.category_id))
            label = BlockLabel(rect, standing_text(info))
            scene.addItem(label)
            self.standing[info.section_id] = label
        stage_h = band * 0.45
        stage_rect = QRectF(
            left + (right - left) * 0.2, y - unit * 0.6 - stage_h, (right - left) * 0.6, stage_h
        )
        self.stage = scene.addRect(stage_rect, QPen(Qt.PenStyle.NoPen))
        self.stage_label = ScreenLabel(
            scene, stage_rect.center(), QCoreApplication.translate("SeatMap", "STAGE")
        )

    def restyle(self, look: MapLook, colours: dict[CategoryId, QColor]) -> None:
        c = look.colours
        font = look.font()
        for label in self.sections:
            label.restyle(font, c.label_text, c.label_plate)
        for block, category in self.blocks:
            fill = QColor(colours[category])
            fill.setAlpha(c.standing_alpha)
            block.setPen(QPen(colours[category], c.standing_px))
            block.setBrush(QBrush(fill))
        for standing in self.standing.values():
            standing.restyle(c.standing_text, c.standing_plate, look.label_px)
        self.stage.setBrush(QBrush(QColor(c.stage_fill)))
        self.stage_label.restyle(font, c.stage_text, "#00000000")
