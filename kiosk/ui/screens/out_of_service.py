"""The calm screens a buyer cannot act on: the start-up splash and "Temporarily out of service"."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.ui.screens.base import Screen, ScreenDeps
from kiosk.ui.widgets import label
from kiosk.viewmodels.flow_state import Step


class CentredScreen(Screen):
    """A heading and a sentence in the middle of the screen."""

    def __init__(self, deps: ScreenDeps) -> None:
        super().__init__(deps)
        self.heading = label(role="display", name=f"{self.step.value}_title")
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail = label(role="subtitle", name=f"{self.step.value}_detail")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.root.addStretch(1)
        self.root.addWidget(self.heading)
        self.root.addWidget(self.detail)


class StartingScreen(CentredScreen):
    step = Step.STARTING

    def __init__(self, deps: ScreenDeps) -> None:
        super().__init__(deps)
        self.root.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText("Encore")
        self.detail.setText(self.tr("Starting…"))


class OutOfServiceScreen(CentredScreen):
    step = Step.OUT_OF_SERVICE

    def __init__(self, deps: ScreenDeps) -> None:
        super().__init__(deps)
        self.root.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Temporarily out of service"))
        self.detail.setText(
            self.tr("Sorry for the wait. Please buy your tickets at the box office, or try again shortly.")
        )
