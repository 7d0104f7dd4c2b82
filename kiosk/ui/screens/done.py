"""The end of a sale: the order code, 'Take your tickets', where they were mailed, and 'Finish'."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.ui.screens.base import Screen, ScreenDeps
from kiosk.ui.widgets import BigButton, label, panel
from kiosk.viewmodels.flow_state import FlowState, Step


class DoneScreen(Screen):
    step = Step.DONE

    def __init__(self, deps: ScreenDeps) -> None:
        super().__init__(deps)
        self.heading = label(role="display", name="done_title")
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.take = label(role="subtitle", name="take_tickets")
        self.take.setAlignment(Qt.AlignmentFlag.AlignCenter)
        frame, box = panel()
        self.code_caption = label(role="body")
        self.code_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code = label(role="mono", wrap=False, name="order_code")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.mailed = label(role="body", name="mailed_to")
        self.mailed.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for w in (self.code_caption, self.code, self.mailed):
            box.addWidget(w)
        frame.setMinimumWidth(
            760
        )  # wide enough that the e-mail line rarely wraps (centred frames clip wrapped text)
        frame.setMaximumWidth(980)
        self.finish = BigButton("finish", "primary")
        self.finish.setMinimumWidth(420)
        self.finish.clicked.connect(lambda: self.flow.request_finish())
        self.root.addStretch(1)
        self.root.addWidget(self.heading)
        self.root.addWidget(self.take)
        self.root.addWidget(frame, 0, Qt.AlignmentFlag.AlignHCenter)
        self.root.addSpacing(16)
        self.root.addWidget(self.finish, 0, Qt.AlignmentFlag.AlignHCenter)
        self.root.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Thank you!"))
        self.code_caption.setText(self.tr("Your order code"))
        self.finish.set_text(self.tr("Finish"), self.tr("Finish and start over"))

    def render(self, state: FlowState) -> None:
        # A folder printer (the demo's): the tickets are PDF files, and the buyer is told where, not sent to a
        # printer that does not exist.
        self.take.setText(
            self.tr("Your tickets were saved as PDF files in {folder}").format(folder=state.printed_to)
            if state.printed_to
            else self.tr("Please take your tickets from the printer below the screen.")
        )
        code = state.order.code if state.order else ""
        self.code.setText(code)
        # Read letter by letter: "A B 3 X" is easier to note down than a word-like code.
        self.code.setAccessibleName(self.tr("Your order code: {code}").format(code=" ".join(code)))
        self.mailed.setVisible(bool(state.mailed_to))
        self.mailed.setText(self.tr("We also sent your tickets to {email}.").format(email=state.mailed_to))
