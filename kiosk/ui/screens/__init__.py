"""One widget per step of the sale, each built when the main window first needs it (`build_screen`).

A screen's module is imported only then: the kiosk paints Welcome before the seat map, payment and printing
screens (and what they import) have loaded (tests/kiosk/test_first_frame.py pins which modules).
"""

from __future__ import annotations

import importlib

from kiosk.ui.screens.base import Flow, Screen, ScreenDeps, UiSettings
from kiosk.viewmodels.flow_state import Step

SCREENS: dict[Step, str] = {
    Step.STARTING: "kiosk.ui.screens.out_of_service:StartingScreen",
    Step.ENROLMENT: "kiosk.ui.screens.enrolment:EnrolmentScreen",
    Step.WELCOME: "kiosk.ui.screens.welcome:WelcomeScreen",
    Step.CONCERTS: "kiosk.ui.screens.concerts:ConcertsScreen",
    Step.SEATS: "kiosk.ui.screens.seats:SeatsScreen",
    Step.REVIEW: "kiosk.ui.screens.review:ReviewScreen",
    Step.EMAIL: "kiosk.ui.screens.email:EmailScreen",
    Step.PAYMENT: "kiosk.ui.screens.payment:PaymentScreen",
    Step.PRINTING: "kiosk.ui.screens.printing:PrintingScreen",
    Step.DONE: "kiosk.ui.screens.done:DoneScreen",
    Step.OUT_OF_SERVICE: "kiosk.ui.screens.out_of_service:OutOfServiceScreen",
}
"""Each step's screen, as module:class, in the order of the sale."""


def screen_class(step: Step) -> type[Screen]:
    module, _, name = SCREENS[step].partition(":")
    cls: type[Screen] = getattr(importlib.import_module(module), name)
    return cls


def build_screen(step: Step, deps: ScreenDeps) -> Screen:
    return screen_class(step)(deps)


__all__ = ["SCREENS", "Flow", "Screen", "ScreenDeps", "UiSettings", "build_screen", "screen_class"]
