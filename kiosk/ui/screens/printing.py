"""Printing the tickets: what is happening now, and on a failure 'Print again' and a call for staff."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressBar

from kiosk.ui.screens.base import Screen, ScreenDeps
from kiosk.ui.widgets import BigButton, label
from kiosk.viewmodels.flow_state import FlowState, PrintPhase, Step


class PrintingScreen(Screen):
    step = Step.PRINTING

    def __init__(self, deps: ScreenDeps) -> None:
        super().__init__(deps)
        self.heading = label(role="display", name="printing_title")
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail = label(role="subtitle", name="printing_detail")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # we cannot know how far the printer is: a moving bar says "working"
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(700)
        self.reprint = BigButton("reprint", "primary")
        self.reprint.setMinimumWidth(420)
        self.reprint.clicked.connect(lambda: self.flow.request_reprint())
        self.staff = label(role="warning_text", name="call_staff")
        self.staff.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # The order code is what staff need to print the tickets again (any station, any time).
        self.code = label(role="mono", wrap=False, name="failed_order_code")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.root.addStretch(1)
        self.root.addWidget(self.heading)
        self.root.addWidget(self.detail)
        self.root.addWidget(self.code)
        self.root.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignHCenter)
        self.root.addWidget(self.reprint, 0, Qt.AlignmentFlag.AlignHCenter)
        self.root.addWidget(self.staff)
        self.root.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.reprint.set_text(self.tr("Print again"), self.tr("Print the tickets again"))
        self.staff.setText(self.tr("If it still does not print, please call a member of staff."))

    def render(self, state: FlowState) -> None:
        phase = state.print_phase
        failed = phase is PrintPhase.FAILED
        self.heading.setText(
            {
                PrintPhase.RENDERING: self.tr("Preparing your tickets…"),
                PrintPhase.PRINTING: self.tr("Printing your tickets…"),
                PrintPhase.PRINTED: self.tr("Your tickets are printed"),
                PrintPhase.FAILED: self.tr("The tickets did not print"),
            }.get(phase, self.tr("Preparing your tickets…"))
        )
        code = state.order.code if state.order else ""
        self.code.setVisible(failed and bool(code))
        self.code.setText(self.tr("Order code: {code}").format(code=code))
        self.code.setAccessibleName(self.tr("Order code: {code}").format(code=" ".join(code)))
        if failed:
            # "Safe" once, here; the reason says what went wrong and who can help.
            reason = str(state.print_error) if state.print_error else ""
            self.detail.setText(
                self.tr("Your purchase is complete and your tickets are safe. {reason}")
                .format(reason=reason)
                .strip()
            )
        else:
            self.detail.setText(self.tr("Please wait a moment. Your tickets come out below the screen."))
        self.progress.setVisible(phase in (PrintPhase.IDLE, PrintPhase.RENDERING, PrintPhase.PRINTING))
        self.reprint.setVisible(failed)
        self.staff.setVisible(failed)
