"""The admin app's two charts (QtCharts): tickets sold over time, and check-ins per minute by gate. Each renders a
whole snapshot (set_*), never a delta, so a missed update cannot leave a wrong chart.

QDateTimeAxis labels by this desktop's clock and cannot be given another zone, so each moment is placed where
the desktop's clock reads the venue's wall time: the axis then reads 20:00 where the venue's clock did.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCharts import QChart, QChartView, QDateTimeAxis, QLineSeries, QValueAxis
from PySide6.QtCore import QDateTime, QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

from admin.viewmodels.venue_time import in_zone
from core.domain.dashboard import CheckinActivity, SalesSeries

ACCENT = "#3b5bdb"
GATE_COLOURS = ("#3b5bdb", "#e8590c", "#2b8a3e", "#c2255c", "#7048e8", "#0c8599", "#e67700", "#5c940d")
"""One colour per gate, in the order the server lists them (busiest first)."""


def _ms(moment: datetime, zone: str) -> float:
    """Where the desktop's clock shows ``moment``'s wall time by ``zone`` (a venue's; '' : the desktop's)."""
    wall = in_zone(moment, zone).replace(tzinfo=None)
    return wall.timestamp() * 1000  # a naive time is read by the desktop's clock: on purpose


def _when(moment: datetime, zone: str) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(int(_ms(moment, zone)))


def _nice_top(value: float) -> int:
    """A round axis maximum above ``value`` (at least 4), so the ticks land on whole numbers."""
    top = max(4, int(value * 1.15) + 1)
    step = 1 if top <= 10 else 5 if top <= 50 else 10 if top <= 100 else 50 if top <= 500 else 100
    return ((top + step - 1) // step) * step


class _ChartView(QChartView):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        chart = QChart()
        chart.setTitle(title)
        title_font = QFont(chart.titleFont())
        title_font.setPointSize(11)
        title_font.setBold(True)
        chart.setTitleFont(title_font)
        chart.setBackgroundRoundness(8)
        chart.setMargins(QMargins(6, 6, 6, 6))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(200)
        self.x_axis = QDateTimeAxis()
        self.y_axis = QValueAxis()
        self.y_axis.setLabelFormat("%d")
        chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self.empty_text = ""

    def _clear(self) -> None:
        self.chart().removeAllSeries()

    def _attach(self, series: QLineSeries) -> None:
        self.chart().addSeries(series)
        series.attachAxis(self.x_axis)
        series.attachAxis(self.y_axis)

    def _y_range(self, top: float) -> None:
        nice = _nice_top(top)
        self.y_axis.setRange(0, nice)
        self.y_axis.setTickCount(5 if nice % 4 == 0 else 6 if nice % 5 == 0 else 5)


class SalesChart(_ChartView):
    """Tickets sold up to each hour (or day), a rising line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Tickets sold over time", parent)
        self.chart().legend().hide()
        self.points: list[tuple[float, float]] = []

    def set_series(self, series: SalesSeries | None, now: datetime, zone: str = "") -> None:
        self._clear()
        line = QLineSeries()
        line.setName("Tickets sold")
        line.setPen(QPen(QColor(ACCENT), 2.5))
        points: list[tuple[datetime, int]] = []
        if series is not None and series.points:
            points.append((series.points[0].at - series.bucket, 0))
            points += [(p.at, p.tickets) for p in series.points]
            if points[-1][0] < now:
                points.append((now, series.total))  # flat to now: no sale since is news too
        self.points = [(_ms(at, zone), float(n)) for at, n in points]
        for x, y in self.points:
            line.append(x, y)
        self._attach(line)
        if points:
            start, end = points[0][0], max(points[-1][0], points[0][0] + timedelta(hours=1))
        else:
            start, end = now - timedelta(days=1), now
        span = end - start
        self.x_axis.setFormat("HH:mm" if span <= timedelta(hours=18) else "d MMM" if span > timedelta(days=3)
                              else "d MMM HH:mm")  # fmt: skip
        self.x_axis.setTickCount(6)
        self.x_axis.setRange(_when(start, zone), _when(end, zone))
        self._y_range(series.total if series is not None else 0)


class GateMinutesChart(_ChartView):
    """Entries per minute, one line per gate, over the monitor's window (minutes without entries are 0)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Check-ins per minute by gate", parent)
        self.gates: list[str] = []

    def set_activity(self, activity: CheckinActivity | None, zone: str = "") -> None:
        self._clear()
        self.gates = []
        if activity is None:
            return
        last = activity.as_of.replace(second=0, microsecond=0)
        minutes = [last - timedelta(minutes=n) for n in range(activity.window_minutes - 1, -1, -1)]
        by_gate = activity.per_gate_minutes()
        top = 0
        for index, gate in enumerate(sorted(by_gate, key=lambda g: -sum(by_gate[g].values()))):
            line = QLineSeries()
            line.setName(gate)
            line.setPen(QPen(QColor(GATE_COLOURS[index % len(GATE_COLOURS)]), 2.2))
            for minute in minutes:
                count = by_gate[gate].get(minute, 0)
                top = max(top, count)
                line.append(_ms(minute, zone), count)
            self._attach(line)
            self.gates.append(gate)
        self.chart().legend().setVisible(bool(self.gates))
        self.x_axis.setFormat("HH:mm")
        # A range of whole five minutes, so the ticks fall on :00, :05, ...
        self.x_axis.setTickCount(activity.window_minutes // 5 + 1 if activity.window_minutes % 5 == 0 else 7)
        self.x_axis.setRange(_when(minutes[0], zone), _when(minutes[-1] + timedelta(minutes=1), zone))
        self._y_range(top)
