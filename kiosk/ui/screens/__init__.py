"""One widget per step of the sale; `build_screens` makes them all for the main window's stack."""

from __future__ import annotations

from kiosk.ui.screens.base import Flow, Screen, ScreenDeps, UiSettings
from kiosk.ui.screens.concerts import ConcertsScreen
from kiosk.ui.screens.done import DoneScreen
from kiosk.ui.screens.email import EmailScreen
from kiosk.ui.screens.enrolment import EnrolmentScreen
from kiosk.ui.screens.out_of_service import OutOfServiceScreen, StartingScreen
from kiosk.ui.screens.payment import PaymentScreen
from kiosk.ui.screens.printing import PrintingScreen
from kiosk.ui.screens.review import ReviewScreen
from kiosk.ui.screens.seats import SeatsScreen
from kiosk.ui.screens.welcome import WelcomeScreen
from kiosk.viewmodels.flow_state import Step

SCREENS: tuple[type[Screen], ...] = (
    StartingScreen,
    EnrolmentScreen,
    WelcomeScreen,
    ConcertsScreen,
    SeatsScreen,
    ReviewScreen,
    EmailScreen,
    PaymentScreen,
    PrintingScreen,
    DoneScreen,
    OutOfServiceScreen,
)


def build_screens(deps: ScreenDeps) -> dict[Step, Screen]:
    return {cls.step: cls(deps) for cls in SCREENS}


__all__ = ["SCREENS", "Flow", "Screen", "ScreenDeps", "UiSettings", "build_screens"]
