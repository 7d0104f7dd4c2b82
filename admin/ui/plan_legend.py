"""The plan preview's legend: each kind of seat as the seat map draws it (its own swatches), with how many."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from admin.viewmodels.plan_picture import RESTRICTED_GROUP, SEAT_GROUP
from kiosk.ui.seat_map_scene import Look, SeatScene, swatch

__all__ = ["PlanLegend"]

SWATCH_PX = 22
COLUMNS = 3


class PlanLegend(QWidget):
    """Seats, restricted view, wheelchair places, companion seats, blocked, chosen: swatch · words · count."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("legend")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 4, 0, 4)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        self.keys = ("seats", "restricted_view", "accessible", "companion", "blocked", "chosen")
        self.icons: dict[str, QLabel] = {}
        self.words: dict[str, QLabel] = {}
        for i, key in enumerate(self.keys):
            row, column = divmod(i, COLUMNS)
            icon = QLabel()
            icon.setFixedSize(SWATCH_PX, SWATCH_PX)
            icon.setScaledContents(True)
            words = QLabel()
            words.setObjectName(f"legend_{key}")
            grid.addWidget(icon, row, column * 2)
            grid.addWidget(words, row, column * 2 + 1)
            grid.setColumnStretch(column * 2 + 1, 1)
            self.icons[key], self.words[key] = icon, words

    def show_plan(self, seats: SeatScene, counts: dict[str, int], chosen: int) -> None:
        """The swatches in the map's current look, and the counts of the plan on show."""
        styles, wheelchair = seats.styles, seats.wheelchair
        looks = {
            "seats": (SEAT_GROUP, Look.FREE, ""),
            "restricted_view": (RESTRICTED_GROUP, Look.FREE, ""),
            "accessible": (None, Look.FREE, wheelchair),
            "companion": (None, Look.FREE, "C"),
            "blocked": (SEAT_GROUP, Look.TAKEN, ""),
            "chosen": (SEAT_GROUP, Look.SELECTED, ""),
        }
        words = {
            "seats": self.tr("Seats: {n} in all"),
            "restricted_view": self.tr("Restricted view: {n}"),
            "accessible": self.tr("Wheelchair places: {n}"),
            "companion": self.tr("Companion seats: {n}"),
            "blocked": self.tr("Blocked (not for sale): {n}"),
            "chosen": self.tr("Chosen: {n}"),
        }
        numbers = {**counts, "chosen": chosen}
        for key in self.keys:
            category, look, mark = looks[key]
            self.icons[key].setPixmap(swatch(styles, category, look, mark))
            self.words[key].setText(words[key].format(n=f"{numbers[key]:,}"))
