"""The Concerts screen's list: one row per concert, its title over its artist and its day over its time, so a
long title reads whole beside the editor on a 1366x768 laptop (on one line "title — artist" it was cut to
"Night Music …")."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from admin.viewmodels.concerts import STATUS_WORDS, ConcertsState
from admin.viewmodels.venue_time import in_zone
from core.domain.concert_bodies import ConcertOverview

__all__ = ["COLUMNS", "ConcertTable", "concert_cell", "starts_cell"]

COLUMNS = ("Concert", "Starts", "Venue", "Status", "Sold", "Orders")
ROW_HEIGHT = 50
"""Two lines of text and their padding."""


def concert_cell(overview: ConcertOverview) -> str:
    return f"{overview.concert.title}\n{overview.concert.artist}"


def starts_cell(moment: datetime, timezone: str) -> str:
    """By the venue's clock, date over time with the zone's abbreviation: '12 Dec 2026' / '20:00 CET'."""
    local = in_zone(moment, timezone)
    return f"{local:%d %b %Y}\n{local:%H:%M} {local.tzname() or timezone}".rstrip()


class ConcertTable(QTableWidget):
    """Read-only, one row chosen at a time; ``show_concerts`` redraws every row from the state."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setObjectName("concertTable")
        self.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(
            False
        )  # lines break where the cell says; a title too long even so is elided (tooltip)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        sold_header = self.horizontalHeaderItem(4)
        if sold_header is not None:
            sold_header.setToolTip(self.tr("Tickets sold and not refunded"))

    def show_concerts(self, state: ConcertsState) -> None:
        self.setRowCount(len(state.concerts))
        for row, overview in enumerate(state.concerts):
            c = overview.concert
            cells = (
                concert_cell(overview),
                starts_cell(c.starts_at, overview.timezone),
                overview.venue_name,
                self.tr(STATUS_WORDS[c.status]),
                f"{overview.tickets:,}",
                f"{overview.orders:,}",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text.replace("\n", " — " if column == 0 else " "))
                if c.status.value == "cancelled":
                    item.setForeground(self.palette().placeholderText())
                if column >= 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(row, column, item)
        ids = [o.concert.id for o in state.concerts]
        if state.selected in ids:
            self.selectRow(ids.index(state.selected))
        else:
            self.clearSelection()
