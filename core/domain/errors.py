"""Every error Encore raises on purpose, each with a stable ``code`` (ErrorCode) and a sentence for people.

The tree (HTTP status of each class in brackets; a subclass has its parent's unless it says otherwise)::

    EncoreError [500]             an error nobody classified (a fault behind the API); code "error"
    ├── InputError [422]          a field or a file has a bad value (field, problem)
    │   ├── PlanFileError         a seating-plan file has errors (all of them, with line numbers: problems)
    │   ├── MalformedEvent        a live-update payload is not a valid PlacesChanged
    │   └── RequestTooLarge [413] a request body is larger than the server takes (limit_bytes)
    ├── ConfigError [500]         a config file or variable is wrong (file, key, problem)
    ├── NotAllowed [403]          the actor may not do this
    │   ├── NotAuthenticated [401] no credential, or one that is invalid or expired; or a failed sign-in
    │   │   └── SessionInvalid    a staff session is unknown, signed out, expired, or its account inactive
    │   ├── DeviceNotApproved     the device is pending or revoked
    │   ├── WrongPin              a staff PIN did not match (tries_left before PIN entry locks)
    │   ├── PinLockedOut [429]    too many wrong PINs on this device; locked until a time (until)
    │   │   └── StaffPinLockedOut too many wrong PINs for one staff member; their PIN is locked (until)
    │   └── SignInLockedOut [429] too many wrong passwords for one account; locked until a time (until)
    ├── NotFound [404]            the thing asked for does not exist
    ├── Conflict [409]            the request clashes with the current state
    │   ├── SeatsTaken            some chosen places are no longer free (labels names them)
    │   ├── NotEnoughPlaces       fewer takeable places than asked for (wanted, section)
    │   ├── HoldExpired           the hold lapsed and its places were taken or released
    │   ├── SalesClosed           the concert is not on sale now
    │   ├── ExtensionLimit        the hold was extended as often as allowed
    │   └── PaymentDeclined       the card (or simulated card) was declined; nothing was charged
    ├── TicketRejected [422]      a scanned ticket is not admitted (result)
    │   └── InvalidTicket         not to be trusted at all: NOT VALID
    │       ├── MalformedTicket   not a ticket of a format we know
    │       ├── BadSignature      forged or damaged
    │       └── UnknownKey        signed by a key this gate does not trust
    ├── StorageUnavailable [503]  the database or the venue server cannot be reached (or a commit's reply was lost)
    ├── StorageBusy [503]         the database is too busy to answer in time; nothing was changed
    ├── RateLimited [429]         too many requests from this client; try again after retry_after_s
    ├── LiveUpdatesUnavailable [503]  the live-update bus cannot be reached
    ├── BundleRejected [503]      a ticket-verification bundle is malformed, forged or too old
    ├── GateUnavailable [503]     a turnstile command did not reach the broker
    ├── GateCommandRefused [403]  a gate controller refused a command (bad MAC, expired, replayed, ...)
    ├── MailError [502]           a message was not handed to the relay (smtp_code)
    │   ├── MailUnavailable       transient: the same message may go through later
    │   └── MailRejected          permanent: sending it again will not help
    ├── PrintFailed [500]         a kiosk printer did not print (reason)
    └── BackupError [500]         a backup is not one, truncated, damaged or differs; a restore target holds data

``NotAuthenticated`` sits under ``NotAllowed`` so code that refuses "not allowed" also refuses "not signed in";
its own status (401) tells an HTTP client to get a new credential. ``PinLockedOut`` is 429, not 423: it throttles
attempts for a time (a Retry-After case that clients and proxies know), it does not lock a resource (WebDAV's 423).

Each class declares, in its body, its default ``code``, the other ``codes`` it may carry, its HTTP ``status`` and
the ``fields`` it adds (the attributes core.domain.problems sends along). Every ErrorCode belongs to exactly one
class (``error_class_for``); constructing an error with a code its class did not declare raises TypeError.
The classes of scanned tickets, mail, gates and printers are defined in core.domain.edge_errors and
re-exported here. ``code`` is stable: tests, logs and the apps match on it. ``message`` is what a person reads;
it says what was wrong and what to do, and never contains a secret.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from core.domain.edge_errors import BackupError as BackupError
from core.domain.edge_errors import BadSignature as BadSignature
from core.domain.edge_errors import BundleRejected as BundleRejected
from core.domain.edge_errors import GateCommandRefused as GateCommandRefused
from core.domain.edge_errors import GateUnavailable as GateUnavailable
from core.domain.edge_errors import InvalidTicket as InvalidTicket
from core.domain.edge_errors import MailError as MailError
from core.domain.edge_errors import MailRejected as MailRejected
from core.domain.edge_errors import MailUnavailable as MailUnavailable
from core.domain.edge_errors import MalformedTicket as MalformedTicket
from core.domain.edge_errors import PrintFailed as PrintFailed
from core.domain.edge_errors import TicketRejected as TicketRejected
from core.domain.edge_errors import UnknownKey as UnknownKey
from core.domain.error_base import OWNER
from core.domain.error_base import EncoreError as EncoreError
from core.domain.error_codes import ErrorCode as ErrorCode
from core.domain.places import PlaceName

_E = ErrorCode  # the tables below stay readable


class InputError(EncoreError):
    code = _E.INVALID_INPUT
    codes = (
        _E.AISLE_INVALID, _E.ARTIST_INVALID, _E.CAPACITY_INVALID, _E.CATEGORIES_MISSING, _E.CATEGORY_DUPLICATE,
        _E.CATEGORY_NAME_INVALID, _E.CATEGORY_UNUSED, _E.COLOUR_INVALID, _E.CURRENCY_INVALID, _E.CURVE_INVALID,
        _E.BLOCK_REASON_INVALID,
        _E.DEVICE_KIND_INVALID, _E.DEVICE_NAME_INVALID, _E.DIRECTION_INVALID, _E.DISPLAY_NAME_INVALID,
        _E.DOORS_AFTER_START, _E.EMAIL_INVALID, _E.GATE_INVALID, _E.HOLD_SECONDS_INVALID, _E.ID_INVALID,
        _E.IDEMPOTENCY_KEY_INVALID, _E.LANGUAGE_INVALID, _E.MAIL_INVALID, _E.MAX_EXTENSIONS_INVALID,
        _E.MAX_PER_ORDER_INVALID,
        _E.OFFLINE_ADMITS_INVALID, _E.ORDER_CODE_INVALID, _E.PASSWORD_TOO_SHORT, _E.PAYMENT_AMOUNT_MISMATCH,
        _E.PAYMENT_INPUT_INVALID,
        _E.PAYMENT_INVALID, _E.PIN_INVALID, _E.PLACE_NOT_IN_CONCERT, _E.PLACES_DUPLICATE, _E.PLAN_EMPTY,
        _E.PLAN_NAME_INVALID, _E.PLAN_NOT_IN_VENUE, _E.POSITION_INVALID, _E.PRICE_INVALID, _E.PUBLIC_KEY_INVALID,
        _E.QUANTITY_INVALID, _E.QUANTITY_OVER_LIMIT, _E.REASON_INVALID, _E.REASON_MISSING,
        _E.REQUEST_KEY_INVALID, _E.ROLE_INVALID, _E.ROWS_INVALID, _E.ROW_GAP_INVALID, _E.SEATS_MISSING,
        _E.SEARCH_INVALID,
        _E.SALES_CLOSE_AFTER_START,
        _E.SALES_WINDOW_EMPTY, _E.SEAT_FLAGS_CONFLICT, _E.SEAT_PRICED_TWICE, _E.SEAT_UNKNOWN,
        _E.SEATED_WITH_CAPACITY, _E.SEATS_PER_ROW_INVALID, _E.SECTION_DUPLICATE, _E.SECTION_NAME_INVALID,
        _E.SECTION_NOT_IN_CONCERT, _E.SECTION_NOT_STANDING, _E.SECTION_PRICED_TWICE, _E.SECTION_UNKNOWN,
        _E.SECTION_UNPRICED, _E.STANDING_WITH_SEATS, _E.TICKET_NOT_IN_ORDER, _E.TICKETS_MISSING,
        _E.TIME_NOT_AWARE, _E.TIMEZONE_INVALID, _E.TITLE_INVALID, _E.TOPIC_NAME_INVALID, _E.VALUE_INVALID,
        _E.VENUE_NAME_INVALID, _E.REQUEST_INVALID, _E.REQUEST_MALFORMED, _E.SIGNATURE_INVALID,
        _E.STAFF_NUMBER_INVALID,
    )  # fmt: skip
    status = 422
    fields: ClassVar[Collection[str]] = ("field", "problem")

    def __init__(self, field: str, problem: str, *, code: ErrorCode | None = None) -> None:
        super().__init__(f"{field}: {problem}", code=code)
        self.field = field
        self.problem = problem


@dataclass(frozen=True, slots=True)
class FileProblem:
    line: int
    problem: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.problem}"


class PlanFileError(InputError):
    code = _E.PLAN_FILE_INVALID
    fields = ("problems",)

    def __init__(self, source: str, problems: Sequence[FileProblem]) -> None:
        listed = "; ".join(str(p) for p in problems)
        super().__init__(source, f"{len(problems)} error(s), nothing was imported. {listed}")
        self.problems = tuple(problems)


class MalformedEvent(InputError):
    """A live-update payload that is not a valid PlacesChanged. Subscribers log and drop it (the seq gap that
    follows makes the watcher reload), they never crash on it."""

    code = _E.LIVE_UPDATE_MALFORMED

    def __init__(self, problem: str) -> None:
        super().__init__("live update", problem)


class RequestTooLarge(InputError):
    code = _E.REQUEST_TOO_LARGE
    status = 413
    fields = ("limit_bytes",)

    def __init__(self, limit_bytes: int) -> None:
        super().__init__("request", f"is larger than the {limit_bytes} bytes allowed; send less at a time.")
        self.limit_bytes = limit_bytes


class ConfigError(EncoreError):
    code = _E.CONFIG_INVALID
    fields = ("file", "key", "problem")

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: {key}: {problem}")
        self.file = file
        self.key = key
        self.problem = problem


class NotAllowed(EncoreError):
    code = _E.NOT_ALLOWED
    codes: ClassVar[Collection[ErrorCode]] = (
        _E.DEMO_PAYMENT_REFUSED, _E.DEMO_TERMINAL_REFUSED, _E.HOLD_NOT_YOURS, _E.PIN_NOT_ALLOWED,
        _E.TICKET_UNSIGNED, _E.DATABASE_ROLE_MISSING, _E.SESSION_NEEDS_STAFF,
    )  # fmt: skip
    status = 403


_SIGN_IN_AGAIN = "This needs a valid sign-in, and there is none or it has expired. Sign in again and retry."


class NotAuthenticated(NotAllowed):
    code = _E.UNAUTHENTICATED
    codes: ClassVar[Collection[ErrorCode]] = (
        _E.SIGN_IN_FAILED, _E.GOOGLE_SIGN_IN_OFF, _E.GOOGLE_TOKEN_INVALID, _E.GOOGLE_TOKEN_WRONG_AUDIENCE,
        _E.GOOGLE_TOKEN_WRONG_ISSUER, _E.GOOGLE_ACCOUNT_UNKNOWN, _E.GOOGLE_ACCOUNT_DISABLED,
        _E.REMEMBER_TOKEN_INVALID,
    )  # fmt: skip
    status = 401

    def __init__(self, message: str = _SIGN_IN_AGAIN, *, code: ErrorCode | None = None) -> None:
        super().__init__(message, code=code)


class DeviceNotApproved(NotAllowed):
    code = _E.DEVICE_NOT_APPROVED


class WrongPin(NotAllowed):
    code = _E.WRONG_PIN
    fields = ("tries_left",)

    def __init__(self, tries_left: int) -> None:
        tries = "1 more try" if tries_left == 1 else f"{tries_left} more tries"
        super().__init__(
            f"That PIN is not right. {tries} before PIN entry locks for a while; "
            "check the staff number and the PIN and enter them again."
        )
        self.tries_left = tries_left


class PinLockedOut(NotAllowed):
    code = _E.PIN_LOCKED_OUT
    status = 429
    fields = ("until",)

    def __init__(self, until: datetime, *, minutes_left: int | None = None) -> None:
        if minutes_left is None:
            wait = "a few minutes"
        else:
            wait = "about a minute" if minutes_left <= 1 else f"about {minutes_left} minutes"
        super().__init__(
            f"Too many wrong PINs: this device takes no PIN for {wait}. Try again then, or call a manager."
        )
        self.until = until


def _wait(until: datetime, now: datetime) -> str:
    minutes = max(1, -(-int((until - now).total_seconds()) // 60))
    return "about a minute" if minutes <= 1 else f"about {minutes} minutes"


class StaffPinLockedOut(PinLockedOut):
    """One staff member's PIN, not the device: other staff may still enter theirs here."""

    code = _E.STAFF_PIN_LOCKED_OUT

    def __init__(self, until: datetime, *, now: datetime) -> None:
        super().__init__(until)
        self.message = (
            f"Too many wrong PINs for this staff number: it takes no PIN for {_wait(until, now)}. "
            "Try again then, or ask another member of staff to confirm."
        )
        self.args = (self.message,)


class SignInLockedOut(NotAllowed):
    code = _E.SIGN_IN_LOCKED_OUT
    status = 429
    fields = ("until",)

    def __init__(self, until: datetime, *, now: datetime) -> None:
        super().__init__(
            f"Too many wrong passwords: this account takes no sign-in for {_wait(until, now)}. "
            "Try again then, or ask an admin to check the account."
        )
        self.until = until


class SessionInvalid(NotAuthenticated):
    """A staff session that is unknown or signed out (session_invalid), expired, or whose account is inactive."""

    code = _E.SESSION_INVALID
    codes = (_E.SESSION_EXPIRED, _E.SESSION_STAFF_INACTIVE)


class NotFound(EncoreError):
    code = _E.NOT_FOUND
    codes = (
        _E.CONCERT_NOT_FOUND, _E.CONCERT_NOT_ON_SALE, _E.DEVICE_NOT_FOUND, _E.HOLD_NOT_FOUND,
        _E.NOTHING_TO_PRINT, _E.NOTHING_TO_SEND, _E.ORDER_NOT_FOUND, _E.PLAN_NOT_FOUND, _E.STAFF_NOT_FOUND,
        _E.VENUE_NOT_FOUND, _E.ROUTE_NOT_FOUND, _E.CHECKIN_CONFLICT_NOT_FOUND,
    )  # fmt: skip
    status = 404


class Conflict(EncoreError):
    code = _E.CONFLICT
    codes: ClassVar[Collection[ErrorCode]] = (
        _E.ALREADY_ON_SALE, _E.CANCEL_COUNTS_CHANGED, _E.CANNOT_DEACTIVATE_SELF, _E.CHECKOUT_RETRY_EXHAUSTED,
        _E.CONCERT_CANCELLED,
        _E.DEVICE_EXISTS, _E.DEVICE_KEY_MISMATCH, _E.DEVICE_KEY_RETIRED, _E.DEVICE_KIND_MISMATCH,
        _E.DEVICE_NOT_ADOPTABLE, _E.DEVICE_REVOKED, _E.HOLD_CHECKED_OUT, _E.IDEMPOTENCY_KEY_REUSED,
        _E.NOT_A_DEMO_DATABASE, _E.NOT_ON_SALE, _E.NOTHING_TO_UNDO, _E.PLAN_EXISTS, _E.PRICES_LOCKED,
        _E.REENTRY_NOT_ALLOWED,
        _E.REQUEST_IN_PROGRESS, _E.SALES_ALREADY_CLOSED, _E.STAFF_EXISTS, _E.TICKET_ALREADY_VOID,
        _E.VENUE_EXISTS, _E.DATABASE_NOT_EMPTY, _E.DATABASE_ROLE_UNSAFE, _E.STAFF_NUMBER_TAKEN,
        _E.STAFF_PIN_TAKEN,
        _E.SIGNING_KEY_RETIRED, _E.SIGNING_KEY_DISTRUSTED, _E.LAST_ADMIN, _E.CHECKIN_CONFLICT_RESOLVED,
    )  # fmt: skip
    status = 409


class SeatsTaken(Conflict):
    """``labels`` name the taken places in English; ``places`` are the same as parts, for other languages."""

    code = _E.SEATS_TAKEN
    fields = ("labels", "places")
    BUSY_KEY: ClassVar[str] = "seats_taken.busy"
    """The message key when picked seats went to others several times running (no labels to name)."""

    def __init__(
        self,
        labels: Sequence[str],
        *,
        message: str | None = None,
        key: str | None = None,
        places: Sequence[PlaceName] = (),
    ) -> None:
        names = ", ".join(labels)
        super().__init__(
            message
            or f"Sorry, {names} {'was' if len(labels) == 1 else 'were'} just taken by someone else. "
            "Please choose other seats.",
            key=key,
        )
        self.labels = tuple(labels)
        self.places = tuple(places)


class NotEnoughPlaces(Conflict):
    code = _E.NOT_ENOUGH_PLACES
    fields = ("wanted", "section")

    def __init__(self, wanted: int, section: str) -> None:
        super().__init__(
            f"There are fewer than {wanted} places left in {section}. Please choose fewer or another section."
        )
        self.wanted = wanted
        self.section = section


class HoldExpired(Conflict):
    code = _E.HOLD_EXPIRED
    codes = (_E.HOLD_RELEASED,)


class SalesClosed(Conflict):
    """``message_key`` tells why, for the kiosk's sentence: closed (the code), cancelled, or not open yet."""

    code = _E.SALES_CLOSED
    CANCELLED_KEY: ClassVar[str] = "sales_closed.cancelled"
    NOT_OPEN_KEY: ClassVar[str] = "sales_closed.not_open"


class ExtensionLimit(Conflict):
    code = _E.EXTENSION_LIMIT


class PaymentDeclined(Conflict):
    code = _E.PAYMENT_DECLINED

    def __init__(self) -> None:
        super().__init__(
            "The card was declined, so nothing was charged. Please try again or use another card."
        )


class StorageUnavailable(EncoreError):
    code = _E.STORAGE_UNAVAILABLE
    codes = (_E.OUTCOME_UNKNOWN, _E.SERVER_UNREACHABLE, _E.SERVER_CERTIFICATE_MISMATCH, _E.GOOGLE_UNREACHABLE)
    status = 503


class StorageBusy(EncoreError):
    code = _E.STORAGE_BUSY
    codes = (_E.REQUEST_TIMEOUT,)
    status = 503


class RateLimited(EncoreError):
    code = _E.RATE_LIMITED
    status = 429
    fields = ("retry_after_s",)

    def __init__(self, retry_after_s: float, message: str | None = None) -> None:
        wait = max(1, math.ceil(retry_after_s)) if math.isfinite(retry_after_s) else 60
        super().__init__(message or f"Too many requests from this device; wait {wait} s and try again.")
        self.retry_after_s = retry_after_s


class LiveUpdatesUnavailable(EncoreError):
    code = _E.LIVE_UPDATES_UNAVAILABLE
    status = 503


def error_class_for(code: ErrorCode | str) -> type[EncoreError]:
    """The one class that carries ``code``; KeyError for a string that is no ErrorCode."""
    try:
        return OWNER[ErrorCode(code)]
    except ValueError:
        raise KeyError(code) from None
