"""The sentences the sale flow shows and speaks, marked for translation; core errors mapped by their code."""

from __future__ import annotations

from core.domain.errors import EncoreError, ErrorCode, SeatsTaken
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


def notice_for(error: EncoreError) -> Notice:
    """A kind sentence in the buyer's language for the core errors a buyer can meet, found by the error's
    message key and filled from its arguments; anything else shows core's English message."""
    code = error.code
    args = error.message_args
    if error.message_key == SeatsTaken.BUSY_KEY:
        return Notice(code, SEATS_BUSY, Tone.WARNING)
    if code == ErrorCode.SEATS_TAKEN:
        return Notice(code, SEATS_TAKEN.format(seats=_taken(args)), Tone.WARNING)
    text: Text | None = {
        ErrorCode.HOLD_RELEASED: HOLD_RELEASED,
        ErrorCode.NOT_ENOUGH_PLACES: NOT_ENOUGH,
        ErrorCode.HOLD_EXPIRED: HOLD_EXPIRED,
        ErrorCode.SALES_CLOSED: SALES_CLOSED,
        ErrorCode.EXTENSION_LIMIT: EXTENSION_LIMIT,
        ErrorCode.PAYMENT_DECLINED: DECLINED,
        ErrorCode.EMAIL_INVALID: EMAIL_INVALID,
        ErrorCode.STORAGE_BUSY: STILL_WORKING,
    }.get(code)
    if code == ErrorCode.WRONG_PIN:
        text = WRONG_PIN.format(tries=args.get("tries_left", "?"))
    if code == ErrorCode.PIN_LOCKED_OUT:
        text = PIN_LOCKED
    if code == ErrorCode.STAFF_PIN_LOCKED_OUT:
        text = STAFF_PIN_LOCKED
    return Notice(code, text if text is not None else plain(error.message), Tone.WARNING)


def _taken(args: dict[str, object]) -> object:
    """The taken places in the buyer's words (parts from core); English labels from an older server."""
    given, labels = args.get("places"), args.get("labels")
    places = tuple(p for p in given if isinstance(p, PlaceName)) if isinstance(given, tuple | list) else ()
    if places:
        return Places(places)
    named = ", ".join(str(x) for x in labels) if isinstance(labels, tuple | list) else ""
    return plain(named) if named else T("SaleFlow", "some of those seats")
