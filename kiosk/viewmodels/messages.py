"""The sentences the sale flow shows and speaks, marked for translation; core errors mapped by their code."""

from __future__ import annotations

from core.domain.errors import EncoreError, ErrorCode
from kiosk.viewmodels.flow_state import Notice, Tone
from kiosk.viewmodels.i18n import QT_TRANSLATE_NOOP as T
from kiosk.viewmodels.i18n import Text, plain

SEATS_TAKEN = T("SaleFlow", "Sorry, someone else took {seats} a moment ago. Please choose other seats.")
NOT_ENOUGH = T("SaleFlow", "There are not that many places left together. Try fewer, or another section.")
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
    """A kind, translated sentence for the core errors a buyer can meet; anything else uses core's message."""
    code = error.code
    if code == ErrorCode.SEATS_TAKEN:
        labels = ", ".join(getattr(error, "labels", ()) or ())
        seats = plain(labels) if labels else T("SaleFlow", "some of those seats")
        return Notice(code, SEATS_TAKEN.format(seats=seats), Tone.WARNING)
    text: Text | None = {
        ErrorCode.NOT_ENOUGH_PLACES: NOT_ENOUGH,
        ErrorCode.HOLD_EXPIRED: HOLD_EXPIRED,
        ErrorCode.SALES_CLOSED: SALES_CLOSED,
        ErrorCode.EXTENSION_LIMIT: EXTENSION_LIMIT,
        ErrorCode.PAYMENT_DECLINED: DECLINED,
        ErrorCode.EMAIL_INVALID: EMAIL_INVALID,
        ErrorCode.STORAGE_BUSY: STILL_WORKING,
    }.get(code)
    if code == ErrorCode.WRONG_PIN:
        text = WRONG_PIN.format(tries=getattr(error, "tries_left", "?"))
    if code == ErrorCode.PIN_LOCKED_OUT:
        text = PIN_LOCKED
    if code == ErrorCode.STAFF_PIN_LOCKED_OUT:
        text = STAFF_PIN_LOCKED
    return Notice(code, text if text is not None else plain(error.message), Tone.WARNING)
