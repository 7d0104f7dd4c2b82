"""The seat map's furniture: stage, standing blocks and section names, as labels that stay readable at any zoom."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QGraphicsScene, QGraphicsSimpleTextItem

from core.domain.catalog import MapPlace
from core.domain.ids import CategoryId, SectionId
from kiosk.viewmodels.seat_map import SeatMapModel, StandingInfo

LABEL_PX = 20
"""Kiosk body text: labels keep this on-screen size whatever the zoom (ItemIgnoresTransformations)."""
_Z_LABEL = 4.0


class ScreenLabel:
    """Text on a translucent plate, centred on a scene point, drawn at a fixed screen size."""

    def __init__(self, scene: QGraphicsScene, at: QPointF, text: str, colour: str, plate: str) -> None:
        font = QFont()
        font.setPixelSize(LABEL_PX)
        font.setBold(True)
        self.plate = QGraphicsRectItem()
        self.plate.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.plate.setPen(QPen(Qt.PenStyle.NoPen))
        self.plate.setBrush(QColor(plate))
        self.plate.setZValue(_Z_LABEL)
        self.plate.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.plate.setPos(at)
        self.text = QGraphicsSimpleTextItem(self.plate)
        self.text.setFont(font)
        self.text.setBrush(QColor(colour))
        scene.addItem(self.plate)
        self.set_text(text)

    def set_text(self, text: str) -> None:
        if self.text.text() == text:
            return
        self.text.setText(text)
        box = self.text.boundingRect()
        self.text.setPos(-box.width() / 2, -box.height() / 2)
        self.plate.setRect(
            QRectF(-box.width() / 2 - 6, -box.height() / 2 - 2, box.width() + 12, box.height() + 4)
        )


def standing_text(info: StandingInfo) -> str:
    return QCoreApplication.translate("SeatMap", "{name} · standing · {price} · {left} left").format(
        name=info.name, price=info.price.format(), left=f"{info.left:,}"
    )


def add_furniture(
    scene: QGraphicsScene, model: SeatMapModel, colours: dict[CategoryId, QColor], unit: float, seat: float
) -> dict[SectionId, ScreenLabel]:
    """Section names over their seats; the stage and the standing blocks in front. Returns the standing labels."""
    seats = model.seats
    if seats:
        left, right = min(p.x for p in seats) * unit - seat, max(p.x for p in seats) * unit + seat
        top, bottom = min(p.y for p in seats) * unit - seat, max(p.y for p in seats) * unit + seat
    else:
        left, right, top, bottom = 0.0, 20 * unit, 0.0, 10 * unit
    by_section: dict[SectionId, list[MapPlace]] = {}
    for p in seats:
        by_section.setdefault(p.section_id, []).append(p)
    for section_id, places in by_section.items():
        cx = (min(p.x for p in places) + max(p.x for p in places)) / 2 * unit
        y = min(p.y for p in places) * unit - seat * 1.1
        ScreenLabel(scene, QPointF(cx, y), model.section_names[section_id].upper(), "#333333", "#e6f7f7f4")
    # Standing sections have no plan position: blocks between the stage and the seats. Their height grows with
    # the plan, so at "whole map" they stay tall enough for their label.
    band = max(2.6 * unit, (bottom - top) * 0.06)
    standing = model.state.standing
    y = top - unit * 1.6 - (band + unit * 0.4 if standing else 0)
    width = (right - left) / max(1, len(standing))
    labels: dict[SectionId, ScreenLabel] = {}
    for i, info in enumerate(standing):
        rect = QRectF(left + i * width + 4, y, width - 8, band)
        fill = QColor(colours[info.category_id])
        fill.setAlpha(70)
        block = scene.addRect(rect, QPen(colours[info.category_id], 4), QBrush(fill))
        block.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        labels[info.section_id] = ScreenLabel(
            scene, rect.center(), standing_text(info), "#1a1a1a", "#00000000"
        )
    stage_h = band * 0.7
    stage_rect = QRectF(left + (right - left) * 0.2, y - unit * 0.6 - stage_h, (right - left) * 0.6, stage_h)
    scene.addRect(stage_rect, QPen(Qt.PenStyle.NoPen), QBrush(QColor("#3a3a3a")))
    ScreenLabel(
        scene, stage_rect.center(), QCoreApplication.translate("SeatMap", "STAGE"), "#ffffff", "#00000000"
    )
    return labels
