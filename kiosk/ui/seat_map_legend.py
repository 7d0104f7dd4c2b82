"""The seat map's side panel: legend (prices and symbols), the buyer's choice, notices and zoom buttons."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.domain.ids import CategoryId
from kiosk.ui.seat_map_scene import Look, Styles, check_path
from kiosk.viewmodels.seat_map import SeatMapModel, SeatMapState

SWATCH = 36

STYLE = """
#SeatMapPanel { background: #ffffff; border-left: 1px solid #d0d0d0; border-top: 1px solid #d0d0d0; }
#SeatMapPanel QLabel { font-size: 22px; color: #1a1a1a; }
#SeatMapPanel QLabel#heading { font-size: 24px; font-weight: bold; }
#SeatMapPanel QLabel#notice { font-size: 24px; font-weight: bold; color: #7a1d00; background: #fff3cd;
  border: 2px solid #e0a800; border-radius: 8px; padding: 10px; }
#SeatMapPanel QLabel#paused { font-size: 20px; color: #555555; }
#SeatMapPanel QPushButton { font-size: 24px; font-weight: bold; min-height: 56px; min-width: 56px;
  padding: 4px 16px; border: 2px solid #444444; border-radius: 8px; background: #f2f2f2; }
#SeatMapPanel QPushButton:pressed { background: #d8d8d8; }
"""


def swatch(styles: Styles, category: CategoryId | None, look: Look, mark: str = "") -> QPixmap:
    """A seat as the map draws it, for the legend."""
    pix = QPixmap(SWATCH, SWATCH)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(4, 4, SWATCH - 8, SWATCH - 8)
    if category is None:  # a neutral "available" seat for the symbol rows
        p.setPen(QPen(QColor("#2b2b2b"), 2))
        p.setBrush(QColor("#bdbdbd"))
    else:
        brush, pen = styles.brush_pen(category, look)
        p.setPen(pen)
        p.setBrush(brush)
    p.drawRect(rect)
    if look is Look.SELECTED:
        p.setPen(QPen(QColor("#ffffff"), 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        scale = (SWATCH - 8) / 32
        p.translate(rect.center())
        p.scale(scale, scale)
        p.drawPath(check_path(rect.center() * 0))
    elif mark:
        font = QFont()
        font.setPixelSize(20)
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor("#111111"))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, mark)
    p.end()
    return pix


class SeatMapPanel(QFrame):
    """Renders the snapshot's prices, availability, choice and notice; the buttons forward to the model/view."""

    def __init__(self, model: SeatMapModel, styles: Styles, wheelchair: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("SeatMapPanel")
        self.setStyleSheet(STYLE)
        self.model = model
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)
        self.notice.setAccessibleName(self.tr("Notice"))
        self.paused = QLabel(self.tr("Live updates paused — seats refresh every few seconds."))
        self.paused.setObjectName("paused")
        self.paused.setWordWrap(True)
        self.paused.setVisible(False)
        self.choice = QLabel()
        self.choice.setObjectName("heading")
        self.choice.setWordWrap(True)
        self.zoom_out = QPushButton("−")
        self.zoom_fit = QPushButton(self.tr("Whole map"))
        self.zoom_in = QPushButton("+")
        self.clear = QPushButton(self.tr("Clear choice"))
        self.zoom_out.setAccessibleName(self.tr("Zoom out"))
        self.zoom_in.setAccessibleName(self.tr("Zoom in"))
        self._category_labels: dict[CategoryId, QLabel] = {}
        self._legend = QWidget()
        self._grid = QGridLayout(self._legend)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(10)
        self._grid.setVerticalSpacing(6)
        self._entries = self._legend_entries(styles, wheelchair)
        self._columns = 0
        self.set_columns(1)

        zoom = QHBoxLayout()
        zoom.addWidget(self.zoom_out)
        zoom.addWidget(self.zoom_fit, 1)
        zoom.addWidget(self.zoom_in)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 20)
        layout.setSpacing(14)
        layout.addWidget(self.choice)
        layout.addWidget(self.notice)
        layout.addWidget(self.paused)
        layout.addWidget(self._legend)
        layout.addStretch(1)
        layout.addLayout(zoom)
        layout.addWidget(self.clear)

    def _legend_entries(self, styles: Styles, wheelchair: str) -> list[tuple[QLabel, QLabel]]:
        entries = []
        ordered = sorted(self.model.categories.values(), key=lambda c: (-c.price.minor, c.name))
        for category in ordered:
            icon = QLabel()
            icon.setPixmap(swatch(styles, category.id, Look.FREE))
            text = QLabel()
            text.setWordWrap(True)
            self._category_labels[category.id] = text
            entries.append((icon, text))
        any_category = ordered[0].id if ordered else None
        symbols = [
            (swatch(styles, any_category, Look.SELECTED), self.tr("Your choice")),
            (swatch(styles, any_category, Look.TAKEN), self.tr("Taken")),
            (swatch(styles, None, Look.FREE, wheelchair), self.tr("Wheelchair space")),
            (swatch(styles, None, Look.FREE, "C"), self.tr("Companion seat")),
        ]
        for pix, words in symbols:
            icon, text = QLabel(), QLabel(words)
            icon.setPixmap(pix)
            entries.append((icon, text))
        return entries

    def set_columns(self, columns: int) -> None:
        """One column beside a landscape map, more under a portrait one."""
        if columns == self._columns:
            return
        self._columns = columns
        for icon, text in self._entries:
            self._grid.removeWidget(icon)
            self._grid.removeWidget(text)
        for i, (icon, text) in enumerate(self._entries):
            row, col = divmod(i, columns)
            self._grid.addWidget(icon, row, col * 2)
            self._grid.addWidget(text, row, col * 2 + 1)
        for col in range(columns):
            self._grid.setColumnStretch(col * 2 + 1, 1)

    def show_state(self, state: SeatMapState) -> None:
        for cid, label in self._category_labels.items():
            category = self.model.categories[cid]
            left = state.availability.get(cid, 0)
            label.setText(
                self.tr("{name} — {price} · {left} left").format(
                    name=category.name, price=category.price.format(), left=f"{left:,}"
                )
            )
        count = len(state.selection)
        if count:
            self.choice.setText(
                self.tr("{count} of {max} seats chosen · {total}").format(
                    count=count, max=state.max_per_order, total=state.total.format()
                )
            )
        else:
            self.choice.setText(
                self.tr("Tap the seats you want (up to {max}).").format(max=state.max_per_order)
            )
        self.notice.setText(state.notice)
        self.notice.setVisible(bool(state.notice))
        self.paused.setVisible(not state.live)
        self.clear.setEnabled(bool(count))
