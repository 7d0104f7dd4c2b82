"""The "Venues and seating plans" screen: venues and their plans on the left, the grid generator and the CSV
import below them, the chosen plan drawn on the right with the marks to set on the seats chosen in it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from admin.ui.binding import bind
from admin.ui.plan_legend import PlanLegend
from admin.ui.plan_preview import PlanPreview
from admin.viewmodels.venues import GridForm, VenuesState, VenuesViewModel, describe_section, seat_counts
from core.domain.ids import PlanId, SeatId, VenueId
from core.domain.venues import Numbering, SeatMark, SectionKind

SIDE_WIDTH = 360
MARK_WORDS = {
    SeatMark.ACCESSIBLE: "Wheelchair place",
    SeatMark.COMPANION: "Companion seat",
    SeatMark.RESTRICTED_VIEW: "Restricted view",
    SeatMark.BLOCKED: "Blocked (not for sale)",
}


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    form.setVerticalSpacing(8)
    return form


class VenuesPage(QWidget):
    def __init__(self, vm: VenuesViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-venues")
        self.vm = vm
        self._rendering = False

        self.venue_list = QListWidget()
        self.venue_list.setObjectName("venueList")
        self.plan_list = QListWidget()
        self.plan_list.setObjectName("planList")
        for box in (self.venue_list, self.plan_list):
            box.setFixedHeight(84)
        self.venue_name = QLineEdit()
        self.venue_name.setPlaceholderText(self.tr("New venue's name"))
        self.timezone = QLineEdit("Europe/Berlin")
        self.timezone.setToolTip(self.tr("An IANA time zone such as Europe/Berlin"))
        self.create_venue = QPushButton(self.tr("Create venue"))
        venue_row = QVBoxLayout()
        venue_row.setSpacing(6)
        venue_row.addWidget(self.venue_name)
        zone_row = QHBoxLayout()
        zone_row.addWidget(self.timezone, 1)
        zone_row.addWidget(self.create_venue)
        venue_row.addLayout(zone_row)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._grid_tab(), self.tr("Grid generator"))
        self.tabs.addTab(self._csv_tab(), self.tr("Import CSV"))
        # The tabs take the height their form needs; the room below is for a refused file's problems.
        self.tabs.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setMargin(6)
        self.problems = QListWidget()
        self.problems.setObjectName("fileProblems")
        self.problems.setWordWrap(True)
        self.problems.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        side = QVBoxLayout()
        side.setSpacing(8)
        side.addWidget(_title(self.tr("Venues")))
        side.addWidget(self.venue_list)
        side.addLayout(venue_row)
        side.addSpacing(6)
        side.addWidget(_title(self.tr("Seating plans")))
        side.addWidget(self.plan_list)
        side.addWidget(self.tabs)
        side.addStretch(1)
        side_box = QWidget()
        side_box.setObjectName("sidePanel")
        side_box.setLayout(side)
        # On a 768-pixel-high screen the forms do not fit beside the drawing: they scroll instead of squashing.
        self.side_scroll = side_scroll = QScrollArea()
        side_scroll.setObjectName("sideScroll")
        side_scroll.setWidget(side_box)
        side_scroll.setWidgetResizable(True)
        side_scroll.setFrameShape(QFrame.Shape.NoFrame)
        side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side_scroll.setFixedWidth(SIDE_WIDTH + 16)
        side.setContentsMargins(0, 0, 12, 0)

        self.heading = QLabel(self.tr("Venues and seating plans"))
        self.heading.setObjectName("pageTitle")
        self.summary = QLabel()
        self.summary.setObjectName("pageSummary")
        self.preview = PlanPreview(self._on_preview_chosen)
        self.legend = PlanLegend()

        self.mark_kind = QComboBox()
        for mark, words in MARK_WORDS.items():
            self.mark_kind.addItem(self.tr(words), mark)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Reason, e.g. Sound desk"))
        self.reason.setToolTip(self.tr("Why the seats are blocked: Sound desk, Press, …"))
        self.apply_mark = QPushButton()
        self.apply_mark.setObjectName("applyMark")
        self.remove_mark = QPushButton()
        marks = QHBoxLayout()
        marks.addWidget(QLabel(self.tr("Chosen seats")))
        marks.addWidget(self.mark_kind)
        marks.addWidget(self.reason, 1)
        self.reason.setMinimumWidth(120)
        marks.addWidget(self.apply_mark)
        marks.addWidget(self.remove_mark)

        main = QVBoxLayout()
        main.addWidget(self.heading)
        main.addWidget(self.summary)
        # Refusals and notices sit above the drawing, where they are seen at any window size.
        main.addWidget(self.message)
        main.addWidget(self.problems)
        main.addWidget(self.preview, 1)
        main.addWidget(self.legend)
        main.addLayout(marks)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(20)
        layout.addWidget(side_scroll)
        layout.addLayout(main, 1)

        self.venue_list.currentRowChanged.connect(self._on_venue_row)
        self.plan_list.currentRowChanged.connect(self._on_plan_row)
        self.create_venue.clicked.connect(self._on_create_venue_clicked)
        self.make_grid.clicked.connect(self._on_make_grid_clicked)
        self.add_section.clicked.connect(self._on_add_section_clicked)
        self.remove_section.clicked.connect(lambda: self.vm.remove_section(self.draft_list.currentRow()))
        self.choose_file.clicked.connect(self._on_choose_file_clicked)
        self.import_file.clicked.connect(self._on_import_clicked)
        self.apply_mark.clicked.connect(lambda: self._on_mark_clicked(on=True))
        self.remove_mark.clicked.connect(lambda: self._on_mark_clicked(on=False))
        self.mark_kind.currentIndexChanged.connect(lambda _: self._on_vm_changed(self.vm.state))
        bind(vm.changed, self._on_vm_changed, self)
        self._loaded = False
        self._on_vm_changed(vm.state)

    def showEvent(self, event: QShowEvent) -> None:
        """The venues are read when the screen is first opened, not at every sign-in."""
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.vm.request_load()

    def close_page(self) -> None:
        self.vm.close()

    # --- forms -----------------------------------------------------------------------------------------

    def _grid_tab(self) -> QWidget:
        self.plan_name = QLineEdit(self.tr("Main hall"))
        self.section_name = QLineEdit(self.tr("Stalls"))
        self.section_kind = QComboBox()
        self.section_kind.addItem(self.tr("Seated"), SectionKind.SEATED)
        self.section_kind.addItem(self.tr("Standing"), SectionKind.STANDING)
        self.places = QSpinBox()
        self.places.setRange(1, 100_000)
        self.places.setValue(500)
        self.places.setGroupSeparatorShown(True)
        self.rows = QSpinBox()
        self.rows.setRange(1, 200)
        self.rows.setValue(12)
        self.seats_per_row = QSpinBox()
        self.seats_per_row.setRange(1, 500)
        self.seats_per_row.setValue(20)
        self.numbering = QComboBox()
        self.numbering.addItem(self.tr("Left to right"), Numbering.LEFT_TO_RIGHT)
        self.numbering.addItem(self.tr("Right to left"), Numbering.RIGHT_TO_LEFT)
        self.aisles = QLineEdit()
        self.aisles.setPlaceholderText(self.tr("e.g. 5, 15"))
        self.gaps = QLineEdit()
        self.gaps.setPlaceholderText(self.tr("e.g. 6"))
        self.curve = QDoubleSpinBox()
        self.curve.setRange(0, 10_000)
        self.curve.setDecimals(0)
        self.curve.setSpecialValueText(self.tr("straight rows"))
        self.curve.setToolTip(
            self.tr("Radius of the front row's arc in seat widths; 0 keeps the rows straight.")
        )
        self.add_section = QPushButton(self.tr("Add section"))
        self.add_section.setToolTip(self.tr("Keep this section and describe the next one behind it"))
        self.make_grid = QPushButton(self.tr("Create plan"))
        self.make_grid.setObjectName("primary")
        self.draft_list = QListWidget()
        self.draft_list.setObjectName("draftSections")
        self.remove_section = QPushButton(self.tr("Remove section"))
        self.form = form = _form()
        form.addRow(self.tr("Plan"), self.plan_name)
        form.addRow(self.tr("Sections"), self.draft_list)
        form.addRow("", self.remove_section)
        form.addRow(self.tr("Section"), self.section_name)
        form.addRow(self.tr("Kind"), self.section_kind)
        form.addRow(self.tr("Places"), self.places)
        form.addRow(self.tr("Rows"), self.rows)
        form.addRow(self.tr("Seats per row"), self.seats_per_row)
        form.addRow(self.tr("Numbering"), self.numbering)
        form.addRow(self.tr("Aisles after seats"), self.aisles)
        form.addRow(self.tr("Gaps after rows"), self.gaps)
        form.addRow(self.tr("Curve radius"), self.curve)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_section)
        buttons.addWidget(self.make_grid, 1)
        form.addRow(buttons)
        self.section_kind.currentIndexChanged.connect(lambda _: self._show_kind_fields())
        self._show_kind_fields()
        tab = QWidget()
        tab.setLayout(form)
        return tab

    def _show_kind_fields(self) -> None:
        """A standing section has only its places; a seated one its rows and seats."""
        standing = self.section_kind.currentData() == SectionKind.STANDING
        self.form.setRowVisible(self.places, standing)
        for field in (self.rows, self.seats_per_row, self.numbering, self.aisles, self.gaps, self.curve):
            self.form.setRowVisible(field, not standing)

    def _csv_tab(self) -> QWidget:
        self.csv_plan_name = QLineEdit(self.tr("From file"))
        self.csv_path = QLabel(self.tr("No file chosen"))
        self.csv_path.setObjectName("hint")
        self.csv_path.setWordWrap(True)
        self.choose_file = QPushButton(self.tr("Choose file…"))
        self.import_file = QPushButton(self.tr("Import"))
        self.import_file.setObjectName("primary")
        hint = QLabel(self.tr("Columns: section, kind, row, seat, x, y, flags, capacity"))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        form = _form()
        form.addRow(self.tr("Plan"), self.csv_plan_name)
        form.addRow(self.choose_file, self.csv_path)
        form.addRow(hint)
        form.addRow(self.import_file)
        tab = QWidget()
        tab.setLayout(form)
        self._csv_file: Path | None = None
        return tab

    # --- intent ----------------------------------------------------------------------------------------

    def _on_venue_row(self, row: int) -> None:
        venues = self.vm.state.venues
        if not self._rendering and 0 <= row < len(venues) and venues[row].id != self.vm.state.venue_id:
            self.vm.request_select_venue(VenueId(venues[row].id))

    def _on_plan_row(self, row: int) -> None:
        plans, layout = self.vm.state.plans, self.vm.state.layout
        current = layout.plan.id if layout else None
        if not self._rendering and 0 <= row < len(plans) and plans[row].id != current:
            self.vm.request_select_plan(PlanId(plans[row].id))

    def _on_create_venue_clicked(self) -> None:
        self.vm.request_create_venue(self.venue_name.text(), self.timezone.text())

    def grid_form(self) -> GridForm:
        return GridForm(
            plan_name=self.plan_name.text(),
            section_name=self.section_name.text(),
            rows=self.rows.value(),
            seats_per_row=self.seats_per_row.value(),
            numbering=Numbering(self.numbering.currentData()),
            aisles=self.aisles.text(),
            gaps=self.gaps.text(),
            curve_radius=self.curve.value(),
            kind=SectionKind(self.section_kind.currentData()),
            places=self.places.value(),
        )

    def _on_make_grid_clicked(self) -> None:
        self.vm.request_grid_plan(self.grid_form())

    def _on_add_section_clicked(self) -> None:
        before = len(self.vm.state.draft)
        self.vm.request_add_section(self.grid_form())
        if len(self.vm.state.draft) > before:  # taken: the form is ready for the next section's name
            self.section_name.clear()
            self.section_name.setFocus()

    def _on_choose_file_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Seating plan file"), "", self.tr("CSV files (*.csv)")
        )
        if path:
            self.set_csv_file(Path(path))

    def set_csv_file(self, path: Path) -> None:
        self._csv_file = path
        self.csv_path.setText(path.name)

    def _on_import_clicked(self) -> None:
        if self._csv_file is None:
            self.message.setText(self.tr("Choose a CSV file first."))
            return
        try:
            text = self._csv_file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            self.message.setText(
                self.tr("Could not read {name}: {why}").format(name=self._csv_file.name, why=exc)
            )
            return
        self.vm.request_import_csv(self.csv_plan_name.text(), text, self._csv_file.name)

    def _on_mark_clicked(self, *, on: bool) -> None:
        self.vm.request_mark(SeatMark(self.mark_kind.currentData()), on=on, reason=self.reason.text())

    def _on_preview_chosen(self, seat_ids: list[SeatId], add: bool) -> None:
        self.vm.select_seats(seat_ids, add=add)

    # --- render ----------------------------------------------------------------------------------------

    def _on_vm_changed(self, state: VenuesState) -> None:
        self._rendering = True
        try:
            self._render_lists(state)
        finally:
            self._rendering = False
        layout = state.layout
        if layout is None:
            self.summary.setText(self.tr("Choose or create a venue, then make a plan for it."))
        else:
            counts = seat_counts(layout)
            sections = ", ".join(f"{s.name} ({s.capacity:,})" for s in layout.plan.sections)
            venue = state.venue.name if state.venue else ""
            self.summary.setText(f"{venue} · {layout.plan.name}: {sections}")
        self.preview.render_layout(layout, state.selected)
        self.legend.setVisible(layout is not None)
        if layout is not None:
            self.legend.show_plan(self.preview.seats, counts, len(self.preview.picture.state.selection))
        chosen = len(state.selected)
        self.reason.setEnabled(self.mark_kind.currentData() == SeatMark.BLOCKED)
        self.apply_mark.setText(
            self.tr("Mark {n} seat(s)").format(n=chosen) if chosen else self.tr("Mark seats")
        )
        self.remove_mark.setText(self.tr("Unmark"))
        for button in (self.apply_mark, self.remove_mark):
            button.setEnabled(chosen > 0 and not state.busy)
        for button in (self.create_venue, self.make_grid, self.import_file, self.add_section):
            button.setEnabled(not state.busy)
        self._render_draft(state)
        if state.error:
            self.message.setObjectName("error")
            refused_file = self.tr(
                "The file was not imported; nothing was written. Fix these lines and try again:"
            )
            self.message.setText(refused_file if state.file_problems else state.error)
        elif state.notice:
            self.message.setObjectName("status")
            self.message.setText(state.notice)
        else:
            self.message.setObjectName("")
            self.message.setText("")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.updateGeometry()
        self.message.setVisible(bool(self.message.text()))
        self.problems.clear()
        for problem in state.file_problems:
            QListWidgetItem(self.tr("Line {line}: {problem}").format(line=problem.line, problem=problem.problem),
                            self.problems)  # fmt: skip
        self.problems.setVisible(bool(state.file_problems))
        self.problems.setFixedHeight(min(16 + 26 * len(state.file_problems), 180))

    def _render_draft(self, state: VenuesState) -> None:
        self.draft_list.clear()
        for section in state.draft:
            QListWidgetItem(describe_section(section), self.draft_list)
        has_draft = bool(state.draft)
        self.form.setRowVisible(self.draft_list, has_draft)
        self.form.setRowVisible(self.remove_section, has_draft)
        self.draft_list.setFixedHeight(min(12 + 26 * len(state.draft), 12 + 26 * 4))
        if has_draft:
            self.draft_list.setCurrentRow(len(state.draft) - 1)
        self.remove_section.setEnabled(has_draft and not state.busy)
        self.make_grid.setText(
            self.tr("Create plan ({n} sections)").format(n=len(state.draft))
            if len(state.draft) > 1
            else self.tr("Create plan")
        )

    def _render_lists(self, state: VenuesState) -> None:
        self.venue_list.clear()
        for venue in state.venues:
            QListWidgetItem(f"{venue.name}  ·  {venue.timezone}", self.venue_list)
        ids = [v.id for v in state.venues]
        self.venue_list.setCurrentRow(ids.index(state.venue_id) if state.venue_id in ids else -1)
        self.plan_list.clear()
        for plan in state.plans:
            places = sum(s.capacity for s in plan.sections)
            QListWidgetItem(f"{plan.name}  ·  {places:,} places", self.plan_list)
        plan_ids = [p.id for p in state.plans]
        current = state.layout.plan.id if state.layout else None
        self.plan_list.setCurrentRow(plan_ids.index(current) if current in plan_ids else -1)
