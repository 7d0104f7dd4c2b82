"""The sentences the sale flow shows and speaks, marked for translation; core errors mapped by their code."""

from __future__ import annotations

from core.domain.errors import EncoreError, ErrorCode, SalesClosed, SeatsTaken
from core.domain.places import PlaceName
from kiosk.viewmodels.flow_state import Notice, Tone
from kiosk.viewmodels.i18n import QT_TRANSLATE_NOOP as T
from kiosk.viewmodels.i18n import Text, plain
from kiosk.viewmodels.words import Places

SEATS_TAKEN = T("SaleFlow", "Sorry, someone else took {seats} a moment ago. Please choose other seats.")
SEATS_BUSY = T("SaleFlow", "Many people are choosing seats right now and yours were taken. Please try again.")
NOT_ENOUGH = T("SaleFlow", "There are not that many places left together. Try fewer, or another section.")
HOLD_RELEASED = T("SaleFlow", "These places were let go, so nothing was sold. Please choose again.")
HOLD_EXPIRED = T(
    "SaleFlow",
    "Your time ran out, so we let your seats go. Nothing was charged. Choose again whenever you are ready.",
)
SALES_CLOSED = T("SaleFlow", "Sales for this concert have closed. Please choose another concert.")
SALES_NOT_OPEN = T("SaleFlow", "Sales for this concert have not started yet. Please choose another concert.")
CONCERT_CANCELLED = T(
    "SaleFlow", "This concert has been cancelled, so nothing was sold. Please choose another concert."
)
CONCERT_GONE = T("SaleFlow", "That concert is not on sale any more. Please choose another.")
NOT_HELD = T("SaleFlow", "Your places are no longer held. Please choose again.")
ALREADY_PAID = T("SaleFlow", "These places are already paid for. If you have no tickets, please call staff.")
TOO_MANY = T("SaleFlow", "That is more places than one order may have. Please choose fewer.")
CANNOT_CHOOSE = T("SaleFlow", "Those places cannot be chosen. Please choose again.")
PAYMENT_FAILED = T(
    "SaleFlow", "The payment could not be taken, so nothing was charged. Try again, or call staff."
)
PIN_FORMAT = T("SaleFlow", "That staff number or PIN is not right. Check it and enter it again.")
PIN_NOT_ALLOWED = T(
    "SaleFlow", "This member of staff may not confirm payments. Another member of staff can confirm."
)
EXTENSION_LIMIT = T("SaleFlow", "You have had all the extra time we can give. Please finish or cancel now.")
EXTENDED = T("SaleFlow", "You have more time now.")
DECLINED = T("SaleFlow", "The payment was declined. Nothing was charged. Try again, or cancel.")
WRONG_PIN = T("SaleFlow", "That staff number or PIN is not right. {tries} tries left.")
PIN_LOCKED = T(
    "SaleFlow", "Too many wrong PINs. Payment by PIN is locked for a few minutes. Please call a manager."
)
STAFF_PIN_LOCKED = T(
    "SaleFlow",
    "Too many wrong PINs for that staff number: it is locked for a while. Another member of staff can confirm.",
)
EMAIL_INVALID = T("SaleFlow", "That e-mail address does not look right. Check it, or leave it empty.")
NOTHING_SELECTED = T("SaleFlow", "Choose at least one seat first.")
PAID_NOT_SOLD = T(
    "SaleFlow",
    "Your seats were taken before the payment went through. The payment was cancelled; staff will return "
    "any money taken. Please choose other seats.",
)
FINISHING = T("SaleFlow", "Finishing your purchase. Please wait a moment…")
STILL_WORKING = T("SaleFlow", "The system is busy. Please try again in a moment.")
OUT_OF_SERVICE = T("SaleFlow", "Temporarily out of service. We are working on it; please try again shortly.")
CANCELLED = T("SaleFlow", "Your seats were released.")
STARTED_OVER = T("SaleFlow", "The kiosk started over because nobody was using it.")


_BY_KEY: dict[str, Text] = {
    SeatsTaken.BUSY_KEY: SEATS_BUSY,
    SalesClosed.CANCELLED_KEY: CONCERT_CANCELLED,
    SalesClosed.NOT_OPEN_KEY: SALES_NOT_OPEN,
}
"""Finer keys first: one code ('sales_closed') with several sentences."""

_E = ErrorCode
_BY_CODE: dict[ErrorCode, Text] = {
    _E.HOLD_RELEASED: HOLD_RELEASED,
    _E.HOLD_EXPIRED: HOLD_EXPIRED,
    _E.HOLD_NOT_FOUND: NOT_HELD,
    _E.HOLD_NOT_YOURS: NOT_HELD,
    _E.HOLD_CHECKED_OUT: ALREADY_PAID,
    _E.NOT_ENOUGH_PLACES: NOT_ENOUGH,
    _E.QUANTITY_OVER_LIMIT: TOO_MANY,
    **dict.fromkeys(
        (
            _E.QUANTITY_INVALID,
            _E.PLACES_DUPLICATE,
            _E.PLACE_NOT_IN_CONCERT,
            _E.SECTION_NOT_IN_CONCERT,
            _E.SECTION_NOT_STANDING,
        ),
        CANNOT_CHOOSE,
    ),
    _E.SALES_CLOSED: SALES_CLOSED,
    _E.CONCERT_NOT_FOUND: CONCERT_GONE,
    _E.CONCERT_NOT_ON_SALE: CONCERT_GONE,
    _E.EXTENSION_LIMIT: EXTENSION_LIMIT,
    _E.PAYMENT_DECLINED: DECLINED,
    **dict.fromkeys(
        (
            _E.PAYMENT_INVALID,
            _E.PAYMENT_INPUT_INVALID,
            _E.PAYMENT_AMOUNT_MISMATCH,
            _E.DEMO_PAYMENT_REFUSED,
            _E.DEMO_TERMINAL_REFUSED,
        ),
        PAYMENT_FAILED,
    ),
    _E.PIN_INVALID: PIN_FORMAT,
    _E.STAFF_NUMBER_INVALID: PIN_FORMAT,
    _E.PIN_NOT_ALLOWED: PIN_NOT_ALLOWED,
    _E.PIN_LOCKED_OUT: PIN_LOCKED,
    _E.STAFF_PIN_LOCKED_OUT: STAFF_PIN_LOCKED,
    _E.EMAIL_INVALID: EMAIL_INVALID,
    **dict.fromkeys(
        (
            _E.STORAGE_BUSY,
            _E.REQUEST_TIMEOUT,
            _E.RATE_LIMITED,
            _E.REQUEST_IN_PROGRESS,
            _E.CHECKOUT_RETRY_EXHAUSTED,
            _E.IDEMPOTENCY_KEY_REUSED,
        ),
        STILL_WORKING,
    ),
}
"""The core errors a buyer can meet at the kiosk, in the buyer's words (several codes may share one)."""


def notice_for(error: EncoreError) -> Notice:
    """A kind sentence in the buyer's language for the core errors a buyer can meet, found by the error's
    message key (else its code) and filled from its arguments; anything else shows core's English message."""
    code = error.code
    if code == ErrorCode.SEATS_TAKEN and error.message_key not in _BY_KEY:
        return Notice(code, SEATS_TAKEN.format(seats=_taken(error.message_args)), Tone.WARNING)
    if code == ErrorCode.WRONG_PIN:
        return Notice(code, WRONG_PIN.format(tries=error.message_args.get("tries_left", "?")), Tone.WARNING)
    text = _BY_KEY.get(error.message_key) or _BY_CODE.get(code)
    return Notice(code, text if text is not None else plain(error.message), Tone.WARNING)


def _taken(args: dict[str, object]) -> object:
    """The taken places in the buyer's words (parts from core); English labels from an older server."""
    given, labels = args.get("places"), args.get("labels")
    places = tuple(p for p in given if isinstance(p, PlaceName)) if isinstance(given, tuple | list) else ()
    if places:
        return Places(places)
    named = ", ".join(str(x) for x in labels) if isinstance(labels, tuple | list) else ""
    return plain(named) if named else T("SaleFlow", "some of those seats")
