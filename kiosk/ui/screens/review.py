"""The concert, the held places with their prices and total, an optional e-mail address, 'Pay' (the hold's
countdown is the main window's, above every screen with places held)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QSpacerItem, QVBoxLayout, QWidget

from kiosk.ui.screens.base import Screen, ScreenDeps
from kiosk.ui.screens.concerts import local_time
from kiosk.ui.widgets import BigButton, Reflow, label, panel
from kiosk.viewmodels.flow_state import FlowState, Step
from kiosk.viewmodels.review_lines import review_lines
from kiosk.viewmodels.words import money


class ReviewScreen(Screen):
    step = Step.REVIEW

    def __init__(self, deps: ScreenDeps) -> None:
        super().__init__(deps)
        self.heading = label(role="title")
        self.concert = label(role="subtitle", name="review_concert")
        self.when = label(role="body", name="review_when")
        self.root.addWidget(self.heading)
        self.root.addWidget(self.concert)
        self.root.addWidget(self.when)
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
        self.email_caption = label(role="body")
        self.email_address = label(role="body", name="review_email")
        # The address is typed on the e-mail screen, on the kiosk's own keyboard.
        self.email = BigButton("email", "")
        self.email.clicked.connect(lambda: self.flow.edit_email())
        side.addWidget(self.email_caption)
        side.addWidget(self.email_address)
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
        self.email_caption.setText(self.tr("E-mail for your tickets (optional)"))
        self.pay.set_text(self.tr("Pay"), self.tr("Go to payment"))
        self.cancel.set_text(self.tr("Cancel"), self.tr("Cancel and release the places"))

    def _pay(self) -> None:
        self.flow.request_to_payment()

    def render(self, state: FlowState) -> None:
        summary = state.concert
        self.concert.setText(f"{summary.concert.title} · {summary.concert.artist}" if summary else "")
        self.when.setText(
            f"{local_time(summary.concert.starts_at, summary.timezone)} · {summary.venue_name}"
            if summary
            else ""
        )
        self._render_places(state)
        self.email_address.setText(state.email)
        self.email_address.setVisible(bool(state.email))
        if state.email:
            self.email.set_text(
                self.tr("Change e-mail"),
                self.tr("Change the e-mail address {email}").format(email=state.email),
            )
        else:
            self.email.set_text(
                self.tr("Add e-mail"), self.tr("Add an e-mail address for the tickets, optional")
            )

    def _render_places(self, state: FlowState) -> None:
        if state.hold == self._shown_hold and state.hold is not None:
            return  # the countdown ticks every second; the places only change with a new hold
        self._shown_hold = state.hold
        for w in self._line_labels:
            self.lines.removeWidget(w)
            w.hide()  # gone now, not when the deferred delete runs
            w.deleteLater()
        self._line_labels = []
        hold = state.hold
        if hold is None:
            self.total.setText("")
            return
        for line in review_lines(hold):
            row = QWidget()
            row.setObjectName("review_line")
            box = QHBoxLayout(row)
            box.setContentsMargins(0, 0, 0, 0)
            what = label(f"{line.count} × {line.name}" if line.count > 1 else line.name, "body")
            what.setObjectName("review_line_text")
            price = label(money(line.price), "body", wrap=False)
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
