"""Every core error a kiosk buyer can meet is said in the buyer's language, never in core's English fallback."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.domain.errors import EncoreError, ErrorCode, SalesClosed, SeatsTaken, error_class_for
from core.domain.places import PlaceName
from kiosk.ui.i18n import Languages
from kiosk.viewmodels.messages import notice_for
from kiosk.viewmodels.print_words import print_problem

_E = ErrorCode
BUYER_ERRORS: tuple[tuple[ErrorCode, str | None], ...] = (
    # Choosing a concert and holding places (services.sales, services.common)
    (_E.CONCERT_NOT_FOUND, None),
    (_E.CONCERT_NOT_ON_SALE, None),
    (_E.SALES_CLOSED, None),
    (_E.SALES_CLOSED, SalesClosed.CANCELLED_KEY),
    (_E.SALES_CLOSED, SalesClosed.NOT_OPEN_KEY),
    (_E.SEATS_TAKEN, None),
    (_E.SEATS_TAKEN, SeatsTaken.BUSY_KEY),
    (_E.NOT_ENOUGH_PLACES, None),
    (_E.QUANTITY_OVER_LIMIT, None),
    (_E.QUANTITY_INVALID, None),
    (_E.PLACES_DUPLICATE, None),
    (_E.PLACE_NOT_IN_CONCERT, None),
    (_E.SECTION_NOT_IN_CONCERT, None),
    (_E.SECTION_NOT_STANDING, None),
    (_E.REQUEST_IN_PROGRESS, None),
    # The hold: its time, More time, cancelling (services.sales)
    (_E.HOLD_EXPIRED, None),
    (_E.HOLD_RELEASED, None),
    (_E.HOLD_NOT_FOUND, None),
    (_E.HOLD_NOT_YOURS, None),
    (_E.HOLD_CHECKED_OUT, None),
    (_E.EXTENSION_LIMIT, None),
    # Paying (services.checkout, services.payments, services.pins)
    (_E.EMAIL_INVALID, None),
    (_E.PAYMENT_DECLINED, None),
    (_E.PAYMENT_INVALID, None),
    (_E.PAYMENT_INPUT_INVALID, None),
    (_E.PAYMENT_AMOUNT_MISMATCH, None),
    (_E.DEMO_PAYMENT_REFUSED, None),
    (_E.DEMO_TERMINAL_REFUSED, None),
    (_E.WRONG_PIN, None),
    (_E.PIN_INVALID, None),
    (_E.STAFF_NUMBER_INVALID, None),
    (_E.PIN_NOT_ALLOWED, None),
    (_E.PIN_LOCKED_OUT, None),
    (_E.STAFF_PIN_LOCKED_OUT, None),
    (_E.CHECKOUT_RETRY_EXHAUSTED, None),
    (_E.IDEMPOTENCY_KEY_REUSED, None),
    # A busy system (the API and the database); an unreachable one shows the out-of-service screen instead
    (_E.STORAGE_BUSY, None),
    (_E.REQUEST_TIMEOUT, None),
    (_E.RATE_LIMITED, None),
)
FALLBACK = "Core's English sentence for the log."
ARGUMENTS: dict[str, object] = {
    "labels": ("Stalls, row C, seat 12",),
    "places": (PlaceName("Stalls", "C", 12, (("de", "Parkett"), ("es", "Platea"))),),
    "tries_left": 2,
    "until": datetime(2026, 12, 3, 20, 0, tzinfo=UTC),
    "wanted": 3,
    "section": "Floor",
    "retry_after_s": 5.0,
    "field": "quantity",
    "problem": "too many",
}


def _error(code: ErrorCode, key: str | None) -> EncoreError:
    """The error as the kiosk gets it from core (or rebuilt from the API's problem details)."""
    cls = error_class_for(code)
    return cls.rebuild(FALLBACK, code, {f: ARGUMENTS.get(f) for f in cls.fields}, key=key)


def _ids(case: tuple[ErrorCode, str | None]) -> str:
    return case[1] or case[0].value


@pytest.mark.parametrize("language", ["de", "es"])
def test_every_error_a_buyer_can_meet_is_said_in_the_buyers_language(qapp, language: str) -> None:
    languages = Languages()
    try:
        errors = [_error(code, key) for code, key in BUYER_ERRORS]
        notices = [notice_for(e) for e in errors]
        english = [str(n.text) for n in notices]
        languages.switch(language)
        said = {_ids(case): str(n.text) for case, n in zip(BUYER_ERRORS, notices, strict=True)}
    finally:
        languages.close()
    fallback = [name for name, text in said.items() if FALLBACK in text]
    assert not fallback, f"these show core's English: {fallback}"
    untranslated = [name for (name, text), en in zip(said.items(), english, strict=True) if text == en]
    assert not untranslated, f"these are still English in {language}: {untranslated}"
    assert [n.code for n in notices] == [code for code, _ in BUYER_ERRORS]  # the code goes with the notice
    if language == "de":
        assert "abgesagt" in said[SalesClosed.CANCELLED_KEY]
        assert "noch nicht begonnen" in said[SalesClosed.NOT_OPEN_KEY]
        assert "Parkett, Reihe C, Platz 12" in said["seats_taken"]
        assert "2" in said["wrong_pin"]


PRINT_ERRORS = (
    # The printer adapters (kiosk.devices): PrintFailed and its codes
    _E.PRINT_FAILED, _E.PRINTER_MISSING, _E.PRINTER_ERROR, _E.PRINTER_REFUSED, _E.PRINT_CRASHED,
    _E.PRINT_FOLDER_FULL, _E.PRINT_FOLDER_UNWRITABLE,
    # Rendering the order (services.tickets): the print window passed, refunded, unsigned, a busy system
    _E.NOT_ALLOWED, _E.NOTHING_TO_PRINT, _E.ORDER_NOT_FOUND, _E.TICKET_UNSIGNED, _E.STORAGE_BUSY,
)  # fmt: skip


@pytest.mark.parametrize("language", ["de", "es"])
def test_a_failed_print_is_explained_in_the_buyers_language(qapp, language: str) -> None:
    languages = Languages()
    try:
        texts = [print_problem(_error(code, None)) for code in PRINT_ERRORS]
        english = [str(t) for t in texts]
        languages.switch(language)
        said = dict(zip(PRINT_ERRORS, (str(t) for t in texts), strict=True))
    finally:
        languages.close()
    assert not [c for c, text in said.items() if FALLBACK in text]
    assert not [c for (c, text), en in zip(said.items(), english, strict=True) if text == en], said
    if language == "de":
        assert "Drucker" in said[_E.PRINTER_MISSING]


def test_each_reason_for_closed_sales_has_its_own_sentence(qapp) -> None:
    texts = {str(notice_for(_error(_E.SALES_CLOSED, key)).text) for key in (None, *_KEYS)}
    assert len(texts) == 3


_KEYS = (SalesClosed.CANCELLED_KEY, SalesClosed.NOT_OPEN_KEY)
