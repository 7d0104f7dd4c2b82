"""What a buyer reads when the tickets did not print, in the buyer's language (core's and the printer's
messages are English, for the log): one sentence per kind of failure, found by the error's code."""

from __future__ import annotations

from core.domain.errors import EncoreError, ErrorCode
from kiosk.viewmodels.i18n import QT_TRANSLATE_NOOP as T
from kiosk.viewmodels.i18n import Text

CALL_STAFF = T("TicketPrinting", "The ticket could not be printed. Please call staff.")
NO_PRINTER = T(
    "TicketPrinting", "No printer is set up for this kiosk. Please call staff to print your tickets."
)
NOT_PRINTED = T("TicketPrinting", "The printer did not print the ticket. Please call staff.")
PRINTER_FULL = T("TicketPrinting", "The ticket printer is full. Please call staff to print your tickets.")
PRINTER_UNAVAILABLE = T(
    "TicketPrinting", "The ticket printer is not available. Please call staff to print your tickets."
)
STAFF_REPRINT = T("TicketPrinting", "Only staff can print these tickets now. Please call staff.")
NOTHING_TO_PRINT = T("TicketPrinting", "There is nothing left to print for this order. Please call staff.")
NOT_PREPARED = T("TicketPrinting", "The tickets could not be prepared just now. Try again, or call staff.")

_E = ErrorCode
_BY_CODE: dict[ErrorCode, Text] = {
    _E.PRINTER_MISSING: NO_PRINTER,
    _E.PRINT_FAILED: NOT_PRINTED,
    _E.PRINTER_ERROR: NOT_PRINTED,
    _E.PRINTER_REFUSED: NOT_PRINTED,
    _E.PRINT_CRASHED: CALL_STAFF,
    _E.PRINT_FOLDER_FULL: PRINTER_FULL,
    _E.PRINT_FOLDER_UNWRITABLE: PRINTER_UNAVAILABLE,
    _E.NOT_ALLOWED: STAFF_REPRINT,  # the kiosk's own print window has passed
    _E.NOTHING_TO_PRINT: NOTHING_TO_PRINT,
    _E.ORDER_NOT_FOUND: NOTHING_TO_PRINT,
    _E.TICKET_UNSIGNED: CALL_STAFF,
}


def print_problem(error: EncoreError) -> Text:
    """The buyer's sentence for a failed render or print; any other error while preparing the tickets (a busy
    system) asks to try again."""
    return _BY_CODE.get(error.code, NOT_PREPARED)
