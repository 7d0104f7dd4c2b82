"""Every error Encore raises on purpose, each with a stable ``code`` and a sentence for people.

The tree::

    EncoreError
    ├── InputError              a field or a file has a bad value (field, problem)
    │   └── PlanFileError       a seating-plan file has errors (all of them, with line numbers)
    ├── ConfigError             a config file or variable is wrong (file, key, problem)
    ├── NotAllowed              the actor may not do this
    │   ├── DeviceNotApproved   the device is pending or revoked
    │   ├── WrongPin            a staff PIN did not match (tries_left before the terminal locks)
    │   ├── PinLockedOut        too many wrong PINs on this device; locked until a time (until)
    │   │   └── StaffPinLockedOut   too many wrong PINs for one staff member; their PIN is locked (until)
    │   ├── SignInLockedOut     too many wrong passwords for one account; locked until a time (until)
    │   └── SessionInvalid      a staff session is unknown, signed out, expired, or its account inactive
    ├── NotFound                the thing asked for does not exist
    ├── Conflict                the request clashes with the current state
    │   ├── SeatsTaken          some chosen places are no longer free (names them)
    │   ├── NotEnoughPlaces     fewer takeable places than asked for
    │   ├── HoldExpired         the hold lapsed and its places were taken or released
    │   ├── SalesClosed         the concert is not on sale now
    │   ├── ExtensionLimit      the hold was extended as often as allowed
    │   └── PaymentDeclined     the card (or simulated card) was declined; nothing was charged
    ├── TicketRejected          a scanned ticket is not admitted (result)
    ├── StorageUnavailable      the database cannot be reached (or the reply to a commit was lost)
    ├── StorageBusy             the database is too busy to answer in time; nothing was changed
    └── LiveUpdatesUnavailable  the live-update bus cannot be reached

``code`` is stable: tests, logs and the apps match on it. ``message`` is what a person reads; it says what
was wrong and what to do, and never contains a secret.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


class EncoreError(Exception):
    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class InputError(EncoreError):
    code = "invalid_input"

    def __init__(self, field: str, problem: str, *, code: str | None = None) -> None:
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
    code = "plan_file_invalid"

    def __init__(self, source: str, problems: Sequence[FileProblem]) -> None:
        listed = "; ".join(str(p) for p in problems)
        super().__init__(source, f"{len(problems)} error(s), nothing was imported. {listed}")
        self.problems = tuple(problems)


class ConfigError(EncoreError):
    code = "config_invalid"

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: {key}: {problem}")
        self.file = file
        self.key = key
        self.problem = problem


class NotAllowed(EncoreError):
    code = "not_allowed"


class DeviceNotApproved(NotAllowed):
    code = "device_not_approved"


class WrongPin(NotAllowed):
    code = "wrong_pin"

    def __init__(self, tries_left: int) -> None:
        tries = "1 more try" if tries_left == 1 else f"{tries_left} more tries"
        super().__init__(
            f"That PIN is not right. {tries} before PIN entry locks for a while; "
            "check the staff number and the PIN and enter them again."
        )
        self.tries_left = tries_left


class PinLockedOut(NotAllowed):
    code = "pin_locked_out"

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

    code = "staff_pin_locked_out"

    def __init__(self, until: datetime, *, now: datetime) -> None:
        super().__init__(until)
        self.message = (
            f"Too many wrong PINs for this staff number: it takes no PIN for {_wait(until, now)}. "
            "Try again then, or ask another member of staff to confirm."
        )
        self.args = (self.message,)


class SignInLockedOut(NotAllowed):
    code = "sign_in_locked_out"

    def __init__(self, until: datetime, *, now: datetime) -> None:
        super().__init__(
            f"Too many wrong passwords: this account takes no sign-in for {_wait(until, now)}. "
            "Try again then, or ask an admin to check the account."
        )
        self.until = until


class SessionInvalid(NotAllowed):
    """Codes: session_invalid (unknown or signed out), session_expired, session_staff_inactive."""

    code = "session_invalid"


class NotFound(EncoreError):
    code = "not_found"


class Conflict(EncoreError):
    code = "conflict"


class SeatsTaken(Conflict):
    code = "seats_taken"

    def __init__(self, labels: Sequence[str]) -> None:
        names = ", ".join(labels)
        super().__init__(
            f"Sorry, {names} {'was' if len(labels) == 1 else 'were'} just taken by someone else. "
            "Please choose other seats."
        )
        self.labels = tuple(labels)


class NotEnoughPlaces(Conflict):
    code = "not_enough_places"

    def __init__(self, wanted: int, section: str) -> None:
        super().__init__(
            f"There are fewer than {wanted} places left in {section}. Please choose fewer or another section."
        )
        self.wanted = wanted


class HoldExpired(Conflict):
    code = "hold_expired"


class SalesClosed(Conflict):
    code = "sales_closed"


class ExtensionLimit(Conflict):
    code = "extension_limit"


class PaymentDeclined(Conflict):
    code = "payment_declined"

    def __init__(self) -> None:
        super().__init__(
            "The card was declined, so nothing was charged. Please try again or use another card."
        )


class TicketRejected(EncoreError):
    code = "ticket_rejected"


class StorageUnavailable(EncoreError):
    code = "storage_unavailable"


class StorageBusy(EncoreError):
    code = "storage_busy"


class LiveUpdatesUnavailable(EncoreError):
    code = "live_updates_unavailable"
