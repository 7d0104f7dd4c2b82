"""The concerts on sale as big cards: title, artist, the local date and time, prices, and how many places are left."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from core.domain.catalog import ConcertSummary
from kiosk.ui.screens.base import Screen, ScreenDeps
from kiosk.ui.widgets import BigButton, label
from kiosk.viewmodels.flow_state import FlowState, Step
from kiosk.viewmodels.words import concert_time, money


def local_time(moment: datetime, timezone: str) -> str:
    """The concert's time as the venue's clock shows it, written as the current language writes it."""
    return concert_time(moment, timezone)


def price_range(summary: ConcertSummary) -> str:
    low, high = money(summary.min_price), money(summary.max_price)
    return low if low == high else f"{low} – {high}"


class ConcertCard(BigButton):
    """A whole card is one button: the buyer taps anywhere on it; speech reads all its lines."""

    def __init__(self, concert_id: str) -> None:
        super().__init__(f"concert_card_{concert_id}", "card")
        box = QVBoxLayout(self)
        box.setContentsMargins(28, 24, 28, 24)
        box.setSpacing(8)
        self.title = label(role="title")
        self.artist = label(role="subtitle")
        self.when = label(role="body")
        self.price = label(role="body")
        self.left = label(role="body")
        for w in (self.title, self.artist, self.when, self.price, self.left):
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            box.addWidget(w)
        self.title.setStyleSheet("font-size: 34px;")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def show_summary(self, s: ConcertSummary, *, left_text: str) -> None:
        c = s.concert
        self.title.setText(c.title)
        self.artist.setText(c.artist)
        self.when.setText(local_time(c.starts_at, s.timezone))
        self.price.setText(price_range(s))
        self.left.setText(left_text)
        self.setEnabled(s.available > 0)
        self.setAccessibleName(", ".join((c.title, c.artist, self.when.text(), self.price.text(), left_text)))

    def sizeHint(self):
        return self.layout().sizeHint()

    def minimumSizeHint(self):
        return self.layout().minimumSize()


class ConcertsScreen(Screen):
    step = Step.CONCERTS

    def __init__(self, deps: ScreenDeps) -> None:
        super().__init__(deps)
        head = QHBoxLayout()
        self.heading = label(role="title")
        self.back = BigButton("back")
        self.back.clicked.connect(lambda: self.flow.request_back())
        head.addWidget(self.heading, 1)
        head.addWidget(self.back, 0, Qt.AlignmentFlag.AlignTop)
        self.root.addLayout(head)
        self.hint = label(role="subtitle")
        self.root.addWidget(self.hint)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        inner = QWidget()
        self.grid = QGridLayout(inner)
        self.grid.setSpacing(24)
        self.grid.setContentsMargins(0, 0, 8, 0)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.scroll.setWidget(inner)
        self.root.addWidget(self.scroll, 1)
        self.empty = label(role="subtitle", name="no_concerts")
        self.root.addWidget(self.empty)
        self.cards: dict[str, ConcertCard] = {}
        self._order: tuple[str, ...] = ()
        self._columns = 2
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Choose a concert"))
        self.hint.setText(self.tr("Tap a concert to choose your places."))
        self.back.set_text(self.tr("Back"), self.tr("Back to the start"))
        self.empty.setText(self.tr("No concerts are on sale right now. Please ask at the box office."))

    def render(self, state: FlowState) -> None:
        ids = tuple(str(s.concert.id) for s in state.concerts)
        if ids != self._order:
            self._rebuild(state.concerts)
        for s in state.concerts:
            left = (
                self.tr("{count} left").format(count=s.available) if s.available > 0 else self.tr("Sold out")
            )
            self.cards[str(s.concert.id)].show_summary(s, left_text=left)
        self.empty.setVisible(not state.concerts)

    def _rebuild(self, concerts: tuple[ConcertSummary, ...]) -> None:
        for card in self.cards.values():
            card.deleteLater()
        self.cards = {}
        for s in concerts:
            cid = str(s.concert.id)
            card = ConcertCard(cid)
            card.clicked.connect(lambda _=False, c=s.concert.id: self.flow.request_choose_concert(c))
            self.cards[cid] = card
        self._order = tuple(self.cards)
        self._place_cards()

    def _place_cards(self) -> None:
        for card in self.cards.values():
            self.grid.removeWidget(card)
        for i, card in enumerate(self.cards.values()):
            self.grid.addWidget(card, *divmod(i, self._columns))
            card.show()  # a layout shows a new child only later; the first card must be focusable now
        # Tab walks the cards in reading order, then "Back".
        previous = None
        for card in self.cards.values():
            if previous is not None:
                QWidget.setTabOrder(previous, card)
            previous = card
        if previous is not None:
            QWidget.setTabOrder(previous, self.back)

    def first_focus(self) -> QWidget | None:
        return next((c for c in self.cards.values() if c.isEnabled()), None)

    def reflow(self, portrait: bool) -> None:
        self._columns = 1 if portrait else 2
        self._place_cards()
