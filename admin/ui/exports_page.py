"""The "Exports" screen: the concerts in a table; beside it, for the chosen one, its orders, tickets and check-ins
as CSV and its sales report as a PDF, with a progress bar that moves as the rows arrive and a Cancel button."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from admin.ui.binding import bind
from admin.ui.save_dialog import ChooseFile, save_dialog
from admin.viewmodels.exports import ExportsState, ExportsViewModel
from admin.viewmodels.venue_time import zone_time
from core.domain.concert_bodies import ConcertOverview
from core.domain.ids import ConcertId
from core.domain.reports import ExportKind

SIDE_WIDTH = 420
COLUMNS = ("Concert", "Venue", "Starts", "Status", "Tickets sold")
STATUS_WORDS = {
    "draft": "Draft",
    "on_sale": "On sale",
    "sales_closed": "Sales closed",
    "cancelled": "Cancelled",
}


def _starts(overview: ConcertOverview) -> str:
    """By the venue's clock, with its abbreviation ('12 Dec 2026 20:00 CET')."""
    return zone_time(overview.concert.starts_at, overview.timezone, "%d %b %Y %H:%M")


class ExportsPage(QWidget):
    def __init__(self, vm: ExportsViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-exports")
        self.vm = vm
        self._rendering = False
        self.choose_file: ChooseFile = save_dialog(self)

        heading = QLabel(self.tr("Exports"))
        heading.setObjectName("pageTitle")
        summary = QLabel(
            self.tr(
                "Choose a concert, then save its orders, tickets or check-ins as CSV, or its sales report."
            )
        )
        summary.setObjectName("pageSummary")
        summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("concertTable")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(34)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        main = QVBoxLayout()
        main.addWidget(heading)
        main.addWidget(summary)
        main.addWidget(self.table, 1)

        self.message = QLabel()
        self.message.setObjectName("status")  # styled from the start, so its padding is in its size
        self.message.setWordWrap(True)
        side = QVBoxLayout()
        side.setSpacing(12)
        side.addWidget(self._files_box())
        side.addWidget(self._progress_box())
        side.addWidget(self.message)
        side.addStretch(1)
        side_box = QWidget()
        side_box.setObjectName("sidePanel")
        side_box.setLayout(side)
        side_box.setFixedWidth(SIDE_WIDTH)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(20)
        layout.addLayout(main, 1)
        layout.addWidget(side_box)

        self.table.currentCellChanged.connect(lambda row, *_: self._on_table_row(row))
        for kind, button in self.csv_buttons.items():
            button.clicked.connect(lambda _=False, k=kind: self._on_csv(k))
        self.report.clicked.connect(self._on_report)
        self.cancel.clicked.connect(self.vm.cancel)
        bind(vm.changed, self._on_vm_changed, self)
        self._on_vm_changed(vm.state)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.vm.busy:
            self.vm.request_load()

    def close_page(self) -> None:
        self.vm.close()

    def _files_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Chosen concert"))
        self.chosen = QLabel()
        self.chosen.setObjectName("chosenConcert")
        self.chosen.setWordWrap(True)
        csv_hint = QLabel(self.tr("CSV, one row per record; amounts in minor units (cents), times in UTC."))
        csv_hint.setObjectName("hint")
        csv_hint.setWordWrap(True)
        self.csv_buttons = {
            ExportKind.ORDERS: QPushButton(self.tr("Orders")),
            ExportKind.TICKETS: QPushButton(self.tr("Tickets")),
            ExportKind.CHECKINS: QPushButton(self.tr("Check-ins")),
        }
        row = QHBoxLayout()
        for button in self.csv_buttons.values():
            row.addWidget(button)
        self.report = QPushButton(self.tr("Sales report (PDF)"))
        self.report.setObjectName("primary")
        report_hint = QLabel(self.tr("Totals by price category and by day, check-ins by gate, refunds."))
        report_hint.setObjectName("hint")
        report_hint.setWordWrap(True)
        layout = QVBoxLayout(box)
        layout.setSpacing(8)
        layout.addWidget(self.chosen)
        layout.addSpacing(4)
        layout.addWidget(QLabel(self.tr("Save as CSV:")))
        layout.addLayout(row)
        layout.addWidget(csv_hint)
        layout.addSpacing(6)
        layout.addWidget(self.report)
        layout.addWidget(report_hint)
        return box

    def _progress_box(self) -> QGroupBox:
        self.progress_box = box = QGroupBox(self.tr("Saving"))
        self.progress_text = QLabel()
        self.progress_text.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("exportProgress")
        self.cancel = QPushButton(self.tr("Cancel"))
        layout = QVBoxLayout(box)
        layout.addWidget(self.progress_text)
        layout.addWidget(self.progress)
        layout.addWidget(self.cancel, 0, Qt.AlignmentFlag.AlignRight)
        return box

    # --- intent ----------------------------------------------------------------------------------------

    def _on_table_row(self, row: int) -> None:
        concerts = self.vm.state.concerts
        if not self._rendering and 0 <= row < len(concerts):
            self.vm.select(ConcertId(concerts[row].concert.id))

    def _on_csv(self, kind: ExportKind) -> None:
        target = self.choose_file(self.vm.suggested_name(kind), self.tr("CSV files (*.csv)"))
        if target is not None:
            self.vm.request_export(kind, Path(target))

    def _on_report(self) -> None:
        target = self.choose_file(self.vm.suggested_name(None), self.tr("PDF files (*.pdf)"))
        if target is not None:
            self.vm.request_sales_report(Path(target))

    # --- render ----------------------------------------------------------------------------------------

    def _on_vm_changed(self, state: ExportsState) -> None:
        self._rendering = True
        try:
            self._render_table(state)
        finally:
            self._rendering = False
        chosen = state.selected
        if chosen is None:
            self.chosen.setText(self.tr("No concert chosen."))
        else:
            self.chosen.setText(f"<b>{chosen.concert.title}</b><br>{chosen.venue_name} · {_starts(chosen)}")
        idle = chosen is not None and not state.running
        for button in (*self.csv_buttons.values(), self.report):
            button.setEnabled(idle)
        self.progress_box.setVisible(bool(state.running))
        self.cancel.setEnabled(bool(state.running))
        if state.running == "sales report":
            self.progress.setRange(0, 0)  # the server draws it: no steps to count
            self.progress_text.setText(self.tr("The server is drawing the sales report…"))
        elif state.running:
            self.progress.setRange(0, max(state.rows_total, 1))
            self.progress.setValue(min(state.rows_done, max(state.rows_total, 1)))
            self.progress_text.setText(
                self.tr("Saving {what}: {done:,} of {total:,} rows").format(
                    what=state.running, done=state.rows_done, total=state.rows_total
                )
            )
        if state.error:
            self.message.setObjectName("error")
            self.message.setText(state.error)
        elif state.notice:
            self.message.setObjectName("status")
            self.message.setText(state.notice)
        else:
            self.message.setText("")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setVisible(bool(state.error or state.notice))
        self.message.updateGeometry()

    def _render_table(self, state: ExportsState) -> None:
        shown = [self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(self.table.rowCount())
                 if self.table.item(r, 0) is not None]  # fmt: skip
        if shown != [c.concert.id for c in state.concerts]:
            self.table.setRowCount(len(state.concerts))
            for row, overview in enumerate(state.concerts):
                cells = (
                    overview.concert.title,
                    overview.venue_name,
                    _starts(overview),
                    STATUS_WORDS.get(overview.concert.status.value, overview.concert.status.value),
                    f"{overview.tickets:,}",
                )
                for column, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    if column == 0:
                        item.setData(Qt.ItemDataRole.UserRole, overview.concert.id)
                    self.table.setItem(row, column, item)
        ids = [c.concert.id for c in state.concerts]
        if state.selected_id in ids:
            row = ids.index(state.selected_id)
            if self.table.currentRow() != row:
                self.table.selectRow(row)
