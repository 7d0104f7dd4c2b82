"""The "Orders" screen: a search bar (code, e-mail, days sold), the matching orders a page at a time, and below
the opened order's tickets with their prints and check-ins, its mails, and the actions: refund all or ticked
tickets with a reason (managers and admins), reprint to a PDF file, resend the e-mail.

The reprint's PDF is rendered by the server; the save dialog is opened without blocking (``open``), and the file
is written off the event loop, so the window never freezes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QStandardPaths, Qt
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
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
from admin.viewmodels.orders import OrdersState, OrdersViewModel, RefundQuestion, SearchForm
from admin.viewmodels.venue_time import ZoneRule, zone_time
from core.domain.money import Money
from core.domain.order_desk import OrderDetails, TicketLine
from core.domain.orders import OrderStatus, TicketState
from core.domain.tickets import Layout

ACTIONS_WIDTH = 310
RESULT_COLUMNS = ("Order", "Concert", "Sold", "E-mail", "Tickets", "Status", "Total")
TICKET_COLUMNS = ("", "Ticket", "Place", "Category", "Price", "State", "Prints", "Entry")
STATUS_WORDS = {
    OrderStatus.PAID: "Paid",
    OrderStatus.PARTLY_REFUNDED: "Partly refunded",
    OrderStatus.REFUNDED: "Refunded",
}
STATUS_COLOURS = {
    OrderStatus.PAID: "#2b7a3d",
    OrderStatus.PARTLY_REFUNDED: "#b35c00",
    OrderStatus.REFUNDED: "#8a909c",
}
LAYOUT_WORDS = {
    Layout.A4: "A4 sheet",
    Layout.LETTER: "US Letter",
    Layout.TICKET80: "80 mm tickets",
}
MAIL_WORDS = {"pending": "waiting to be sent", "sent": "sent", "failed": "failed"}


def money(amount: Money | None) -> str:
    return "—" if amount is None else f"{amount.amount:,.{amount.exponent}f} {amount.currency}"


def local(moment: datetime, timezone: str) -> str:
    """A moment of an order by its venue's clock, with the zone's abbreviation: '2026-12-08 20:00 CET'."""
    return zone_time(moment, timezone)


def _cell(text: str, *, colour: str = "", align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if colour:
        item.setForeground(QColor(colour))
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _table(columns: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
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
    for column in range(len(columns)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


class RefundDialog(QDialog):
    """The question before a refund: the tickets, the amount and the reason; Keep is the default answer."""

    def __init__(self, question: RefundQuestion, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("refundDialog")
        self.setWindowTitle(self.tr("Refund"))
        self.setMinimumWidth(520)
        self.text = QLabel(question.text)
        self.text.setObjectName("refundQuestion")
        self.text.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.confirm = buttons.addButton(self.tr("Refund"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm.setObjectName("danger")
        self.keep = buttons.addButton(self.tr("Keep the tickets"), QDialogButtonBox.ButtonRole.RejectRole)
        self.keep.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


class OrdersPage(QWidget):
    def __init__(self, vm: OrdersViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-orders")
        self.vm = vm
        self._rendering = False
        self._loaded = False
        self._days: ZoneRule | None = None
        self.save_dialog: QFileDialog | None = None
        self.refund_dialog: RefundDialog | None = None

        heading = QLabel(self.tr("Orders"))
        heading.setObjectName("pageTitle")
        self.results = _table(RESULT_COLUMNS, "orderTable")
        self.results.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.results.horizontalHeader().setStretchLastSection(False)
        self.page_label = QLabel()
        self.page_label.setObjectName("pageSummary")
        self.previous = QPushButton(self.tr("‹ Previous"))
        self.next = QPushButton(self.tr("Next ›"))
        pager = QHBoxLayout()
        pager.addWidget(self.page_label, 1)
        pager.addWidget(self.previous)
        pager.addWidget(self.next)

        self.order_title = QLabel()
        self.order_title.setObjectName("sectionTitle")
        self.order_facts = QLabel()
        self.order_facts.setWordWrap(True)
        self.order_facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tickets = _table(TICKET_COLUMNS, "ticketTable")
        # The place takes what the others leave (they are short and fixed); no sideways scrolling at 1366 px.
        self.tickets.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tickets.horizontalHeader().setStretchLastSection(False)
        self.mails = QLabel()
        self.mails.setObjectName("hint")
        self.mails.setWordWrap(True)
        order_column = QVBoxLayout()
        order_column.setSpacing(6)
        order_column.addWidget(self.order_title)
        order_column.addWidget(self.order_facts)
        order_column.addWidget(self.tickets, 1)
        order_column.addWidget(self.mails)

        self.message = QLabel()
        self.message.setWordWrap(True)
        actions = QVBoxLayout()
        actions.setSpacing(8)
        actions.setContentsMargins(0, 0, 0, 0)
        actions.addWidget(self._refund_box())
        actions.addWidget(self._copies_box())
        actions.addWidget(self.message)
        actions.addStretch(1)
        actions_box = QWidget()
        actions_box.setObjectName("sidePanel")
        actions_box.setLayout(actions)
        actions_box.setFixedWidth(ACTIONS_WIDTH)

        self.details = QWidget()
        details = QHBoxLayout(self.details)
        details.setContentsMargins(0, 0, 0, 0)
        details.setSpacing(14)
        details.addLayout(order_column, 1)
        details.addWidget(actions_box)
        self.empty = QLabel(
            self.tr("Open an order from the list to see its tickets, refund or reprint them.")
        )
        self.empty.setObjectName("comesLater")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addLayout(self._search_bar())
        layout.addWidget(self.results, 4)
        layout.addLayout(pager)
        layout.addWidget(self.details, 5)
        layout.addWidget(self.empty)
        layout.addStretch(0)

        self.results.currentCellChanged.connect(lambda row, *_: self._on_results_row(row))
        self.tickets.itemChanged.connect(self._on_ticket_ticked)
        self.previous.clicked.connect(lambda: self._on_page_step(-1))
        self.next.clicked.connect(lambda: self._on_page_step(+1))
        bind(vm.changed, self._on_vm_changed, self)
        self._on_vm_changed(vm.state)

    def showEvent(self, event: QShowEvent) -> None:
        """The latest orders come up the first time the screen is opened."""
        super().showEvent(event)
        if not self._loaded and not self.vm.busy:
            self._loaded = True
            self._on_search_clicked()

    def close_page(self) -> None:
        self.vm.close()

    # --- forms -----------------------------------------------------------------------------------------

    def _search_bar(self) -> QHBoxLayout:
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("Order code"))
        self.code.setToolTip(self.tr("The whole code (K7M2QX9P) or its first 3 characters or more"))
        self.code.setMaxLength(20)
        self.email = QLineEdit()
        self.email.setPlaceholderText(self.tr("Buyer's e-mail or its start"))
        self.email.setMaxLength(320)
        self.by_day = QCheckBox(self.tr("Sold from"))
        today = QDate.currentDate()
        self.first_day = QDateEdit(today.addDays(-7))
        self.last_day = QDateEdit(today)
        for edit in (self.first_day, self.last_day):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        until = QLabel(self.tr("to"))
        self.search = QPushButton(self.tr("Search"))
        self.search.setObjectName("primary")
        self.clear = QPushButton(self.tr("Clear"))
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.code, 2)
        bar.addWidget(self.email, 3)
        bar.addSpacing(8)
        bar.addWidget(self.by_day)
        bar.addWidget(self.first_day)
        bar.addWidget(until)
        bar.addWidget(self.last_day)
        bar.addSpacing(8)
        bar.addWidget(self.search)
        bar.addWidget(self.clear)
        self.search.clicked.connect(self._on_search_clicked)
        self.clear.clicked.connect(self._on_clear_clicked)
        for edit in (self.code, self.email):
            edit.returnPressed.connect(self._on_search_clicked)
        self.by_day.toggled.connect(self._on_by_day_toggled)
        self._on_by_day_toggled(False)
        return bar

    def _refund_box(self) -> QGroupBox:
        self.refund_box = QGroupBox(self.tr("Refund"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Reason (goes to the audit log)"))
        self.reason.setMaxLength(500)
        self.refund_chosen = QPushButton(self.tr("Refund ticked"))
        self.refund_chosen.setObjectName("danger")
        self.refund_all = QPushButton(self.tr("Refund all"))
        self.refund_all.setObjectName("danger")
        hint = QLabel(self.tr("The places go back on sale at once."))
        hint.setObjectName("hint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.refund_chosen)
        buttons.addWidget(self.refund_all)
        layout = QVBoxLayout(self.refund_box)
        layout.addWidget(self.reason)
        layout.addLayout(buttons)
        layout.addWidget(hint)
        self.refund_chosen.clicked.connect(lambda: self._on_refund_clicked(everything=False))
        self.refund_all.clicked.connect(lambda: self._on_refund_clicked(everything=True))
        return self.refund_box

    def _copies_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Copies"))
        self.layout_choice = QComboBox()
        for layout_kind, words in LAYOUT_WORDS.items():
            self.layout_choice.addItem(self.tr(words), layout_kind.value)
        self.reprint = QPushButton(self.tr("Reprint PDF…"))
        self.resend_to = QLineEdit()
        self.resend_to.setPlaceholderText(self.tr("Other address"))
        self.resend_to.setMaxLength(320)
        self.resend = QPushButton(self.tr("Resend e-mail"))
        reprint_row = QHBoxLayout()
        reprint_row.addWidget(self.layout_choice, 1)
        reprint_row.addWidget(self.reprint)
        resend_row = QHBoxLayout()
        resend_row.addWidget(self.resend_to, 1)
        resend_row.addWidget(self.resend)
        layout = QVBoxLayout(box)
        layout.addLayout(reprint_row)
        layout.addLayout(resend_row)
        self.reprint.clicked.connect(self._on_reprint_clicked)
        self.resend.clicked.connect(lambda: self.vm.request_resend(self.resend_to.text()))
        return box

    # --- intent ----------------------------------------------------------------------------------------

    def form(self) -> SearchForm:
        def day(edit: QDateEdit) -> date | None:
            return edit.date().toPython() if self.by_day.isChecked() else None  # type: ignore[return-value]

        return SearchForm(self.code.text(), self.email.text(), day(self.first_day), day(self.last_day))

    def _on_search_clicked(self) -> None:
        self.vm.request_search(self.form())

    def _on_clear_clicked(self) -> None:
        self.code.clear()
        self.email.clear()
        self.by_day.setChecked(False)
        self._on_search_clicked()

    def _on_by_day_toggled(self, on: bool) -> None:
        self.first_day.setEnabled(on)
        self.last_day.setEnabled(on)

    def _on_page_step(self, step: int) -> None:
        results = self.vm.state.results
        if results is not None:
            self.vm.request_page(results.page + step)

    def _on_results_row(self, row: int) -> None:
        results = self.vm.state.results
        if self._rendering or results is None or not 0 <= row < len(results.orders):
            return
        code = results.orders[row].code
        if self.vm.state.order is None or self.vm.state.order.code != code:
            self.vm.request_open(code)

    def _on_ticket_ticked(self, item: QTableWidgetItem) -> None:
        if self._rendering or item.column() != 0:
            return
        ticked = []
        for row in range(self.tickets.rowCount()):
            cell = self.tickets.item(row, 0)
            if cell is not None and cell.checkState() == Qt.CheckState.Checked:
                ticked.append(int(cell.data(Qt.ItemDataRole.UserRole)))
        self.vm.choose(ticked)

    def _on_refund_clicked(self, *, everything: bool) -> None:
        if not self.vm.ask_refund(self.reason.text(), everything=everything):
            self.vm.request_refund(
                self.reason.text(), everything=everything
            )  # the server says what is missing

    def _on_question(self, question: RefundQuestion | None) -> None:
        dialog = self.refund_dialog
        if question is None:
            if dialog is not None:
                self.refund_dialog = None
                dialog.done(QDialog.DialogCode.Rejected)
                dialog.deleteLater()
            return
        if dialog is not None:
            return
        self.refund_dialog = dialog = RefundDialog(question, self)
        dialog.accepted.connect(self.vm.request_confirm_refund)
        dialog.rejected.connect(self._on_dialog_rejected)
        dialog.open()

    def _on_dialog_rejected(self) -> None:
        if self.refund_dialog is not None:
            self.refund_dialog = None
            self.vm.dismiss_question()

    def _on_reprint_clicked(self) -> None:
        """Ask where to save without blocking the loop (``open``, not ``exec``); the choice starts the reprint."""
        order = self.vm.state.order
        if order is None:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        dialog = QFileDialog(
            self, self.tr("Save the tickets as PDF"), str(Path(folder) / f"{order.code}.pdf")
        )
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(self.tr("PDF files (*.pdf)"))
        dialog.setDefaultSuffix("pdf")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        layout = Layout(self.layout_choice.currentData())
        dialog.fileSelected.connect(lambda path: self.vm.request_reprint(path, layout))
        dialog.finished.connect(self._on_save_dialog_finished)
        self.save_dialog = dialog
        dialog.open()

    def _on_save_dialog_finished(self, _result: int) -> None:
        if self.save_dialog is not None:
            self.save_dialog.deleteLater()
            self.save_dialog = None

    # --- render ----------------------------------------------------------------------------------------

    def _on_vm_changed(self, state: OrdersState) -> None:
        self._on_question(state.question)
        self._rendering = True
        try:
            self._render_results(state)
            self._render_order(state)
        finally:
            self._rendering = False
        order = state.order
        self.refund_box.setVisible(state.may_refund)
        can_refund = order is not None and bool(order.valid_ids) and not state.busy
        self.refund_chosen.setEnabled(can_refund and bool(state.chosen))
        self.refund_all.setEnabled(can_refund)
        self.reprint.setEnabled(can_refund)
        self.resend.setEnabled(can_refund)
        self.search.setEnabled(not state.busy)
        if state.error:
            self.message.setObjectName("error")
            self.message.setText(f"{state.error} ({state.error_code})")
        elif state.notice:
            self.message.setObjectName("status")
            self.message.setText(state.notice)
        else:
            self.message.setObjectName("")
            self.message.setText("")
        self.message.style().polish(self.message)
        self.message.setVisible(bool(self.message.text()))

    def _render_results(self, state: OrdersState) -> None:
        results = state.results
        lines = results.orders if results else ()
        self.results.setRowCount(len(lines))
        self.results.setColumnHidden(6, bool(lines) and all(line.total is None for line in lines))
        for row, line in enumerate(lines):
            cells = (
                _cell(line.code),
                _cell(line.concert_title),
                _cell(local(line.created_at, line.timezone)),
                _cell(line.buyer_email or "—"),
                _cell(
                    f"{line.valid_tickets} of {line.tickets}"
                    if line.valid_tickets != line.tickets
                    else str(line.tickets),
                    align_right=True,
                ),
                _cell(STATUS_WORDS[line.status], colour=STATUS_COLOURS[line.status]),
                _cell(money(line.total), align_right=True),
            )
            for column, item in enumerate(cells):
                self.results.setItem(row, column, item)
        codes = [line.code for line in lines]
        if state.order is not None and state.order.code in codes:
            self.results.selectRow(codes.index(state.order.code))
        else:
            self.results.clearSelection()
        if results is None:
            self.page_label.setText(self.tr("Searching…"))
        elif results.total == 0:
            self.page_label.setText(self.tr("No order matches this search."))
        else:
            first = results.page * results.page_size + 1
            self.page_label.setText(
                self.tr("Orders {a}–{b} of {n} · page {p} of {q}").format(
                    a=first, b=first + len(lines) - 1, n=results.total, p=results.page + 1, q=results.pages
                )
            )
        if state.days is not None and state.days is not self._days:  # today is the venue's today
            self._days = state.days
            if not self.by_day.isChecked():
                today = state.days.today()
                self.first_day.setDate(today - timedelta(days=7))
                self.last_day.setDate(today)
        if state.days is not None and results is not None:  # the sold days count by this clock
            self.page_label.setText(f"{self.page_label.text()} · {state.days.note}")
        self.previous.setEnabled(results is not None and results.page > 0 and not state.busy)
        self.next.setEnabled(results is not None and results.page + 1 < results.pages and not state.busy)

    def _render_order(self, state: OrdersState) -> None:
        order = state.order
        self.details.setVisible(order is not None)
        self.empty.setVisible(order is None)
        if order is None:
            self.tickets.setRowCount(0)
            return
        self.order_title.setText(
            f"{order.code} · {STATUS_WORDS[order.status]} · {order.artist}: {order.concert_title}"
        )
        self.order_facts.setText(self._facts(order))
        self.tickets.setColumnHidden(0, not state.may_refund)
        self.tickets.setColumnHidden(4, not order.sees_money)
        self.tickets.setRowCount(len(order.tickets))
        for row, ticket in enumerate(order.tickets):
            for column, item in enumerate(
                self._ticket_cells(ticket, ticket.id in state.chosen, order.timezone)
            ):
                self.tickets.setItem(row, column, item)
        self.resend_to.setToolTip(
            self.tr("Empty: to {to}").format(to=order.buyer_email)
            if order.buyer_email
            else self.tr("The order has no address: type one")
        )
        self.mails.setText(
            "  ·  ".join(
                self.tr("Mail to {to} {when}: {what}").format(
                    to=m.to, when=local(m.queued_at, order.timezone), what=MAIL_WORDS.get(m.status, m.status)
                )
                for m in order.mails[-3:]
            )
        )
        self.mails.setVisible(bool(order.mails))

    def _facts(self, order: OrderDetails) -> str:
        facts = [
            self.tr("{venue}, {when}").format(
                venue=order.venue_name, when=local(order.starts_at, order.timezone)
            ),
            self.tr("sold {when}").format(when=local(order.created_at, order.timezone)),
            order.buyer_email or self.tr("no e-mail address"),
        ]
        if order.sees_money:
            facts.append(
                self.tr("{total} by {method}, at {seller}").format(
                    total=money(order.total), method=order.payment_method, seller=order.sold_by
                )
            )
        reasons = dict.fromkeys(t.refund_reason for t in order.tickets if t.state is TicketState.VOID)
        if reasons:
            facts.append(self.tr("refunded: {why}").format(why="; ".join(reasons)))
        return " · ".join(facts)

    def _ticket_cells(self, ticket: TicketLine, ticked: bool, zone: str) -> list[QTableWidgetItem]:
        valid = ticket.state is TicketState.VALID
        tick = QTableWidgetItem()
        tick.setData(Qt.ItemDataRole.UserRole, ticket.id)
        if valid:
            tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            tick.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        else:
            tick.setFlags(Qt.ItemFlag.NoItemFlags)
        scans = [s for s in ticket.check_ins if not s.undone]
        entered = (
            self.tr("{gate} {when}").format(gate=scans[-1].gate, when=local(scans[-1].at, zone))
            if scans
            else "—"
        )
        if valid:
            state = _cell(self.tr("Valid"), colour=STATUS_COLOURS[OrderStatus.PAID])
        else:
            state = _cell(self.tr("Refunded"), colour=STATUS_COLOURS[OrderStatus.REFUNDED])
            state.setToolTip(self.tr("Refunded: {why}").format(why=ticket.refund_reason))
        return [
            tick,
            _cell(ticket.serial),
            _cell(ticket.place),
            _cell(ticket.category),
            _cell(money(ticket.price), align_right=True),
            state,
            _cell(str(ticket.print_count), align_right=True),
            _cell(entered if len(scans) <= 1 else f"{entered} (+{len(scans) - 1})"),
        ]
