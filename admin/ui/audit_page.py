"""The "Audit log" screen: filters (person, device, action, first and last day) above a table of entries, newest
first, a page at a time; the filtered log saves as CSV with a progress bar and Cancel."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
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
from admin.viewmodels.audit_log import AuditFilter, AuditLogState, AuditLogViewModel
from admin.viewmodels.venue_time import ZoneRule
from core.domain.reports import AuditEntry

COLUMNS = ("When", "Who", "Action", "Subject", "Details")
ANY = None


def action_words(action: str) -> str:
    """'venue_created' -> 'Venue created'."""
    return action.replace("_", " ").capitalize()


def _details(entry: AuditEntry) -> str:
    return ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in sorted(entry.details.items()))


class AuditPage(QWidget):
    def __init__(self, vm: AuditLogViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-audit")
        self.vm = vm
        self.choose_file: ChooseFile = save_dialog(self)

        heading = QLabel(self.tr("Audit log"))
        heading.setObjectName("pageTitle")
        self.summary = QLabel()
        self.summary.setObjectName("pageSummary")

        self.person = QComboBox()
        self.person.setObjectName("personFilter")
        self.device = QComboBox()
        self.device.setObjectName("deviceFilter")
        self.action = QComboBox()
        self.action.setObjectName("actionFilter")
        for combo in (self.person, self.device, self.action):
            combo.setMinimumWidth(220)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        today = QDate.currentDate()
        self.use_from = QCheckBox(self.tr("From"))
        self.from_day = QDateEdit(today.addDays(-7))
        self.use_to = QCheckBox(self.tr("To"))
        self.to_day = QDateEdit(today)
        for edit in (self.from_day, self.to_day):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            edit.setMinimumWidth(130)
        self.apply = QPushButton(self.tr("Show"))
        self.apply.setObjectName("primary")
        self.clear = QPushButton(self.tr("Clear filters"))
        filters = QGridLayout()
        filters.setHorizontalSpacing(10)
        filters.setVerticalSpacing(6)
        for column, (label, widget) in enumerate(
            (
                (self.tr("Person"), self.person),
                (self.tr("Device"), self.device),
                (self.tr("Action"), self.action),
            )
        ):
            caption = QLabel(label)
            caption.setObjectName("hint")
            filters.addWidget(caption, 0, column)
            filters.addWidget(widget, 1, column)
        days = QHBoxLayout()
        days.setSpacing(6)
        for widget in (self.use_from, self.from_day, self.use_to, self.to_day):
            days.addWidget(widget)
            if widget is self.from_day:
                days.addSpacing(14)
        days.addStretch(1)
        period = QLabel(self.tr("Days (inclusive)"))
        period.setObjectName("hint")
        filters.addWidget(period, 2, 0)
        filters.addLayout(days, 3, 0, 1, 2)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear)
        buttons.addWidget(self.apply)
        filters.addLayout(buttons, 3, 2)
        filters.setColumnStretch(3, 1)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("auditTable")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(32)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        self.newer = QPushButton(self.tr("‹ Newer"))
        self.older = QPushButton(self.tr("Older ›"))
        self.export = QPushButton(self.tr("Save as CSV…"))
        self.progress = QProgressBar()
        self.progress.setObjectName("exportProgress")
        self.progress.setFixedWidth(260)
        self.cancel = QPushButton(self.tr("Cancel"))
        self.message = QLabel()
        self.message.setObjectName("status")  # styled from the start, so its padding is in its size
        self.message.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.newer)
        bottom.addWidget(self.older)
        bottom.addStretch(1)
        bottom.addWidget(self.progress)
        bottom.addWidget(self.cancel)
        bottom.addWidget(self.export)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(bottom)

        self.use_from.toggled.connect(self.from_day.setEnabled)
        self.use_to.toggled.connect(self.to_day.setEnabled)
        self.apply.clicked.connect(lambda: self.vm.request_apply(self.chosen_filter()))
        self.clear.clicked.connect(self._on_clear)
        self.newer.clicked.connect(self.vm.request_newer)
        self.older.clicked.connect(self.vm.request_older)
        self.export.clicked.connect(self._on_export)
        self.cancel.clicked.connect(self.vm.cancel_export)
        self._shown: tuple[AuditEntry, ...] | None = None
        self._clock: ZoneRule | None = None
        bind(vm.changed, self._on_vm_changed, self)
        self._on_vm_changed(vm.state)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.vm.busy:
            self.vm.request_load()

    def close_page(self) -> None:
        self.vm.close()

    def chosen_filter(self) -> AuditFilter:
        def day(edit: QDateEdit) -> date:
            value = edit.date()
            return date(value.year(), value.month(), value.day())

        return AuditFilter(
            staff_id=self.person.currentData(),
            device_id=self.device.currentData(),
            action=self.action.currentData() or "",
            first_day=day(self.from_day) if self.use_from.isChecked() else None,
            last_day=day(self.to_day) if self.use_to.isChecked() else None,
        )

    def _on_clear(self) -> None:
        for combo in (self.person, self.device, self.action):
            combo.setCurrentIndex(0)
        self.use_from.setChecked(False)
        self.use_to.setChecked(False)
        self.vm.request_apply(AuditFilter())

    def _on_export(self) -> None:
        target = self.choose_file("audit-log.csv", self.tr("CSV files (*.csv)"))
        if target is not None:
            self.vm.request_export(Path(target))

    # --- render ----------------------------------------------------------------------------------------

    @staticmethod
    def _fill(combo: QComboBox, anything: str, choices: list[tuple[str, object]]) -> None:
        wanted = [(anything, ANY), *choices]
        if [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())] == wanted:
            return
        kept = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for text, data in wanted:
            combo.addItem(text, data)
        index = combo.findData(kept)
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def _on_vm_changed(self, state: AuditLogState) -> None:
        if state.clock is not self._clock:  # the times shown depend on it, and which day is today
            self._clock, self._shown = state.clock, None
            if not (self.use_from.isChecked() or self.use_to.isChecked()):
                today = state.clock.today()
                self.from_day.setDate(today - timedelta(days=7))
                self.to_day.setDate(today)
        self._fill(
            self.person,
            self.tr("Anyone"),
            [(f"{s.display_name} (#{s.staff_number})", s.id) for s in state.people],
        )
        self._fill(self.device, self.tr("Any device"), [(d.name, d.id) for d in state.devices])
        self._fill(self.action, self.tr("Any action"), [(action_words(a), a) for a in state.actions])
        if state.entries is not self._shown:  # progress comes often; the table only changes with a page
            self._shown = state.entries
            self._render_table(state.entries, state.clock)
        self._render_rest(state)

    def _render_table(self, entries: tuple[AuditEntry, ...], clock: ZoneRule) -> None:
        self.table.setUpdatesEnabled(False)
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            cells = (
                clock.show(entry.at, "%Y-%m-%d %H:%M:%S"),
                entry.actor_name,
                action_words(entry.action),
                entry.subject,
                _details(entry),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 1:
                    item.setToolTip(entry.actor)
                if column == 4:
                    item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.setUpdatesEnabled(True)

    def _render_rest(self, state: AuditLogState) -> None:
        if state.total:
            self.summary.setText(
                self.tr("Entries {first:,} to {last:,} of {total:,}, newest first.").format(
                    first=state.first_shown, last=state.last_shown, total=state.total
                )
                + f" {state.clock.note}"
            )
        else:
            self.summary.setText(self.tr("No entries match these filters.") + f" {state.clock.note}")
        self.newer.setEnabled(state.page > 0 and not state.busy)
        self.older.setEnabled(state.has_older and not state.busy)
        self.apply.setEnabled(not state.busy)
        self.export.setEnabled(not state.exporting)
        self.progress.setVisible(state.exporting)
        self.cancel.setVisible(state.exporting)
        self.progress.setRange(0, max(state.rows_total, 1))
        self.progress.setValue(min(state.rows_done, max(state.rows_total, 1)))
        self.progress.setFormat(f"{state.rows_done:,} of {state.rows_total:,} rows")
        if state.error:
            self.message.setObjectName("error")
            self.message.setText(state.error)
        elif state.notice:
            self.message.setObjectName("status")
            self.message.setText(state.notice)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setVisible(bool(state.error or state.notice))
        self.message.updateGeometry()
