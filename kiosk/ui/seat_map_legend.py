"""The seat map's side panel: the buyer's choice, notices, a compact legend (prices and symbols) and actions."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from core.domain.ids import CategoryId
from kiosk.ui.seat_map_scene import SWATCH, Look, Styles, swatch
from kiosk.ui.widgets import BigButton, label
from kiosk.viewmodels.seat_map import SeatMapModel, SeatMapState
from kiosk.viewmodels.words import money


def _icon(pix: QPixmap) -> QLabel:
    icon = QLabel()
    icon.setPixmap(pix)
    icon.setScaledContents(
        True
    )  # smaller beside a small display's smaller words (SeatMapLegend.fit_swatches)
    icon.setFixedSize(SWATCH, SWATCH)
    return icon


class SeatMapLegend(QWidget):
    """One row per price category (swatch · name · price · places left), then the symbols in two columns,
    or one where two would clip their words (large text, a narrow panel)."""

    def __init__(self, model: SeatMapModel, styles: Styles, wheelchair: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("seat_map_legend")
        self.model = model
        self.wheelchair = wheelchair
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(0)  # the swatches keep the rows apart
        self._left: dict[CategoryId, QLabel] = {}
        self._swatches: list[tuple[QLabel, CategoryId | None, Look, str]] = []
        ordered = [model.categories[cid] for cid in model.colour_order]
        for row, category in enumerate(ordered):
            name = label(category.name, "legend", wrap=False)
            price = label(money(category.price), "legend", wrap=False)
            price.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            left = label("", "legend_muted", wrap=False)
            left.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self._left[category.id] = left
            icon = _icon(swatch(styles, category.id, Look.FREE))
            self._swatches.append((icon, category.id, Look.FREE, ""))
            grid.addWidget(icon, row, 0)
            grid.addWidget(name, row, 1)
            grid.addWidget(price, row, 2)
            grid.addWidget(left, row, 3)
        grid.setColumnStretch(1, 1)
        any_category = ordered[0].id if ordered else None
        self._symbol_words: list[tuple[QLabel, str]] = []
        self._symbols: list[tuple[QLabel, QLabel]] = []
        self.symbols = QGridLayout()
        self.symbols.setContentsMargins(0, 6, 0, 0)
        self.symbols.setHorizontalSpacing(10)
        self.symbols.setVerticalSpacing(0)
        marks = [
            (any_category, Look.SELECTED, "", "choice"),
            (any_category, Look.TAKEN, "", "taken"),
            (None, Look.FREE, wheelchair, "wheelchair"),
            (None, Look.FREE, "C", "companion"),
        ]
        for category_id, look, mark, key in marks:
            words = label("", "legend", wrap=False)
            self._symbol_words.append((words, key))
            icon = _icon(swatch(styles, category_id, look, mark))
            self._swatches.append((icon, category_id, look, mark))
            self._symbols.append((icon, words))
        self.columns = 0
        self._place_symbols(2)
        grid.addLayout(self.symbols, len(ordered), 0, 1, 4)
        self._reflow_pending = False
        self.retranslate()

    def restyle(self, styles: Styles) -> None:
        """The swatches again, in the map's new look."""
        for icon, category_id, look, mark in self._swatches:
            icon.setPixmap(swatch(styles, category_id, look, mark))

    def _place_symbols(self, columns: int) -> None:
        if columns == self.columns:
            return
        self.columns = columns
        for icon, words in self._symbols:
            self.symbols.removeWidget(icon)
            self.symbols.removeWidget(words)
        for i, (icon, words) in enumerate(self._symbols):
            r, c = divmod(i, columns)
            self.symbols.addWidget(icon, r, c * 2)
            self.symbols.addWidget(words, r, c * 2 + 1)
        for column in range(4):
            self.symbols.setColumnStretch(column, 1 if column % 2 and column < columns * 2 else 0)

    def _two_columns_fit(self) -> bool:
        spacing = self.symbols.horizontalSpacing()
        widest = [0, 0]
        for i, (_icon_label, words) in enumerate(self._symbols):
            widest[i % 2] = max(widest[i % 2], words.sizeHint().width())
        need = 2 * self._swatches[0][0].width() + sum(widest) + 3 * spacing
        return need <= self.width()

    def fit_swatches(self) -> None:
        """Swatches no taller than a line of the legend's words (and at most SWATCH): each row is one line high,
        so the compact theme's smaller words give the rows back their height."""
        words = self._symbol_words[0][0]
        words.ensurePolished()
        size = max(16, min(SWATCH, words.fontMetrics().lineSpacing() + 2))
        for icon, *_ in self._swatches:
            if icon.width() != size:
                icon.setFixedSize(size, size)

    def reflow(self) -> None:
        """Two symbol columns where their words fit, else one (the legend's width is the panel's)."""
        self._reflow_pending = False
        self.fit_swatches()
        self._place_symbols(2 if self._two_columns_fit() else 1)

    def _reflow_later(self) -> None:
        # Never inside a layout pass: moving the symbols between grid cells while a parent layout (or the panel's
        # scroll area) is setting geometries crashed Qt in QLabel::heightForWidth.
        if not self._reflow_pending:
            self._reflow_pending = True
            QTimer.singleShot(0, self, self.reflow)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._reflow_later()

    def changeEvent(self, event: QEvent) -> None:
        # Large text on or off changes the words' widths, not the legend's: look again once the sheet settled.
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._reflow_later()
        super().changeEvent(event)

    def retranslate(self) -> None:
        words = {
            "choice": self.tr("Your choice"),
            "taken": self.tr("Taken"),
            "wheelchair": self.tr("Wheelchair space"),
            "companion": self.tr("Companion seat"),
        }
        for text, key in self._symbol_words:
            text.setText(words[key])
        self.reflow()  # another language, other widths

    def show_state(self, state: SeatMapState) -> None:
        for cid, text in self._left.items():
            text.setText(self.tr("{left} left").format(left=f"{state.availability.get(cid, 0):,}"))


class _WholeScrollArea(QScrollArea):
    """Asks for all its content's height (QScrollArea caps its wish at 24 lines): under a portrait map the
    panel gets everything it holds, and only a screen too small for it makes it scroll."""

    def setWidget(self, widget: QWidget) -> None:
        super().setWidget(widget)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The content's layout changed (large text, a new section): the panel's layout must ask again.
        if event.type() == QEvent.Type.LayoutRequest and watched is self.widget():
            self.updateGeometry()
        return False

    def sizeHint(self) -> QSize:
        inner = self.widget()
        if inner is None:
            return super().sizeHint()
        return inner.sizeHint() + QSize(self.verticalScrollBar().sizeHint().width(), 0)


class SeatMapPanel(QFrame):
    """The choice, notice and legend beside (or under) the map; `actions` and `extra` take the screen's controls.

    One column: the choice and its actions, the legend, then the screen's extras. Below the choice and its
    actions, everything scrolls inside the panel (``more``) when it does not fit.
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
        # Notices under the actions: one that comes with a tap on the map must not move Continue under the finger.
        top_box.addWidget(self.choice)
        top_box.addLayout(self.actions)
        top_box.addWidget(self.notice)
        top_box.addWidget(self.paused)
        self._top = top
        self._extra = QWidget()
        self._extra.setLayout(self.extra)
        self.extra.setContentsMargins(0, 0, 0, 0)
        # The choice and its actions (Continue) always stay in view; the legend and the other ways to choose
        # scroll on their own when a screen is too small for them (large text), never the whole page.
        body = QWidget()
        # Items: the extras, then the legend. Bottom to top puts the legend first in a column; left to right
        # puts the extras on the left of a row.
        self._body = QBoxLayout(QBoxLayout.Direction.BottomToTop, body)
        self._body.setContentsMargins(0, 0, 0, 0)
        self._body.setSpacing(14)
        self._body.addWidget(self._extra, 1)
        self._body.addWidget(self.legend, 0, Qt.AlignmentFlag.AlignTop)
        self.more = _WholeScrollArea()
        self.more.setObjectName("seat_panel_more")
        self.more.setWidgetResizable(True)
        self.more.setFrameShape(QFrame.Shape.NoFrame)
        self.more.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.more.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.more.setWidget(body)
        # A gap before the scroll bar when it shows: the legend's right-aligned '596 left' ran into it.
        self.more.verticalScrollBar().rangeChanged.connect(lambda *_: self._keep_clear_of_bar())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        outer.setSpacing(14)
        outer.addWidget(top)
        outer.addWidget(self.more, 1)
        self._portrait: bool | None = None
        self._arrange_pending = False
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

    def restyle(self, styles: Styles) -> None:
        self.legend.restyle(styles)

    def set_portrait(self, portrait: bool) -> None:
        """Landscape: one column. Portrait, under the map: the legend beside the other ways to choose where both
        fit side by side (the map keeps the height), else below them (large text)."""
        self._portrait = portrait
        self._arrange_later()

    def _arrange_later(self) -> None:
        # Never inside a layout pass (see SeatMapLegend.reflow): after it, with the widths it gave.
        if not self._arrange_pending:
            self._arrange_pending = True
            QTimer.singleShot(0, self, self._arrange)

    def _arrange(self) -> None:
        self._arrange_pending = False
        need = self.legend.sizeHint().width() + self._extra.sizeHint().width() + 32
        beside = bool(self._portrait) and need <= self.more.viewport().width()
        self._body.setDirection(
            QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.BottomToTop
        )
        self._body.setSpacing(32 if beside else 14)
        self._body.activate()  # the new height now, so the panel's own layout asks for it in this pass
        self.more.updateGeometry()

    def _keep_clear_of_bar(self) -> None:
        gap = 12 if self.more.verticalScrollBar().maximum() > 0 else 0
        if self._body.contentsMargins().right() != gap:
            self._body.setContentsMargins(0, 0, gap, 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange_later()

    def show_state(self, state: SeatMapState) -> None:
        self._last = state
        self.legend.show_state(state)
        count = len(state.selection)
        if count:
            self.choice.setText(
                self.tr("{count} of {max} seats chosen · {total}").format(
                    count=count, max=state.max_per_order, total=money(state.total)
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
