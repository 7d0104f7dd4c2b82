"""The "Door" screen: one concert's check-ins live (admitted, inside, rate, by gate and minute) and, for
managers, the tickets admitted twice while doors were offline, each resolved with what was found (audited)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from admin.ui.binding import bind
from admin.ui.charts import GateMinutesChart
from admin.ui.dashboard_page import fit_rows, when
from admin.viewmodels.door_monitor import RESOLUTION_WORDS, DoorMonitorState, DoorMonitorViewModel
from core.domain.dashboard import ConflictResolution
from core.domain.door import CheckinConflict
from core.domain.ids import ConcertId

GATE_COLUMNS = ("Gate", "Entries", "Last entry")
CONFLICT_COLUMNS = ("Ticket", "Place", "Gates")
"""The times and whether each door was offline are under the list, for the chosen conflict."""
SIDE_WIDTH = 460


def _figure(title: str) -> tuple[QWidget, QLabel]:
    box = QWidget()
    box.setObjectName("figure")
    number = QLabel("—")
    number.setObjectName("figureNumber")
    caption = QLabel(title)
    caption.setObjectName("figureCaption")
    layout = QVBoxLayout(box)
    layout.setContentsMargins(16, 10, 16, 10)
    layout.setSpacing(2)
    layout.addWidget(number)
    layout.addWidget(caption)
    return box, number


def _admit(gate: str | None, at: object, offline: bool | None, zone: str) -> str:
    if gate is None:
        return "—"
    return f"{gate}, {when(at, zone)}" + (" (offline)" if offline else "")  # type: ignore[arg-type]


def _zone(state: DoorMonitorState, concert_id: ConcertId | None) -> str:
    """The concert's venue's zone (its times are by that clock); '' (the desktop's) when it is not listed."""
    return next((c.timezone for c in state.concerts if c.concert.id == concert_id), "")


class DoorPage(QWidget):
    def __init__(self, vm: DoorMonitorViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-door")
        self.vm = vm
        self._rendering = False
        self._loaded = False

        heading = QLabel(self.tr("Door"))
        heading.setObjectName("pageTitle")
        self.concert = QComboBox()
        self.concert.setObjectName("doorConcert")
        self.concert.setMinimumWidth(360)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(20)
        top.addWidget(QLabel(self.tr("Concert")))
        top.addWidget(self.concert)
        top.addStretch(1)

        figures = QHBoxLayout()
        figures.setSpacing(12)
        boxes = [
            _figure(self.tr(t)) for t in ("admitted", "inside now", "a minute (last 5 min)", "tickets sold")
        ]
        self.admitted, self.inside, self.rate, self.tickets = (number for _, number in boxes)
        for box, _ in boxes:
            figures.addWidget(box)
        figures.addStretch(1)

        self.gates = QTableWidget(0, len(GATE_COLUMNS))
        self.gates.setObjectName("gateTable")
        self._plain(self.gates, GATE_COLUMNS)
        self.gates.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.chart = GateMinutesChart()
        self.chart.setObjectName("doorChart")
        self.message = QLabel()
        self.message.setWordWrap(True)
        main = QVBoxLayout()
        main.setSpacing(12)
        main.addLayout(figures)
        main.addWidget(self.chart, 1)
        main.addWidget(self.gates)

        body = QHBoxLayout()
        body.setSpacing(20)
        body.addLayout(main, 1)
        self.side = self._conflicts_box()
        self.side.setFixedWidth(SIDE_WIDTH)
        body.addWidget(self.side)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addLayout(body, 1)

        self.concert.currentIndexChanged.connect(self._on_concert_chosen)
        self.conflicts.currentCellChanged.connect(lambda row, *_: self._on_conflict_row(row))
        self.resolve.clicked.connect(self._on_resolve_clicked)
        bind(vm.changed, self._on_vm_changed, self)
        self._on_vm_changed(vm.state)

    @staticmethod
    def _plain(table: QTableWidget, columns: tuple[str, ...]) -> None:
        table.setHorizontalHeaderLabels(list(columns))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(32)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        header = table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

    def _conflicts_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Offline conflicts to resolve"))
        self.conflicts_hint = QLabel()
        self.conflicts_hint.setObjectName("hint")
        self.conflicts_hint.setWordWrap(True)
        self.conflicts = QTableWidget(0, len(CONFLICT_COLUMNS))
        self.conflicts.setObjectName("conflictTable")
        self._plain(self.conflicts, CONFLICT_COLUMNS)
        self.chosen = QLabel()
        self.chosen.setWordWrap(True)
        self.resolution = QComboBox()
        for value, words in RESOLUTION_WORDS.items():
            self.resolution.addItem(self.tr(words), value.value)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("What happened (optional), e.g. the guest went back to the car"))
        self.note.setMaxLength(500)
        self.resolve = QPushButton(self.tr("Resolve"))
        self.resolve.setObjectName("primary")
        layout = QVBoxLayout(box)
        layout.setSpacing(8)
        layout.addWidget(self.conflicts_hint)
        layout.addWidget(self.conflicts)
        layout.addSpacing(6)
        layout.addWidget(self.chosen)
        layout.addWidget(QLabel(self.tr("What was found")))
        layout.addWidget(self.resolution)
        layout.addWidget(QLabel(self.tr("Note")))
        layout.addWidget(self.note)
        layout.addWidget(self.resolve, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)
        return box

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.vm.request_load()

    def close_page(self) -> None:
        self.vm.close()

    # --- intent ----------------------------------------------------------------------------------------

    def _on_concert_chosen(self, index: int) -> None:
        if not self._rendering and index >= 0:
            self.vm.select(ConcertId(self.concert.itemData(index)))

    def _on_conflict_row(self, row: int) -> None:
        found = self.vm.state.conflicts
        if not self._rendering and 0 <= row < len(found) and found[row].id != self.vm.state.conflict_id:
            self.vm.choose_conflict(found[row].id)

    def _on_resolve_clicked(self) -> None:
        self.vm.request_resolve(ConflictResolution(self.resolution.currentData()), self.note.text())
        self.note.clear()

    # --- render ----------------------------------------------------------------------------------------

    def _on_vm_changed(self, state: DoorMonitorState) -> None:
        self._rendering = True
        try:
            self._render_concerts(state)
            self._render_conflicts(state.conflicts, state.conflict_id)
        finally:
            self._rendering = False
        activity = state.activity
        if activity is None:
            for label in (self.admitted, self.inside, self.rate, self.tickets):
                label.setText("—")
            self.gates.setRowCount(0)
        else:
            self.admitted.setText(str(activity.admitted))
            self.inside.setText(str(activity.inside))
            self.rate.setText(f"{activity.rate_per_minute:.1f}")
            self.tickets.setText(str(activity.tickets))
            self.gates.setRowCount(len(activity.gates))
            zone = _zone(state, state.selected_id)
            for row, gate in enumerate(activity.gates):
                for column, text in enumerate((gate.gate, str(gate.admitted), when(gate.last_at, zone))):
                    self.gates.setItem(row, column, QTableWidgetItem(text))
        fit_rows(self.gates, self.gates.rowCount(), at_most=6)
        self.chart.set_activity(activity, _zone(state, state.selected_id))
        self.side.setVisible(state.sees_conflicts)
        conflict = state.conflict
        self.chosen.setText(self._describe(conflict, _zone(state, conflict.concert_id)) if conflict else "")
        self.resolve.setEnabled(conflict is not None and not state.busy)
        self.resolution.setEnabled(conflict is not None)
        self.note.setEnabled(conflict is not None)
        self.conflicts_hint.setText(
            self.tr("A ticket admitted at two doors while they were offline (or admitted while refunded).")
            if state.conflicts
            else self.tr("None open: every offline admit that came back matched.")
        )
        text, name = (state.error, "error") if state.error else (state.notice, "status")
        self.message.setObjectName(name)
        self.message.setText(text)
        self.message.style().polish(self.message)
        self.message.setVisible(bool(text))

    def _render_concerts(self, state: DoorMonitorState) -> None:
        ids = [c.concert.id for c in state.concerts]
        if [self.concert.itemData(i) for i in range(self.concert.count())] != ids:
            self.concert.clear()
            for summary in state.concerts:
                c = summary.concert
                self.concert.addItem(f"{c.title} — doors {when(c.doors_at, summary.timezone)}", int(c.id))
        if state.selected_id in ids:
            self.concert.setCurrentIndex(ids.index(state.selected_id))

    def _render_conflicts(self, conflicts: tuple[CheckinConflict, ...], chosen: int | None) -> None:
        self.conflicts.setRowCount(len(conflicts))
        for row, c in enumerate(conflicts):
            cells = (c.serial, c.place, f"{c.admitted_gate or '—'} → {c.duplicate_gate}")
            for column, text in enumerate(cells):
                self.conflicts.setItem(row, column, QTableWidgetItem(text))
        fit_rows(self.conflicts, len(conflicts), at_most=8)
        ids = [c.id for c in conflicts]
        if chosen in ids:
            self.conflicts.selectRow(ids.index(chosen))

    def _describe(self, c: CheckinConflict, zone: str) -> str:
        kept = _admit(c.admitted_gate, c.admitted_at, c.admitted_offline, zone)
        second = _admit(c.duplicate_gate, c.duplicate_at, c.duplicate_offline, zone)
        void = self.tr(" The ticket was refunded.") if c.ticket_void else ""
        return self.tr("<b>{serial}</b> · {place}<br>Admitted {kept}; again {second}.{void}").format(
            serial=c.serial, place=c.place, kept=kept, second=second, void=void
        )
