"""The seat map's side panel: the buyer's choice, notices, a compact legend (prices and symbols) and actions."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from core.domain.ids import CategoryId
from kiosk.ui.seat_map_scene import Look, Styles, check_path
from kiosk.ui.widgets import BigButton, label
from kiosk.viewmodels.seat_map import SeatMapModel, SeatMapState

SWATCH = 28


def swatch(styles: Styles, category: CategoryId | None, look: Look, mark: str = "") -> QPixmap:
    """A seat as the map draws it, for the legend."""
    pix = QPixmap(SWATCH, SWATCH)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(3, 3, SWATCH - 6, SWATCH - 6)
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
        scale = (SWATCH - 6) / 32
        p.translate(rect.center())
        p.scale(scale, scale)
        p.drawPath(check_path(rect.center() * 0))
    elif mark:
        font = QFont()
        font.setPixelSize(18)
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor("#111111"))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, mark)
    p.end()
    return pix


def _icon(pix: QPixmap) -> QLabel:
    icon = QLabel()
    icon.setPixmap(pix)
    icon.setFixedSize(SWATCH, SWATCH)
    return icon


class SeatMapLegend(QWidget):
    """One row per price category (swatch · name · price · places left), then the symbols in two columns."""

    def __init__(self, model: SeatMapModel, styles: Styles, wheelchair: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("seat_map_legend")
        self.model = model
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        self._left: dict[CategoryId, QLabel] = {}
        ordered = sorted(model.categories.values(), key=lambda c: (-c.price.minor, c.name))
        for row, category in enumerate(ordered):
            name = label(category.name, "legend", wrap=False)
            price = label(category.price.format(), "legend", wrap=False)
            price.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            left = label("", "legend_muted", wrap=False)
            left.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self._left[category.id] = left
            grid.addWidget(_icon(swatch(styles, category.id, Look.FREE)), row, 0)
            grid.addWidget(name, row, 1)
            grid.addWidget(price, row, 2)
            grid.addWidget(left, row, 3)
        grid.setColumnStretch(1, 1)
        any_category = ordered[0].id if ordered else None
        self._symbol_words: list[tuple[QLabel, str]] = []
        symbols = QGridLayout()
        symbols.setContentsMargins(0, 6, 0, 0)
        symbols.setHorizontalSpacing(10)
        symbols.setVerticalSpacing(2)
        marks = [
            (swatch(styles, any_category, Look.SELECTED), "choice"),
            (swatch(styles, any_category, Look.TAKEN), "taken"),
            (swatch(styles, None, Look.FREE, wheelchair), "wheelchair"),
            (swatch(styles, None, Look.FREE, "C"), "companion"),
        ]
        for i, (pix, key) in enumerate(marks):
            words = label("", "legend", wrap=False)
            self._symbol_words.append((words, key))
            r, c = divmod(i, 2)
            symbols.addWidget(_icon(pix), r, c * 2)
            symbols.addWidget(words, r, c * 2 + 1)
        symbols.setColumnStretch(1, 1)
        symbols.setColumnStretch(3, 1)
        grid.addLayout(symbols, len(ordered), 0, 1, 4)
        self.retranslate()

    def retranslate(self) -> None:
        words = {
            "choice": self.tr("Your choice"),
            "taken": self.tr("Taken"),
            "wheelchair": self.tr("Wheelchair space"),
            "companion": self.tr("Companion seat"),
        }
        for text, key in self._symbol_words:
            text.setText(words[key])

    def show_state(self, state: SeatMapState) -> None:
        for cid, text in self._left.items():
            text.setText(self.tr("{left} left").format(left=f"{state.availability.get(cid, 0):,}"))


class SeatMapPanel(QFrame):
    """The choice, notice and legend beside (or under) the map; `actions` and `extra` take the screen's controls.

    Landscape: one column. Portrait (set_portrait): the legend moves to a second column, the rest stays left.
    """

    def __init__(self, model: SeatMapModel, styles: Styles, wheelchair: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("SeatMapPanel")
        self.setProperty("role", "panel")
        self.model = model
        self.choice = label(role="choice", name="selection_summary")
        self.notice = label(role="map_notice", name="seat_map_notice")
        self.notice.setVisible(False)
        self.paused = label(role="legend_muted", name="seat_map_paused")
        self.paused.setVisible(False)
        self.clear = BigButton("clear_choice")
        # As tall as the primary 'Continue' that the seats screen puts beside it.
        self.clear.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.actions = QHBoxLayout()
        self.actions.setSpacing(12)
        self.actions.addWidget(self.clear)
        self.legend = SeatMapLegend(model, styles, wheelchair)
        self.extra = QVBoxLayout()
        self.extra.setSpacing(12)

        top = QWidget()
        top_box = QVBoxLayout(top)
        top_box.setContentsMargins(0, 0, 0, 0)
        top_box.setSpacing(8)
        top_box.addWidget(self.choice)
        top_box.addWidget(self.notice)
        top_box.addWidget(self.paused)
        top_box.addLayout(self.actions)
        self._top = top
        self._extra = QWidget()
        self._extra.setLayout(self.extra)
        self.extra.setContentsMargins(0, 0, 0, 0)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(24, 16, 24, 16)
        self._grid.setHorizontalSpacing(32)
        self._grid.setVerticalSpacing(14)
        self._portrait: bool | None = None
        self.set_portrait(False)
        self._last: SeatMapState | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.notice.setAccessibleName(self.tr("Notice"))
        self.paused.setText(self.tr("Live updates paused — seats refresh every few seconds."))
        self.clear.set_text(self.tr("Clear choice"), self.tr("Clear the chosen seats"))
        self.legend.retranslate()
        if self._last is not None:
            self.show_state(self._last)

    def set_portrait(self, portrait: bool) -> None:
        if portrait == self._portrait:
            return
        self._portrait = portrait
        for w in (self._top, self.legend, self._extra):
            self._grid.removeWidget(w)
        self._grid.addWidget(self._top, 0, 0)
        if portrait:
            self._grid.addWidget(self._extra, 1, 0)
            self._grid.addWidget(self.legend, 0, 1, 2, 1, Qt.AlignmentFlag.AlignTop)
            self._grid.setRowStretch(1, 1)
            self._grid.setRowStretch(2, 0)
            self._grid.setColumnStretch(1, 1)
        else:
            self._grid.addWidget(self.legend, 1, 0)
            self._grid.addWidget(self._extra, 2, 0)
            self._grid.setRowStretch(1, 0)
            self._grid.setRowStretch(2, 1)
            self._grid.setColumnStretch(1, 0)
        self._grid.setColumnStretch(0, 1)

    def show_state(self, state: SeatMapState) -> None:
        self._last = state
        self.legend.show_state(state)
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

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
