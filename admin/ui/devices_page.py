"""The "Devices" screen: every device in a table (pending first) with its key fingerprint and when it was last
seen; beside it the chosen device's fingerprint to compare, approve, rename, and revoke with a choice about the
tickets it signed (nothing is preselected: revoking is for good)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontDatabase, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from admin.ui.binding import bind
from admin.viewmodels.devices import DevicesState, DevicesViewModel, RevokeQuestion
from admin.viewmodels.venue_time import ZoneRule
from core.domain.devices import Device, DeviceStatus
from core.domain.ids import DeviceId

SIDE_WIDTH = 420
COLUMNS = ("Status", "Name", "Kind", "Key fingerprint", "Last seen")
"""When it was registered is in the chosen device's panel: the table fits a 1366 px window."""
STATUS_WORDS = {
    DeviceStatus.PENDING: "Pending",
    DeviceStatus.APPROVED: "Approved",
    DeviceStatus.REVOKED: "Revoked",
}
STATUS_COLOURS = {
    DeviceStatus.PENDING: "#b35c00",
    DeviceStatus.APPROVED: "#2b7a3d",
    DeviceStatus.REVOKED: "#8a909c",
}
KIND_WORDS = {"kiosk": "Kiosk", "door": "Door", "box_office": "Box office"}


def when(moment: datetime | None, clock: ZoneRule) -> str:
    """A moment by the venue's clock with its abbreviation ('2026-12-08 20:00 CET'), or 'never'."""
    return "never" if moment is None else clock.show(moment)


class RevokeDialog(QDialog):
    """The question before a revoke: it names the device and what becomes of its tickets; No is the default."""

    def __init__(self, question: RevokeQuestion, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("revokeDialog")
        self.setWindowTitle(self.tr("Revoke device"))
        self.setMinimumWidth(520)
        self.text = QLabel(question.text)
        self.text.setObjectName("revokeQuestion")
        self.text.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.confirm = buttons.addButton(self.tr("Revoke for good"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm.setObjectName("danger")
        self.keep = buttons.addButton(self.tr("Keep the device"), QDialogButtonBox.ButtonRole.RejectRole)
        self.keep.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


class DevicesPage(QWidget):
    def __init__(self, vm: DevicesViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-devices")
        self.vm = vm
        self._rendering = False
        self.revoke_dialog: RevokeDialog | None = None

        heading = QLabel(self.tr("Devices"))
        heading.setObjectName("pageTitle")
        self.summary = QLabel()
        self.summary.setObjectName("pageSummary")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("deviceTable")
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
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        main = QVBoxLayout()
        main.addWidget(heading)
        main.addWidget(self.summary)
        main.addWidget(self.table, 1)

        self.message = QLabel()
        self.message.setWordWrap(True)
        side = QVBoxLayout()
        side.setSpacing(12)
        side.addWidget(self._chosen_box())
        side.addWidget(self._revoke_box())
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
        self.approve.clicked.connect(self.vm.request_approve)
        self.rename.clicked.connect(self._on_rename_clicked)
        self.revoke.clicked.connect(self._on_revoke_clicked)
        self.tickets.buttonToggled.connect(lambda *_: self._on_vm_changed(self.vm.state))
        bind(vm.changed, self._on_vm_changed, self)
        self._loaded = False
        self._on_vm_changed(vm.state)

    def showEvent(self, event: QShowEvent) -> None:
        """The devices are read each time the screen is opened: a kiosk may be waiting for approval."""
        super().showEvent(event)
        if not self.vm.busy:
            self._loaded = True
            self.vm.request_load()

    def close_page(self) -> None:
        self.vm.close()

    # --- forms -----------------------------------------------------------------------------------------

    def _chosen_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Chosen device"))
        self.chosen = QLabel()
        self.chosen.setWordWrap(True)
        self.fingerprint = QLabel()
        self.fingerprint.setObjectName("fingerprint")
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        compare = QLabel(self.tr("Approve only if the device's own screen shows this same fingerprint."))
        compare.setObjectName("hint")
        compare.setWordWrap(True)
        self.approve = QPushButton(self.tr("Approve"))
        self.approve.setObjectName("primary")
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText(self.tr("A new name, e.g. Kiosk foyer 2"))
        self.new_name.setMaxLength(100)
        self.rename = QPushButton(self.tr("Rename"))
        rename_row = QHBoxLayout()
        rename_row.addWidget(self.new_name, 1)
        rename_row.addWidget(self.rename)
        form = QFormLayout(box)
        form.addRow(self.chosen)
        form.addRow(self.fingerprint)
        form.addRow(compare)
        form.addRow(self.approve)
        form.addRow(rename_row)
        return box

    def _revoke_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Revoke (for good)"))
        self.keep = QRadioButton(self.tr("Retired in good order: its tickets stay valid"))
        self.distrust = QRadioButton(self.tr("Lost or stolen: distrust its tickets"))
        self.tickets = QButtonGroup(self)
        self.tickets.addButton(self.keep)
        self.tickets.addButton(self.distrust)
        self.revoke = QPushButton(self.tr("Revoke device"))
        self.revoke.setObjectName("danger")
        layout = QVBoxLayout(box)
        layout.addWidget(self.keep)
        layout.addWidget(self.distrust)
        layout.addWidget(self.revoke)
        return box

    # --- intent ----------------------------------------------------------------------------------------

    def _on_table_row(self, row: int) -> None:
        devices = self.vm.state.devices
        if not self._rendering and 0 <= row < len(devices) and devices[row].id != self.vm.state.selected_id:
            self.vm.select(DeviceId(devices[row].id))

    def _on_rename_clicked(self) -> None:
        self.vm.request_rename(self.new_name.text())

    def _on_revoke_clicked(self) -> None:
        checked = self.tickets.checkedButton()
        if checked is None:
            return
        self.vm.ask_revoke(keep_tickets_valid=checked is self.keep)

    def _on_question(self, question: RevokeQuestion | None) -> None:
        dialog = self.revoke_dialog
        if question is None:
            if dialog is not None:
                self.revoke_dialog = None
                dialog.done(QDialog.DialogCode.Rejected)
                dialog.deleteLater()
            return
        if dialog is not None:
            return
        self.revoke_dialog = dialog = RevokeDialog(question, self)
        dialog.accepted.connect(self.vm.request_confirm_revoke)
        dialog.rejected.connect(self._on_dialog_rejected)
        dialog.open()

    def _on_dialog_rejected(self) -> None:
        if self.revoke_dialog is not None:
            self.revoke_dialog = None
            self.vm.dismiss_question()

    # --- render ----------------------------------------------------------------------------------------

    def _on_vm_changed(self, state: DevicesState) -> None:
        self._rendering = True
        try:
            self._render_table(state)
        finally:
            self._rendering = False
        self.summary.setText(
            self.tr("{p} waiting for approval, {a} approved, {r} revoked.").format(
                p=state.count(DeviceStatus.PENDING),
                a=state.count(DeviceStatus.APPROVED),
                r=state.count(DeviceStatus.REVOKED),
            )
            + f" {state.clock.note}"
        )
        device = state.selected
        self._render_chosen(device, state.clock)
        self._on_question(state.question)
        live = device is not None and device.status is not DeviceStatus.REVOKED
        self.approve.setEnabled(
            device is not None and device.status is DeviceStatus.PENDING and not state.busy
        )
        self.rename.setEnabled(device is not None and not state.busy)
        for radio in (self.keep, self.distrust):
            radio.setEnabled(live and not state.busy)
        self.revoke.setEnabled(live and self.tickets.checkedButton() is not None and not state.busy)
        if state.error:
            self.message.setObjectName("error")
            self.message.setText(state.error)
        elif state.notice:
            self.message.setObjectName("status")
            self.message.setText(state.notice)
        else:
            self.message.setObjectName("")
            self.message.setText("")
        self.message.style().polish(self.message)
        self.message.setVisible(bool(self.message.text()))

    def _render_chosen(self, device: Device | None, clock: ZoneRule) -> None:
        if device is None:
            self.chosen.setText(self.tr("Choose a device in the list."))
            self.fingerprint.setText("")
            return
        self.chosen.setText(
            f"<b>{device.name}</b> · {KIND_WORDS.get(device.kind.value, device.kind.value)} · "
            f"{STATUS_WORDS[device.status]}<br>"
            + self.tr("Last seen {seen}; registered {made}").format(
                seen=when(device.last_seen_at, clock), made=when(device.created_at, clock)
            )
        )
        self.fingerprint.setText(device.fingerprint or self.tr("no key"))

    def _render_table(self, state: DevicesState) -> None:
        self.table.setRowCount(len(state.devices))
        for row, device in enumerate(state.devices):
            cells = (
                STATUS_WORDS[device.status],
                device.name,
                KIND_WORDS.get(device.kind.value, device.kind.value),
                device.fingerprint or "—",
                when(device.last_seen_at, state.clock),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 0:
                    item.setForeground(QColor(STATUS_COLOURS[device.status]))
                elif device.status is DeviceStatus.REVOKED:
                    item.setForeground(QColor(STATUS_COLOURS[DeviceStatus.REVOKED]))
                if column == 3:
                    item.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
                self.table.setItem(row, column, item)
        ids = [d.id for d in state.devices]
        if state.selected_id in ids:
            self.table.selectRow(ids.index(state.selected_id))
        else:
            self.table.clearSelection()
