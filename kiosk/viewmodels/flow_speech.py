"""What each screen says about itself when speech is on: where the buyer is and what they can do next."""

from __future__ import annotations

from kiosk.viewmodels.flow_state import FlowState, PrintPhase, Step
from kiosk.viewmodels.i18n import QT_TRANSLATE_NOOP as T
from kiosk.viewmodels.i18n import Text
from kiosk.viewmodels.words import Amount, HeldPlaces

_WELCOME = T(
    "FlowSpeech",
    "Welcome to {venue}. To buy tickets, press Enter on Buy tickets. Press Tab to move between controls.",
)
_CONCERTS = T(
    "FlowSpeech",
    "Concerts on sale: {count}. Press Tab to hear each concert, Enter to choose it, Escape to go back.",
)
_SEATS = T(
    "FlowSpeech",
    "Seat map for {concert}. Use the arrow keys to walk from seat to seat; each seat is read out. Press Space "
    "to choose a seat, then Tab to Continue. Or choose Best available.",
)
_REVIEW = T(
    "FlowSpeech",
    "Your places are held: {places}. Total {total}. They are held for {time}. Press Tab to reach Pay, "
    "More time or Cancel.",
)
_EMAIL = T(
    "FlowSpeech",
    "E-mail for your tickets. Type the address, then press Enter. Your places are held for {time}.",
)
_PAYMENT_ATTENDED = T(
    "FlowSpeech", "Payment: {total}. Please ask a member of staff to take your payment and enter their PIN."
)
_PAYMENT_DEMO = T("FlowSpeech", "Payment: {total}. This is a demo: choose approve or decline.")
_PRINTING = T("FlowSpeech", "Thank you. Your tickets are printing. Please wait.")
_PRINT_FAILED = T(
    "FlowSpeech",
    "The printer has a problem. Your order is safe; its code is {code}. Press Print again, or call staff.",
)
_DONE = T(
    "FlowSpeech", "Done. Please take your tickets from the printer. Order {code}. Press Enter to finish."
)
_ENROLMENT = T("FlowSpeech", "This kiosk is waiting for approval by a manager.")
_OUT = T("FlowSpeech", "Temporarily out of service. Please try again shortly.")
_STARTING = T("FlowSpeech", "Starting.")
_WARNING = T("FlowSpeech", "Your time is nearly up: {time} left. Press Tab to reach More time.")
_IDLE = T("FlowSpeech", "Are you still there? Press any key to continue. Starting over in {seconds} seconds.")
_MINUTES = T("FlowSpeech", "{minutes} minutes {seconds} seconds")
_SECONDS = T("FlowSpeech", "{seconds} seconds")


def duration(seconds: int) -> Text:
    minutes, rest = divmod(max(0, seconds), 60)
    return _MINUTES.format(minutes=minutes, seconds=rest) if minutes else _SECONDS.format(seconds=rest)


def spoken_summary(state: FlowState) -> Text | None:
    if state.idle_seconds_left is not None:
        return _IDLE.format(seconds=state.idle_seconds_left)
    step = state.step
    if step is Step.WELCOME:
        return _WELCOME.format(
            venue=state.venue_name or (state.concerts[0].venue_name if state.concerts else "")
        )
    if step is Step.CONCERTS:
        return _CONCERTS.format(count=len(state.concerts))
    if step is Step.SEATS and state.concert is not None:
        return _SEATS.format(concert=state.concert.concert.title)
    if step is Step.EMAIL:
        return _EMAIL.format(time=duration(state.countdown.seconds_left if state.countdown else 0))
    if step in {Step.REVIEW, Step.PAYMENT} and state.hold is not None:
        total = Amount(state.hold.total)
        if step is Step.PAYMENT:
            return (_PAYMENT_DEMO if state.terminal == "demo" else _PAYMENT_ATTENDED).format(total=total)
        left = state.countdown.seconds_left if state.countdown else 0
        if state.countdown is not None and state.countdown.warning:
            return _WARNING.format(time=duration(left))
        places = HeldPlaces(state.hold.places)
        return _REVIEW.format(places=places, total=total, time=duration(left))
    if step is Step.PRINTING:
        if state.print_phase is PrintPhase.FAILED:
            return _PRINT_FAILED.format(code=" ".join(state.order.code) if state.order else "")
        return _PRINTING
    if step is Step.DONE:
        return _DONE.format(code=state.order.code if state.order else "")
    return {Step.ENROLMENT: _ENROLMENT, Step.OUT_OF_SERVICE: _OUT, Step.STARTING: _STARTING}.get(step)
