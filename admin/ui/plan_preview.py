"""A seating plan drawn by the kiosk's seat map for the manager: click, Ctrl+click or drag a box to choose seats.

The drawing is the kiosk's (kiosk/ui/seat_map_scene.py, seat_map_canvas.py: the one exception to "Kiosk and admin
are independent", see pyproject.toml), so a plan looks here as buyers will see it; this adds choosing seats and
their tooltips.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRect, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsView, QWidget

from admin.viewmodels.plan_picture import PlanPicture, place_of, seat_of
from core.domain.ids import SeatId
from core.domain.venues import PlanLayout, Seat
from kiosk.ui.seat_map_canvas import SeatMapCanvas
from kiosk.ui.seat_map_look import DEFAULT, MapLook
from kiosk.ui.seat_map_scene import SeatScene

__all__ = ["PREVIEW_LOOK", "PlanPreview"]

PREVIEW_LOOK = MapLook(DEFAULT, label_px=14)
"""The kiosk's colours; names at the admin's text size (the kiosk's 20 px labels are for a touchscreen)."""
ROW_LETTERS_PX = 12
"""Row letters from this seat size on: a mouse picks smaller seats than a finger, and the rows want naming."""


class PlanPreview(SeatMapCanvas):
    """Draws a PlanLayout; ``on_choose(seat_ids, add)`` gets the seats clicked or boxed (Ctrl adds/toggles)."""

    def __init__(
        self, on_choose: Callable[[list[SeatId], bool], None], parent: QWidget | None = None
    ) -> None:
        picture = PlanPicture(None)
        super().__init__(self._scene_for(picture), parent)
        self.picture = picture
        self.setObjectName("planPreview")
        self._on_choose = on_choose
        self._band = QRect()
        self.setMinimumSize(420, 300)
        # A mouse, not a finger: scroll bars to move about a zoomed plan, a rubber band to choose a block.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.rubberBandChanged.connect(self._on_band_changed)
        self._empty_hint()

    @property
    def seat_items(self) -> dict[SeatId, QGraphicsRectItem]:
        return {seat_of(pid): item for pid, item in self.seats.items.items()}

    def render_layout(self, layout: PlanLayout | None, selected: frozenset[SeatId]) -> None:
        """Show the snapshot (idempotent): a new or changed plan is drawn afresh, a new choice only repaints."""
        if layout is not self.picture.layout and layout != self.picture.layout:
            self.picture = PlanPicture(layout, selected)
            self.set_seats(self._scene_for(self.picture))
            self._empty_hint()
        else:
            self.seats.render(self.picture.select(selected))

    def _scene_for(self, picture: PlanPicture) -> SeatScene:
        seats = SeatScene(picture, look=PREVIEW_LOOK, numbers=True, row_letters_px=ROW_LETTERS_PX)
        names = picture.section_names
        for pid, item in seats.items.items():
            seat = picture.seat(pid)
            item.setToolTip(_tip(seat, names.get(seat.section_id, "")))
        return seats

    def _empty_hint(self) -> None:
        if self.picture.seats or self.picture.state.standing:
            return
        hint = self.seats.scene.addSimpleText(
            self.tr("No plan to show yet: make one with the grid or import a CSV file."),
            PREVIEW_LOOK.font(),
        )
        stage = self.seats.furniture.stage.rect()
        box = hint.boundingRect()
        hint.setPos(stage.center().x() - box.width() / 2, stage.bottom() + stage.height())
        self.seats.scene.setSceneRect(self.seats.scene.itemsBoundingRect().adjusted(-40, -40, 40, 40))
        self.fit()

    # --- choosing -------------------------------------------------------------------------------

    def _on_band_changed(self, rect: QRect, _from: QPointF, _to: QPointF) -> None:
        if not rect.isNull():  # the band is reported empty once released: keep the last one drawn
            self._band = rect

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._band = QRect()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        add = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if not self._band.isNull():
            under = self.items(self._band, Qt.ItemSelectionMode.IntersectsItemShape)
            places = {item.data(0) for item in under} - {None}
        else:
            place = self.seats.place_at(self.items(event.position().toPoint()))
            places = set() if place is None else {place}
        self._band = QRect()
        chosen = sorted(seat_of(p) for p in places if p in self.picture.places)
        self._on_choose(chosen, add)

    def is_chosen(self, seat_id: SeatId) -> bool:
        return place_of(seat_id) in self.picture.state.selection


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
