"""Payment: staff confirm with a PIN that cash or card was taken, or (demo kiosk) simulate approve/decline."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QWidget

from kiosk.ui.screens.base import Screen, ScreenDeps
from kiosk.ui.widgets import BigButton, PinPad, Reflow, centred, label, panel
from kiosk.viewmodels.flow_state import FlowState, Step
from kiosk.viewmodels.words import money


class PaymentScreen(Screen):
    step = Step.PAYMENT

    def __init__(self, deps: ScreenDeps) -> None:
        super().__init__(deps)
        self.heading = label(role="title")
        self.root.addWidget(self.heading)
        # The cards share one top-aligned row of the height of the taller one; the space left over goes below
        # them, never between or inside them (a card stretched to the screen's height looked unfinished).
        self.body = Reflow()
        self.body.setSpacing(28)
        self.root.addLayout(self.body)

        amount, abox = panel()
        self.amount_caption = label(role="subtitle")
        self.amount = label(role="display", wrap=False, name="payment_amount")
        self.instructions = label(role="body", name="payment_instructions")
        abox.addWidget(self.amount_caption)
        abox.addWidget(self.amount)
        abox.addWidget(self.instructions)
        abox.addStretch(1)
        self._amount_box = abox
        self.body.addWidget(amount, 1)

        self.attended, pbox = panel()
        self.staff_caption = label(role="subtitle")
        pbox.addWidget(self.staff_caption)
        self.pin_pad = PinPad()
        self.pin_pad.submitted.connect(lambda number, pin: self.flow.request_pay_with_pin(number, pin))
        pbox.addLayout(centred(self.pin_pad))
        pbox.addStretch(1)
        self.body.addWidget(self.attended, 1)

        self.demo, dbox = panel()
        self.demo_caption = label(role="subtitle")
        dbox.addWidget(self.demo_caption)
        self.approve = BigButton("demo_approve", "primary")
        self.decline = BigButton("demo_decline", "danger")
        self.approve.clicked.connect(lambda: self.flow.request_pay_demo(True))
        self.decline.clicked.connect(lambda: self.flow.request_pay_demo(False))
        self.approve.setMinimumHeight(120)
        self.decline.setMinimumHeight(96)
        dbox.addWidget(self.approve)
        dbox.addWidget(self.decline)
        dbox.addStretch(1)
        self.body.addWidget(self.demo, 1)

        # Cancel stands apart from the payment's action and is never first in line (Enter on it would release
        # the places): landscape, at the foot of the amount card, so a tall PIN pad with large text does not
        # push it below the fold; portrait, under both cards (between them it would split amount and payment).
        self.cancel = BigButton("cancel", "danger")
        self.cancel.clicked.connect(lambda: self.flow.request_cancel())
        self.cancel.setMinimumWidth(360)
        self._cancel_row = QHBoxLayout()
        self._cancel_row.setContentsMargins(0, 8, 0, 0)
        self.root.addLayout(self._cancel_row)
        self.root.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Payment"))
        self.amount_caption.setText(self.tr("To pay"))
        self.cancel.set_text(self.tr("Cancel"), self.tr("Cancel the purchase and release the places"))
        self.staff_caption.setText(self.tr("Staff: confirm cash or card was taken"))
        self.demo_caption.setText(self.tr("Demo kiosk: no money is taken. Choose what the terminal answers."))
        self.approve.set_text(self.tr("Simulate approved"), self.tr("Simulate an approved payment"))
        self.decline.set_text(self.tr("Simulate declined"), self.tr("Simulate a declined payment"))

    def render(self, state: FlowState) -> None:
        total = money(state.hold.total) if state.hold else ""
        self.amount.setText(total)
        self.amount.setAccessibleName(self.tr("To pay: {amount}").format(amount=total))
        attended = state.terminal == "attended"
        self.attended.setVisible(attended)
        self.demo.setVisible(not attended)
        self.instructions.setText(
            self.tr("Please pay at the counter. A member of staff confirms the payment here.")
            if attended
            else self.tr("This is a demonstration. Nothing is charged.")
        )

    def first_focus(self) -> QWidget | None:
        # The payment's own action, never Cancel.
        return self.pin_pad.keys["1"] if self.attended.isVisibleTo(self) else self.approve

    def hideEvent(self, event) -> None:
        self.pin_pad.clear()  # a half-typed PIN never waits on a screen nobody is looking at
        super().hideEvent(event)

    def reflow(self, portrait: bool) -> None:
        self.body.set_portrait(portrait)
        self._amount_box.removeWidget(self.cancel)
        self._cancel_row.removeWidget(self.cancel)
        if portrait:
            self._cancel_row.addWidget(self.cancel, 0, Qt.AlignmentFlag.AlignLeft)
        else:
            self._amount_box.addWidget(self.cancel, 0, Qt.AlignmentFlag.AlignLeft)
