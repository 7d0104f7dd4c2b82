"""The door screen's own widgets: the concert chooser, the verdict word that fits its width, plain labels."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPaintEvent, QPalette, QPolygonF, QResizeEvent
from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy

__all__ = ["CALM_MAX_PX", "WORD_MAX_PX", "Chooser", "FitLabel", "label"]

WORD_MAX_PX = 190
CALM_MAX_PX = 110
_CHOOSER_MIN_PX = 200
_WORD_MIN_PX = 48


class Chooser(QComboBox):
    """The concert chooser with an arrow big enough to see across the foyer (the style sheet's is tiny).
    As wide as tonight's longest title where there is room; it may shrink (eliding) so that the top line never
    makes the screen wider than a portrait display."""

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), _CHOOSER_MIN_PX), hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.palette().color(QPalette.ColorRole.ButtonText))
        x, y = self.width() - 32, self.height() / 2
        painter.drawPolygon(QPolygonF([QPointF(x - 12, y - 6), QPointF(x + 12, y - 6), QPointF(x, y + 8)]))
        painter.end()


def label(name: str, text: str = "", *, center: bool = False, wrap: bool = False) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)  # the style sheet's #name
    label.setWordWrap(wrap)
    if center:
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


class FitLabel(QLabel):
    """The verdict word as large as its width allows, on one line (its width never grows the window)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._fitted = ("", 0, 0)
        self.max_px = WORD_MAX_PX

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        room = max(200, self.width() - 16)
        if self._fitted == (self.text(), room, self.max_px):
            return
        self._fitted = (self.text(), room, self.max_px)
        font = QFont(self.font())
        font.setBold(True)
        size = self.max_px
        while size > _WORD_MIN_PX:
            font.setPixelSize(size)
            if QFontMetrics(font).horizontalAdvance(self.text()) <= room:
                break
            size -= 6
        # The style sheet wins over setFont, so the size goes there.
        self.setStyleSheet(f"font-size: {size}px; font-weight: bold;")
        self.updateGeometry()  # a new height for the layout
