"""The held places with their prices and total, the hold's countdown with 'More time', an optional e-mail, 'Pay'."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QSizePolicy, QSpacerItem, QVBoxLayout, QWidget

from kiosk.ui.screens.base import Screen, ScreenDeps
from kiosk.ui.widgets import BigButton, CountdownWidget, Reflow, label, panel
from kiosk.viewmodels.flow_state import FlowState, Step
from kiosk.viewmodels.words import held_category, held_place, money


class ReviewScreen(Screen):
    step = Step.REVIEW

    def __init__(self, deps: ScreenDeps) -> None:
        super().__init__(deps)
        self.heading = label(role="title")
        self.concert = label(role="subtitle", name="review_concert")
        self.root.addWidget(self.heading)
        self.root.addWidget(self.concert)
        self.body = Reflow()
        self.body.setSpacing(28)
        self.root.addLayout(self.body, 1)
        self.root.addStretch(0)  # portrait: the space left over goes below the buttons (see reflow)

        places, pbox = panel()
        self.places_caption = label(role="subtitle")
        pbox.addWidget(self.places_caption)
        self.lines = QVBoxLayout()
        self.lines.setSpacing(10)
        pbox.addLayout(self.lines)
        pbox.addStretch(1)
        total_row = QHBoxLayout()
        self.total_caption = label(role="subtitle")
        self.total = label(role="big_number", wrap=False, name="review_total")
        total_row.addWidget(self.total_caption, 1)
        total_row.addWidget(self.total)
        pbox.addLayout(total_row)
        self.body.addWidget(places, 3)

        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)  # flush with the places card
        side.setSpacing(20)
        self.countdown = CountdownWidget()
        side.addWidget(self.countdown)
        self.extend = BigButton("extend", "primary")
        self.extend.clicked.connect(lambda: self.flow.request_extend())
        side.addWidget(self.extend)
        self.email_caption = label(role="body")
        self.email = QLineEdit()
        self.email.setObjectName("email")
        self.email.setInputMethodHints(Qt.InputMethodHint.ImhEmailCharactersOnly)
        self.email.editingFinished.connect(lambda: self.flow.set_email(self.email.text().strip()))
        side.addWidget(self.email_caption)
        side.addWidget(self.email)
        self._gap = QSpacerItem(0, 24, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)
        side.addItem(self._gap)
        self.pay = BigButton("pay", "primary")
        self.pay.clicked.connect(self._pay)
        self.cancel = BigButton("cancel", "danger")
        self.cancel.clicked.connect(lambda: self.flow.request_cancel())
        side.addWidget(self.pay)
        side.addWidget(self.cancel)
        holder = QWidget()
        holder.setLayout(side)
        self.body.addWidget(holder, 2)
        self._line_labels: list[QWidget] = []
        self._shown_hold: object = None
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Check your places"))
        self.places_caption.setText(self.tr("Your places"))
        self.total_caption.setText(self.tr("Total"))
        self.extend.set_text(self.tr("More time"), self.tr("More time: keep my places longer"))
        self.email_caption.setText(self.tr("E-mail for your tickets (optional)"))
        self.email.setPlaceholderText(self.tr("name@example.com"))
        self.email.setAccessibleName(self.tr("E-mail address for the tickets, optional"))
        self.pay.set_text(self.tr("Pay"), self.tr("Go to payment"))
        self.cancel.set_text(self.tr("Cancel"), self.tr("Cancel and release the places"))

    def _pay(self) -> None:
        # A buyer who types an address and taps Pay straight away has not left the field yet.
        if self.email.text().strip() != (self.last.email if self.last else ""):
            self.flow.set_email(self.email.text().strip())
        self.flow.request_to_payment()

    def render(self, state: FlowState) -> None:
        summary = state.concert
        self.concert.setText(f"{summary.concert.title} · {summary.concert.artist}" if summary else "")
        self._render_places(state)
        self.countdown.show_countdown(state.countdown)
        cd = state.countdown
        self.extend.setVisible(bool(cd and cd.warning and cd.can_extend))
        if not self.email.hasFocus() and self.email.text() != state.email:
            self.email.setText(state.email)

    def _render_places(self, state: FlowState) -> None:
        if state.hold == self._shown_hold and state.hold is not None:
            return  # the countdown ticks every second; the places only change with a new hold
        self._shown_hold = state.hold
        for w in self._line_labels:
            self.lines.removeWidget(w)
            w.deleteLater()
        self._line_labels = []
        hold = state.hold
        if hold is None:
            self.total.setText("")
            return
        for place in hold.places:
            row = QWidget()
            box = QHBoxLayout(row)
            box.setContentsMargins(0, 0, 0, 0)
            what = label(f"{held_place(place)} · {held_category(place)}", "body")
            price = label(money(place.price), "body", wrap=False)
            box.addWidget(what, 1)
            box.addWidget(price, 0, Qt.AlignmentFlag.AlignTop)
            self.lines.addWidget(row)
            self._line_labels.append(row)
        self.total.setText(money(hold.total))
        self.total.setAccessibleName(self.tr("Total {amount}").format(amount=money(hold.total)))

    def first_focus(self) -> QWidget | None:
        return self.pay

    def reflow(self, portrait: bool) -> None:
        self.body.set_portrait(portrait)
        # Portrait: everything as tall as its content, one column from the top, Pay right under the e-mail
        # (stretched, the places card was a tall empty box, or a wide gap opened above Pay); the space left
        # over goes below. Landscape: the two columns fill the height, Pay at the bottom of the side one.
        self.body.setStretch(0, 0 if portrait else 3)
        self.body.setStretch(1, 0 if portrait else 2)
        vertical = QSizePolicy.Policy.Fixed if portrait else QSizePolicy.Policy.Expanding
        self._gap.changeSize(0, 24, QSizePolicy.Policy.Minimum, vertical)
        self.root.setStretch(self.root.indexOf(self.body), 0 if portrait else 1)
        self.root.setStretch(self.root.count() - 1, 1 if portrait else 0)
        self.root.invalidate()
