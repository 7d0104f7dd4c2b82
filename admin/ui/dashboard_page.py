"""The "Dashboard" screen: today's and the next concerts with sold / held / free moving by themselves, the chosen
concert's sales over time and check-ins per minute by gate, and the kiosks' and doors' health."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from admin.ui.binding import bind
from admin.ui.charts import GateMinutesChart, SalesChart
from admin.viewmodels.dashboard import ConcertCounts, DashboardState, DashboardViewModel
from admin.viewmodels.venue_time import in_zone, zone_time
from core.domain.dashboard import DeviceStatusRow
from core.domain.ids import ConcertId

CONCERT_COLUMNS = ("Concert", "Venue", "Doors", "Sold", "Held", "Free", "Sold %")
DEVICE_COLUMNS = ("Device", "Kind", "Status", "Printer", "Last sale", "Last seen")
KIND_WORDS = {"kiosk": "Kiosk", "door": "Door", "box_office": "Box office"}
STALE_AFTER = timedelta(minutes=3)
"""A device that has not reported for this long shows as not reporting (kiosks report every minute)."""
GOOD, BAD, QUIET = "#2b7a3d", "#c92a2a", "#8a909c"


def when(moment: datetime | None, zone: str) -> str:
    """A moment by ``zone``'s clock (a venue's; '' : this desktop's) with its abbreviation: 'today 20:00 CET'
    on that clock's today, else 'Fri 11 Dec 20:00 CET'."""
    if moment is None:
        return "—"
    today = in_zone(moment, zone).date() == in_zone(datetime.now(UTC), zone).date()
    return zone_time(moment, zone, "today %H:%M" if today else "%a %d %b %H:%M")


def fit_rows(table: QTableWidget, rows: int, *, at_most: int) -> None:
    """As tall as its rows (2 to ``at_most`` of them; more scroll), so no empty box takes a chart's room."""
    shown = min(max(rows, 2), at_most)
    height = (
        table.horizontalHeader().sizeHint().height() + shown * table.verticalHeader().defaultSectionSize()
    )
    table.setFixedHeight(height + 2 * table.frameWidth() + 2)


def device_status(row: DeviceStatusRow, now: datetime, zone: str = "") -> tuple[str, str]:
    """(words, colour) for the status cell."""
    if row.device.status.value == "pending":
        return "Waiting for approval", QUIET
    if row.health is None or row.reported_at is None:
        return "No report", QUIET
    if now - row.reported_at > STALE_AFTER:
        return "Silent since " + when(row.reported_at, zone), BAD
    if not row.health.online:
        return "Offline (no database)", BAD
    if row.health.mode == "out_of_service":
        return "Out of service", BAD
    return ("Online" if row.health.live_updates else "Online, live updates paused"), GOOD


class DashboardPage(QWidget):
    def __init__(self, vm: DashboardViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-dashboard")
        self.vm = vm
        self._rendering = False

        heading = QLabel(self.tr("Dashboard"))
        heading.setObjectName("pageTitle")
        self.summary = QLabel()
        self.summary.setObjectName("pageSummary")
        self.live = QLabel()
        self.live.setObjectName("liveBadge")
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(16)
        top.addWidget(self.summary, 1)
        top.addWidget(self.live)

        self.concerts = self._table(CONCERT_COLUMNS, "concertTable")
        self.sales_chart = SalesChart()
        self.sales_chart.setObjectName("salesChart")
        self.gate_chart = GateMinutesChart()
        self.gate_chart.setObjectName("gateChart")
        charts = QHBoxLayout()
        charts.setSpacing(16)
        charts.addWidget(self.sales_chart, 1)
        charts.addWidget(self.gate_chart, 1)
        self.door_figures = QLabel()
        self.door_figures.setObjectName("hint")

        devices_title = QLabel(self.tr("Kiosks and doors"))
        devices_title.setObjectName("sectionTitle")
        self.devices_clock = QLabel()
        self.devices_clock.setObjectName("hint")
        devices_head = QHBoxLayout()
        devices_head.addWidget(devices_title)
        devices_head.addWidget(self.devices_clock, 1)
        self.devices = self._table(DEVICE_COLUMNS, "deviceHealthTable")
        self.devices.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.devices.setMinimumHeight(140)
        self.message = QLabel()
        self.message.setObjectName("error")
        self.message.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.concerts)
        layout.addLayout(charts, 3)
        layout.addWidget(self.door_figures)
        layout.addLayout(devices_head)
        layout.addWidget(self.devices, 2)

        self.concerts.currentCellChanged.connect(lambda row, *_: self._on_concert_row(row))
        bind(vm.changed, self._on_vm_changed, self)
        self._on_vm_changed(vm.state)

    @staticmethod
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
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(columns)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        return table

    def showEvent(self, event: QShowEvent) -> None:
        """The concerts are read each time the screen is opened: one created or put on sale on another screen
        since is followed from then on (the watches keep the counts of those read up to date)."""
        super().showEvent(event)
        if not self.vm.busy:
            self.vm.request_load()

    def close_page(self) -> None:
        self.vm.close()

    def _on_concert_row(self, row: int) -> None:
        concerts = self.vm.state.concerts
        if not self._rendering and 0 <= row < len(concerts):
            self.vm.select(ConcertId(concerts[row].id))

    # --- render ----------------------------------------------------------------------------------------

    def _on_vm_changed(self, state: DashboardState) -> None:
        self._rendering = True
        try:
            self._render_concerts(state.concerts, state.selected_id)
        finally:
            self._rendering = False
        chosen = state.selected
        now = datetime.now().astimezone()
        if not state.loaded:
            self.summary.setText(self.tr("Reading the concerts…"))
        elif not state.concerts:
            self.summary.setText(
                self.tr("No concert today or coming up: put one on sale on the Concerts screen.")
            )
        else:
            sold = sum(c.sold for c in state.concerts)
            self.summary.setText(
                self.tr("{n} concerts today and coming up · {sold} tickets sold").format(
                    n=len(state.concerts), sold=f"{sold:,}"
                )
            )
        self.live.setText(self.tr("● Live") if state.live else self.tr("● Live updates paused: polling"))
        self.live.setStyleSheet(f"color: {GOOD if state.live else '#b35c00'}; font-weight: 600;")
        self.sales_chart.chart().setTitle(
            self.tr("Tickets sold over time") + (f" — {chosen.summary.concert.title}" if chosen else "")
        )
        zone = chosen.summary.timezone if chosen else state.clock.zone
        self.sales_chart.set_series(state.sales, now, zone)
        self.gate_chart.set_activity(state.checkins, zone)
        activity = state.checkins
        if activity is None:
            self.door_figures.setText("")
        else:
            gates = ", ".join(f"{g.gate} {g.admitted}" for g in activity.gates) or self.tr("no entries yet")
            self.door_figures.setText(
                self.tr(
                    "Door: {a} of {t} admitted, {i} inside, {r:.1f} a minute lately · by gate: {g}"
                ).format(
                    a=activity.admitted,
                    t=activity.tickets,
                    i=activity.inside,
                    r=activity.rate_per_minute,
                    g=gates,
                )
            )
        self._render_devices(state.devices, now, state.clock.zone)
        self.devices_clock.setText(state.clock.note)
        self.message.setText(state.error)
        self.message.setVisible(bool(state.error))

    def _render_concerts(self, concerts: tuple[ConcertCounts, ...], selected: ConcertId | None) -> None:
        self.concerts.setRowCount(len(concerts))
        for row, item in enumerate(concerts):
            summary = item.summary
            percent = f"{100 * item.sold / item.capacity:.0f} %" if item.capacity else "—"
            numbers = (item.sold, item.held, item.free) if item.watching else ("…", "…", "…")
            cells = (
                f"{summary.concert.title} — {summary.concert.artist}",
                summary.venue_name,
                when(summary.concert.doors_at, summary.timezone),
                *(str(n) for n in numbers),
                percent if item.watching else "…",
            )
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column >= 3:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 4 and item.held:
                    cell.setForeground(QColor("#b35c00"))
                self.concerts.setItem(row, column, cell)
        fit_rows(self.concerts, len(concerts), at_most=6)
        ids = [c.id for c in concerts]
        if selected in ids:
            self.concerts.selectRow(ids.index(selected))

    def _render_devices(self, rows: tuple[DeviceStatusRow, ...], now: datetime, zone: str) -> None:
        self.devices.setRowCount(len(rows))
        for index, row in enumerate(rows):
            words, colour = device_status(row, now, zone)
            health = row.health
            cells = (
                row.device.name,
                KIND_WORDS.get(row.device.kind.value, row.device.kind.value),
                words,
                "—" if health is None or health.printer == "none" else health.printer.replace("_", " "),
                "—" if health is None else when(health.last_sale_at, zone),
                when(row.device.last_seen_at, zone),
            )
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column == 2:
                    cell.setForeground(QColor(colour))
                if column == 3 and health is not None and health.printer not in ("ok", "none"):
                    cell.setForeground(QColor(BAD))
                self.devices.setItem(index, column, cell)
