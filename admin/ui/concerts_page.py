"""The "Concerts" screen: every concert in a table with its status and sales, the actions for the chosen one
below it (put on sale, close sales, cancel), and the create/edit form beside it. Cancelling asks first, naming
the orders and tickets it refunds."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from admin.ui.binding import bind
from admin.ui.concert_table import ConcertTable
from admin.ui.remembered_splitter import remember_splitter
from admin.viewmodels.concert_defaults import NewConcertTimes
from admin.viewmodels.concerts import (
    STATUS_WORDS,
    CancelQuestion,
    CategoryRow,
    ConcertForm,
    ConcertsState,
    ConcertsViewModel,
    can_cancel,
    can_close_sales,
    can_put_on_sale,
    category_rows,
    price_text,
)
from core.domain.concert_bodies import ConcertOverview
from core.domain.concerts import ConcertStatus
from core.domain.ids import ConcertId, PlanId, VenueId

SPLITTER_KEY = "concerts/splitter"
CATEGORY_COLUMNS = ("Name", "Price", "Colour", "Sections")
PALETTE = ("#c0392b", "#2471a3", "#1e8449", "#b9770e", "#6c3483", "#566573")
INVALID = "border: 1px solid #c0392b; background: #fdecec;"


def _time_edit() -> QDateTimeEdit:
    edit = QDateTimeEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("ddd dd MMM yyyy  HH:mm")
    # The edit holds the venue's wall clock, not this desktop's: in UTC it has no summer-time gap, so a time
    # the desktop's clock skips (02:30 on its spring-forward night) is kept as typed, not moved an hour.
    edit.setTimeZone(QTimeZone.utc())
    return edit


def _set_wall(edit: QDateTimeEdit, moment: datetime) -> None:
    edit.setDateTime(
        QDateTime(
            QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute), QTimeZone.utc()
        )
    )


def _wall(edit: QDateTimeEdit) -> datetime:
    d, t = edit.date(), edit.time()
    # The venue's wall clock on purpose: the view-model gives it the venue's zone.
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())  # noqa: DTZ001


class CancelDialog(QDialog):
    """The question before a cancellation: what it refunds, and a reason for the refunds and the audit log."""

    def __init__(self, question: CancelQuestion, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cancelDialog")
        self.setWindowTitle(self.tr("Cancel concert"))
        self.setMinimumWidth(520)
        self.text = QLabel(question.text)
        self.text.setObjectName("cancelQuestion")
        self.text.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Why, e.g. The artist is ill"))
        buttons = QDialogButtonBox()
        self.confirm = buttons.addButton(
            self.tr("Cancel concert and refund"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.confirm.setObjectName("danger")
        self.keep = buttons.addButton(self.tr("Keep the concert"), QDialogButtonBox.ButtonRole.RejectRole)
        self.confirm.setEnabled(False)
        self.reason.textChanged.connect(lambda text: self.confirm.setEnabled(bool(text.strip())))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(self.text)
        layout.addWidget(QLabel(self.tr("Reason")))
        layout.addWidget(self.reason)
        layout.addWidget(buttons)


class ConcertsPage(QWidget):
    def __init__(self, vm: ConcertsViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-concerts")
        self.vm = vm
        self._rendering = False
        self._editing_id: ConcertId | None = None
        self._editing_status: ConcertStatus | None = None
        self.cancel_dialog: CancelDialog | None = None
        self._new_times: NewConcertTimes | None = None
        """The default times the new-concert form was last given (None once it edits a concert)."""

        heading = QLabel(self.tr("Concerts"))
        heading.setObjectName("pageTitle")
        self.summary = QLabel()
        self.summary.setObjectName("pageSummary")
        self.table = ConcertTable()

        self.chosen = QLabel()
        self.chosen.setObjectName("pageSummary")
        self.chosen.setWordWrap(True)
        self.put_on_sale = QPushButton(self.tr("Put on sale"))
        self.put_on_sale.setObjectName("primary")
        self.close_sales = QPushButton(self.tr("Close sales"))
        self.cancel = QPushButton(self.tr("Cancel concert…"))
        self.edit = QPushButton(self.tr("Edit"))
        self.new = QPushButton(self.tr("New concert"))
        actions = QHBoxLayout()
        for button in (self.put_on_sale, self.close_sales, self.cancel, self.edit, self.new):
            button.setMinimumWidth(button.sizeHint().width())
        for button in (self.put_on_sale, self.close_sales, self.cancel):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.edit)
        actions.addWidget(self.new)

        self.message = QLabel()
        self.message.setWordWrap(True)
        list_box = QWidget()
        list_box.setObjectName("listPanel")
        main = QVBoxLayout(list_box)
        main.setContentsMargins(0, 0, 0, 0)
        main.setSpacing(10)
        main.addWidget(heading)
        main.addWidget(self.summary)
        main.addWidget(self.message)
        main.addWidget(self.table, 1)
        main.addWidget(self.chosen)
        main.addLayout(actions)

        side_box = QWidget()
        side_box.setObjectName("sidePanel")
        side = QVBoxLayout(side_box)
        side.setContentsMargins(8, 0, 12, 0)
        side.addWidget(self._form_box())
        side.addStretch(1)
        # At 1366×768 the form is taller than the window: it scrolls instead of squashing.
        self.side_scroll = QScrollArea()
        self.side_scroll.setObjectName("sideScroll")
        self.side_scroll.setWidget(side_box)
        self.side_scroll.setWidgetResizable(True)
        self.side_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll_bar = self.side_scroll.verticalScrollBar().sizeHint().width()
        self.side_scroll.setMinimumWidth(side_box.minimumSizeHint().width() + scroll_bar)

        # The list takes what the window grows by; the editor keeps the width it needs, or what the manager
        # dragged it to last time.
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("concertsSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(12)
        self.splitter.addWidget(list_box)
        self.splitter.addWidget(self.side_scroll)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        remember_splitter(self.splitter, SPLITTER_KEY)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 20, 12, 20)
        layout.addWidget(self.splitter)

        self.table.currentCellChanged.connect(lambda row, *_: self._on_table_row(row))
        self.put_on_sale.clicked.connect(self.vm.request_put_on_sale)
        self.close_sales.clicked.connect(self.vm.request_close_sales)
        self.cancel.clicked.connect(self.vm.request_ask_cancel)
        self.edit.clicked.connect(self.vm.start_edit)
        self.new.clicked.connect(self.vm.start_new)
        self.save.clicked.connect(self._on_save_clicked)
        self.venue.currentIndexChanged.connect(self._on_venue_chosen)
        self.plan.currentIndexChanged.connect(self._on_plan_chosen)
        self.add_category.clicked.connect(
            lambda: self._add_category_row(CategoryRow("", "", self._next_colour(), ""))
        )
        self.remove_category.clicked.connect(self._on_remove_category)
        self.categories.itemChanged.connect(self._on_category_changed)
        bind(vm.changed, self._on_vm_changed, self)
        self._loaded = False
        self._fill_new()
        self._on_vm_changed(vm.state)

    def showEvent(self, event: QShowEvent) -> None:
        """The concerts are read when the screen is first opened, not at every sign-in."""
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.vm.request_load()

    def close_page(self) -> None:
        self.vm.close()

    # --- the form --------------------------------------------------------------------------------------

    def _form_box(self) -> QGroupBox:
        self.form_box = box = QGroupBox(self.tr("New concert"))
        self.title = QLineEdit()
        self.title.setPlaceholderText(self.tr("e.g. Winter Gala"))
        self.artist = QLineEdit()
        self.venue = QComboBox()
        self.plan = QComboBox()
        self.currency = QLineEdit("EUR")
        self.currency.setMaxLength(3)
        self.currency.setFixedWidth(70)
        self.doors_at = _time_edit()
        self.starts_at = _time_edit()
        self.sales_open_at = _time_edit()
        self.sales_close_at = _time_edit()
        self.max_per_order = QSpinBox()
        self.max_per_order.setRange(0, 99)
        self.max_per_order.setSuffix(self.tr(" tickets"))
        self.hold_minutes = QSpinBox()
        self.hold_minutes.setRange(0, 99)
        self.hold_minutes.setSuffix(self.tr(" min"))
        self.hold_minutes.setToolTip(
            self.tr("How long a kiosk keeps chosen places while the buyer pays (1–30).")
        )
        self.reentry = QCheckBox(self.tr("Re-entry allowed (scan out and in again)"))
        self.categories = QTableWidget(0, len(CATEGORY_COLUMNS))
        self.categories.setObjectName("categoryTable")
        self.categories.setHorizontalHeaderLabels([self.tr(c) for c in CATEGORY_COLUMNS])
        self.categories.verticalHeader().setVisible(False)
        self.categories.verticalHeader().setDefaultSectionSize(30)
        self.categories.setFixedHeight(150)
        cat_header = self.categories.horizontalHeader()
        cat_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        cat_header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.categories.setToolTip(
            self.tr(
                "Colour as #rrggbb; sections by name, separated by commas. Every section needs one price."
            )
        )
        self.add_category = QPushButton(self.tr("Add category"))
        self.remove_category = QPushButton(self.tr("Remove"))
        cat_buttons = QHBoxLayout()
        cat_buttons.addWidget(self.add_category)
        cat_buttons.addWidget(self.remove_category)
        cat_buttons.addStretch(1)
        self.save = QPushButton(self.tr("Create concert"))
        self.save.setObjectName("primary")
        self.prices_hint = QLabel()
        self.prices_hint.setObjectName("hint")
        self.prices_hint.setWordWrap(True)
        self.zone_hint = QLabel()
        self.zone_hint.setObjectName("hint")

        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setVerticalSpacing(8)
        form.addRow(self.tr("Title"), self.title)
        form.addRow(self.tr("Artist"), self.artist)
        form.addRow(self.tr("Venue"), self.venue)
        form.addRow(self.tr("Seating plan"), self.plan)
        form.addRow(self.tr("Currency"), self.currency)
        form.addRow(self.zone_hint)
        form.addRow(self.tr("Doors open"), self.doors_at)
        form.addRow(self.tr("Starts"), self.starts_at)
        form.addRow(self.tr("Sales open"), self.sales_open_at)
        form.addRow(self.tr("Sales close"), self.sales_close_at)
        form.addRow(self.tr("Per order, at most"), self.max_per_order)
        form.addRow(self.tr("Hold places for"), self.hold_minutes)
        form.addRow(self.reentry)
        form.addRow(QLabel(self.tr("Price categories")))
        form.addRow(self.categories)
        form.addRow(cat_buttons)
        form.addRow(self.prices_hint)
        form.addRow(self.save)
        self._field_widgets: dict[str, QWidget] = {
            "title": self.title,
            "artist": self.artist,
            "venue_id": self.venue,
            "plan_id": self.plan,
            "currency": self.currency,
            "doors_at": self.doors_at,
            "starts_at": self.starts_at,
            "sales_open_at": self.sales_open_at,
            "sales_close_at": self.sales_close_at,
            "max_per_order": self.max_per_order,
            "hold_seconds": self.hold_minutes,
            "categories": self.categories,
        }
        return box

    def _fill_new(self) -> None:
        self._editing_id = None
        self._editing_status = None
        self._prices_editable(True)
        self.form_box.setTitle(self.tr("New concert"))
        self.save.setText(self.tr("Create concert"))
        self.title.clear()
        self.artist.clear()
        self._new_times = None
        self._follow_venue_clock()
        self.max_per_order.setValue(8)
        self.hold_minutes.setValue(5)
        self.reentry.setChecked(False)
        for widget in (self.venue, self.plan, self.currency):
            widget.setEnabled(True)
        self._fill_categories_from_plan()

    def _times(self) -> NewConcertTimes:
        return NewConcertTimes(
            _wall(self.doors_at), _wall(self.starts_at), _wall(self.sales_open_at), _wall(self.sales_close_at)
        )

    def _follow_venue_clock(self) -> None:
        """A new concert's default times by the chosen venue's clock, again when another venue (zone) is
        chosen, until the manager changes one of them."""
        if self._editing_id is not None:
            return
        times = self.vm.new_times(self.venue.currentData())
        if times == self._new_times or (self._new_times is not None and self._times() != self._new_times):
            return
        self._new_times = times
        for edit, wall in (
            (self.doors_at, times.doors_at),
            (self.starts_at, times.starts_at),
            (self.sales_open_at, times.sales_open_at),
            (self.sales_close_at, times.sales_close_at),
        ):
            _set_wall(edit, wall)

    def _fill_edit(self, row: ConcertOverview) -> None:
        c = row.concert
        self._editing_id = c.id
        self._editing_status = c.status
        self.form_box.setTitle(self.tr("Edit {title}").format(title=c.title))
        self.save.setText(self.tr("Save changes"))
        self.title.setText(c.title)
        self.artist.setText(c.artist)
        zone = ZoneInfo(row.timezone)
        for edit, moment in (
            (self.doors_at, c.doors_at),
            (self.starts_at, c.starts_at),
            (self.sales_open_at, c.sales_open_at),
            (self.sales_close_at, c.sales_close_at),
        ):
            _set_wall(edit, moment.astimezone(zone))
        self.max_per_order.setValue(c.max_per_order)
        self.hold_minutes.setValue(c.hold_seconds // 60)
        self.reentry.setChecked(c.reentry_allowed)
        self.currency.setText(c.currency)
        self._select_data(self.venue, c.venue_id)
        for widget in (self.venue, self.plan, self.currency):
            widget.setEnabled(False)  # a concert keeps its venue, plan and currency
        self.categories.setRowCount(0)
        for cat in category_rows(row):
            self._add_category_row(cat)
        self._prices_editable(c.status is ConcertStatus.DRAFT)

    def _prices_editable(self, editable: bool) -> None:
        """Prices and colours change only while a concert is a draft (the server refuses: prices_locked)."""
        triggers = QAbstractItemView.EditTrigger
        self.categories.setEditTriggers(
            triggers.DoubleClicked | triggers.EditKeyPressed | triggers.AnyKeyPressed
            if editable
            else triggers.NoEditTriggers
        )
        self.add_category.setEnabled(editable)
        self.remove_category.setEnabled(editable)
        self.prices_hint.setText(
            "" if editable else self.tr("Prices are fixed once a concert has been on sale.")
        )
        self.prices_hint.setVisible(not editable)

    def _select_data(self, box: QComboBox, value: object) -> None:
        index = box.findData(value)
        if index >= 0:
            box.setCurrentIndex(index)

    def _fill_categories_from_plan(self) -> None:
        """A new concert starts with one category per section of the chosen plan, each in its own colour."""
        plan = next((p for p in self.vm.state.plans if p.id == self.plan.currentData()), None)
        self.categories.setRowCount(0)
        if plan is None:
            return
        for i, section in enumerate(plan.sections):
            self._add_category_row(CategoryRow(section.name, "", PALETTE[i % len(PALETTE)], section.name))

    def _add_category_row(self, row: CategoryRow) -> None:
        self._rendering = True
        try:
            at = self.categories.rowCount()
            self.categories.insertRow(at)
            for column, text in enumerate((row.name, row.price, row.colour, row.sections)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.seats)
                self.categories.setItem(at, column, item)
            self._paint_colour(at)
        finally:
            self._rendering = False

    def _paint_colour(self, row: int) -> None:
        item = self.categories.item(row, 2)
        if item is None:
            return
        colour = QColor(item.text().strip())
        if colour.isValid():
            item.setBackground(colour)
            item.setForeground(QColor("#ffffff") if colour.lightness() < 150 else QColor("#1f2430"))
        else:
            item.setBackground(QColor("#ffffff"))
            item.setForeground(QColor("#a61b1b"))

    def _next_colour(self) -> str:
        return PALETTE[self.categories.rowCount() % len(PALETTE)]

    def _on_category_changed(self, item: QTableWidgetItem) -> None:
        if not self._rendering and item.column() == 2:
            self._rendering = True
            try:
                self._paint_colour(item.row())
            finally:
                self._rendering = False

    def _on_remove_category(self) -> None:
        row = self.categories.currentRow()
        self.categories.removeRow(row if row >= 0 else self.categories.rowCount() - 1)

    def category_rows(self) -> tuple[CategoryRow, ...]:
        def text(row: int, column: int) -> str:
            item = self.categories.item(row, column)
            return item.text() if item is not None else ""

        def seats(row: int) -> tuple[tuple[str, str, int], ...]:
            item = self.categories.item(row, 0)
            return tuple(item.data(Qt.ItemDataRole.UserRole) or ()) if item is not None else ()

        return tuple(
            CategoryRow(text(r, 0), text(r, 1), text(r, 2).strip(), text(r, 3), seats(r))
            for r in range(self.categories.rowCount())
        )

    def form(self) -> ConcertForm:
        venue = self.venue.currentData()
        plan = self.plan.currentData()
        return ConcertForm(
            title=self.title.text(),
            artist=self.artist.text(),
            venue_id=VenueId(venue) if venue is not None else None,
            plan_id=PlanId(plan) if plan is not None else None,
            currency=self.currency.text(),
            doors_at=_wall(self.doors_at),
            starts_at=_wall(self.starts_at),
            sales_open_at=_wall(self.sales_open_at),
            sales_close_at=_wall(self.sales_close_at),
            categories=self.category_rows(),
            max_per_order=self.max_per_order.value(),
            hold_minutes=self.hold_minutes.value(),
            reentry_allowed=self.reentry.isChecked(),
            concert_id=self._editing_id,
        )

    # --- intent ----------------------------------------------------------------------------------------

    def _on_table_row(self, row: int) -> None:
        concerts = self.vm.state.concerts
        if (
            not self._rendering
            and 0 <= row < len(concerts)
            and concerts[row].concert.id != self.vm.state.selected
        ):
            self.vm.select(ConcertId(concerts[row].concert.id))

    def _on_venue_chosen(self, _index: int) -> None:
        if not self._rendering:
            self._follow_venue_clock()
        venue = self.venue.currentData()
        if not self._rendering and venue is not None and venue != self.vm.state.plans_venue:
            self.vm.request_plans(VenueId(venue))

    def _on_plan_chosen(self, _index: int) -> None:
        if not self._rendering and self._editing_id is None:
            self._fill_categories_from_plan()

    def _on_save_clicked(self) -> None:
        self.vm.request_save(self.form())

    def _on_question(self, question: CancelQuestion | None) -> None:
        dialog = self.cancel_dialog
        if question is None:
            if dialog is not None:
                self.cancel_dialog = None
                dialog.done(QDialog.DialogCode.Rejected)
                dialog.deleteLater()
            return
        if dialog is not None:
            dialog.text.setText(question.text)  # asked again with new numbers: same dialog, new sentence
            return
        self.cancel_dialog = dialog = CancelDialog(question, self)
        dialog.accepted.connect(lambda: self.vm.request_confirm_cancel(dialog.reason.text()))
        dialog.rejected.connect(self._on_dialog_rejected)
        dialog.open()

    def _on_dialog_rejected(self) -> None:
        if self.cancel_dialog is not None:
            self.cancel_dialog = None
            self.vm.dismiss_cancel()

    # --- render ----------------------------------------------------------------------------------------

    def _on_vm_changed(self, state: ConcertsState) -> None:
        self._rendering = True
        try:
            self.table.show_concerts(state)
            self._render_choices(state)
        finally:
            self._rendering = False
        self._render_form(state)
        on_sale = sum(1 for c in state.concerts if c.concert.status.value == "on_sale")
        sold = sum(c.tickets for c in state.concerts)
        self.summary.setText(
            self.tr("{n} concerts, {s} on sale, {t} tickets sold.").format(
                n=len(state.concerts),
                s=on_sale,
                t=f"{sold:,}",  # as the table writes it: 2,038
            )
        )
        current = state.current
        if current is None:
            self.chosen.setText(self.tr("Choose a concert in the list, or make a new one."))
        else:
            prices = ", ".join(
                f'<span style="color:{p.colour}">●</span> {p.name} {price_text(p.price.minor)} {p.price.currency}'
                for p in current.categories
            )
            self.chosen.setText(
                f"<b>{current.concert.title}</b> · {STATUS_WORDS[current.concert.status]} · {prices}"
            )
        c = current.concert if current else None
        self.put_on_sale.setEnabled(c is not None and can_put_on_sale(c) and not state.busy)
        self.close_sales.setEnabled(c is not None and can_close_sales(c) and not state.busy)
        self.cancel.setEnabled(c is not None and can_cancel(c) and not state.busy)
        self.edit.setEnabled(c is not None and can_cancel(c) and not state.busy)
        self.put_on_sale.setText(
            self.tr("Reopen sales")
            if c is not None and c.status.value == "sales_closed"
            else self.tr("Put on sale")
        )
        self.save.setEnabled(not state.busy)
        self._render_message(state)
        self._on_question(state.question)
        if self.cancel_dialog is not None:
            self.cancel_dialog.confirm.setEnabled(
                not state.busy and bool(self.cancel_dialog.reason.text().strip())
            )

    def _render_form(self, state: ConcertsState) -> None:
        editing = state.editing
        if editing is not None and (editing.concert.id, editing.concert.status) != (
            self._editing_id,
            self._editing_status,
        ):
            self._fill_edit(editing)
        elif editing is None and self._editing_id is not None:
            self._fill_new()
        for name, widget in self._field_widgets.items():
            hit = state.error_field == name or state.error_field.startswith(f"{name}[")
            widget.setStyleSheet(INVALID if hit else "")
        self._follow_venue_clock()
        venue = next((v for v in state.venues if v.id == self.venue.currentData()), None)
        self.zone_hint.setText(
            self.tr("Times are {zone} time, where the venue is.").format(zone=venue.timezone) if venue else ""
        )

    def _render_choices(self, state: ConcertsState) -> None:
        venue = self.venue.currentData()
        if [self.venue.itemData(i) for i in range(self.venue.count())] != [v.id for v in state.venues]:
            self.venue.clear()
            for v in state.venues:
                self.venue.addItem(v.name, v.id)
            self._select_data(self.venue, venue)
            if self.venue.currentData() is not None and self.venue.currentData() != state.plans_venue:
                self.vm.request_plans(VenueId(self.venue.currentData()))
        plans = [p.id for p in state.plans]
        if [self.plan.itemData(i) for i in range(self.plan.count())] != plans:
            self.plan.clear()
            for p in state.plans:
                places = sum(s.capacity for s in p.sections)
                self.plan.addItem(f"{p.name} · {places:,} places", p.id)
            if self._editing_id is None:
                self._fill_categories_from_plan()
            elif state.editing is not None:
                self._select_data(self.plan, state.editing.concert.plan_id)

    def _render_message(self, state: ConcertsState) -> None:
        if state.error:
            self.message.setObjectName("error")
            self.message.setText(state.error)
        elif state.notice:
            self.message.setObjectName("status")
            self.message.setText(state.notice)
        else:
            self.message.setObjectName("")
            self.message.setText("")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setVisible(bool(self.message.text()))
