"""The "Staff and roles" screen: every account in a table; the chosen account's role, enabled state, password and
kiosk PIN beside it; a form for a new account below that."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
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
from admin.viewmodels.staff import NewStaffForm, StaffState, StaffViewModel
from core.domain.ids import StaffId
from core.domain.staff import Role

SIDE_WIDTH = 420
ROLE_NAMES = {Role.ADMIN: "Admin", Role.MANAGER: "Manager", Role.BOX_OFFICE: "Box office", Role.DOOR: "Door"}
COLUMNS = ("No.", "Name", "E-mail", "Role", "Status")


def _role_box() -> QComboBox:
    box = QComboBox()
    for role, words in ROLE_NAMES.items():
        box.addItem(words, role)
    return box


class StaffPage(QWidget):
    def __init__(self, vm: StaffViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-staff")
        self.vm = vm
        self._rendering = False

        heading = QLabel(self.tr("Staff and roles"))
        heading.setObjectName("pageTitle")
        self.summary = QLabel()
        self.summary.setObjectName("pageSummary")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("staffTable")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setDefaultSectionSize(34)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        main = QVBoxLayout()
        main.addWidget(heading)
        main.addWidget(self.summary)
        main.addWidget(self.table, 1)

        self.message = QLabel()
        self.message.setWordWrap(True)
        side = QVBoxLayout()
        side.setSpacing(12)
        side.addWidget(self._chosen_box())
        side.addWidget(self._new_box())
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
        self.assign_role.clicked.connect(self._on_assign_clicked)
        self.toggle_active.clicked.connect(self._on_toggle_clicked)
        self.reset_password.clicked.connect(self._on_reset_clicked)
        self.set_pin.clicked.connect(self._on_pin_clicked)
        self.create_account.clicked.connect(self._on_create_clicked)
        bind(vm.changed, self._on_vm_changed, self)
        self._loaded = False
        self._on_vm_changed(vm.state)

    def showEvent(self, event: QShowEvent) -> None:
        """The accounts are read when the screen is first opened, not at every sign-in."""
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.vm.request_load()

    def close_page(self) -> None:
        self.vm.close()

    # --- forms -----------------------------------------------------------------------------------------

    def _chosen_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Chosen account"))
        self.chosen = QLabel()
        self.chosen.setObjectName("chosenStaff")
        self.chosen.setWordWrap(True)
        self.role = _role_box()
        self.assign_role = QPushButton(self.tr("Assign role"))
        role_row = QHBoxLayout()
        role_row.addWidget(self.role, 1)
        role_row.addWidget(self.assign_role)
        self.toggle_active = QPushButton()
        self.toggle_active.setObjectName("toggleActive")
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_password.setPlaceholderText(self.tr("At least 10 characters"))
        self.reset_password = QPushButton(self.tr("Reset"))
        password_row = QHBoxLayout()
        password_row.addWidget(self.new_password, 1)
        password_row.addWidget(self.reset_password)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText(self.tr("6 to 12 digits"))
        self.pin.setMaxLength(12)
        self.set_pin = QPushButton(self.tr("Set PIN"))
        pin_row = QHBoxLayout()
        pin_row.addWidget(self.pin, 1)
        pin_row.addWidget(self.set_pin)
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(self.chosen)
        form.addRow(self.tr("Role"), role_row)
        form.addRow(self.tr("Password"), password_row)
        form.addRow(self.tr("Kiosk PIN"), pin_row)
        form.addRow(self.toggle_active)
        return box

    def _new_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("New account"))
        self.email = QLineEdit()
        self.email.setPlaceholderText("name@example.org")
        self.display_name = QLineEdit()
        self.new_role = _role_box()
        self.new_role.setCurrentIndex(self.new_role.findData(Role.BOX_OFFICE))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("Optional: none for Google sign-in"))
        self.new_pin = QLineEdit()
        self.new_pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_pin.setPlaceholderText(self.tr("Optional: 6 to 12 digits"))
        self.staff_number = QLineEdit()
        self.staff_number.setPlaceholderText(self.tr("Empty: the next free number"))
        self.create_account = QPushButton(self.tr("Create account"))
        self.create_account.setObjectName("primary")
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(self.tr("E-mail"), self.email)
        form.addRow(self.tr("Name"), self.display_name)
        form.addRow(self.tr("Role"), self.new_role)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Kiosk PIN"), self.new_pin)
        form.addRow(self.tr("Staff number"), self.staff_number)
        form.addRow(self.create_account)
        return box

    # --- intent ----------------------------------------------------------------------------------------

    def _on_table_row(self, row: int) -> None:
        members = self.vm.state.members
        if not self._rendering and 0 <= row < len(members) and members[row].id != self.vm.state.selected_id:
            self.vm.select(StaffId(members[row].id))

    def _on_assign_clicked(self) -> None:
        self.vm.request_set_role(Role(self.role.currentData()))

    def _on_toggle_clicked(self) -> None:
        member = self.vm.state.selected
        if member is not None:
            self.vm.request_set_active(not member.active)

    def _on_reset_clicked(self) -> None:
        self.vm.request_reset_password(self.new_password.text())
        self.new_password.clear()

    def _on_pin_clicked(self) -> None:
        self.vm.request_set_pin(self.pin.text())
        self.pin.clear()

    def _on_create_clicked(self) -> None:
        self.vm.request_create(
            NewStaffForm(
                email=self.email.text(),
                display_name=self.display_name.text(),
                role=Role(self.new_role.currentData()),
                password=self.password.text(),
                pin=self.new_pin.text(),
                staff_number=self.staff_number.text(),
            )
        )

    # --- render ----------------------------------------------------------------------------------------

    def _on_vm_changed(self, state: StaffState) -> None:
        self._rendering = True
        try:
            self._render_table(state)
        finally:
            self._rendering = False
        active = sum(1 for m in state.members if m.active)
        self.summary.setText(
            self.tr("{n} accounts, {a} active, {admins} active admin(s).").format(
                n=len(state.members), a=active, admins=state.active_admins
            )
        )
        member = state.selected
        if member is None:
            self.chosen.setText(self.tr("Choose an account in the list."))
        else:
            self.chosen.setText(
                f"<b>{member.display_name}</b> · {member.email}<br>"
                + self.tr("Staff number {n} (a kiosk asks for it before the PIN)").format(
                    n=member.staff_number
                )
            )
            self.role.setCurrentIndex(self.role.findData(member.role))
        self.toggle_active.setText(
            self.tr("Enable account")
            if member is not None and not member.active
            else self.tr("Disable account")
        )
        for widget in (self.assign_role, self.toggle_active, self.reset_password, self.set_pin, self.role):
            widget.setEnabled(member is not None and not state.busy)
        if member is not None and member.id == state.me and member.active:
            self.toggle_active.setEnabled(False)
            self.toggle_active.setToolTip(self.tr("You cannot disable your own account."))
        else:
            self.toggle_active.setToolTip("")
        self.create_account.setEnabled(not state.busy)
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

    def _render_table(self, state: StaffState) -> None:
        self.table.setRowCount(len(state.members))
        for row, member in enumerate(state.members):
            cells = (
                str(member.staff_number),
                member.display_name,
                member.email,
                ROLE_NAMES[member.role],
                self.tr("Active") if member.active else self.tr("Disabled"),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not member.active:
                    item.setForeground(self.palette().placeholderText())
                self.table.setItem(row, column, item)
        ids = [m.id for m in state.members]
        if state.selected_id in ids:
            self.table.selectRow(ids.index(state.selected_id))
        else:
            self.table.clearSelection()
