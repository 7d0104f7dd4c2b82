"""The error classes at the edges of the tree: scanned tickets, the mail relay, the gate broker, kiosk printers.

They are part of the one tree documented in core.domain.errors (which re-exports them); they live here only to
keep modules small.
"""

from __future__ import annotations

from core.domain.checkin import ScanResult
from core.domain.error_base import EncoreError
from core.domain.error_codes import ErrorCode

_E = ErrorCode


class TicketRejected(EncoreError):
    code = _E.TICKET_REJECTED
    status = 422
    fields = ("result",)

    def __init__(
        self, message: str, *, result: ScanResult = ScanResult.NOT_VALID, code: ErrorCode | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.result = result


_NOT_VALID_MESSAGE = (
    "This is not a valid Encore ticket. Do not admit on it; check the order at the box office."
)


class InvalidTicket(TicketRejected):
    """A scanned ticket that must not be trusted at all: the gate shows NOT VALID."""

    code = _E.TICKET_INVALID

    def __init__(self, message: str = _NOT_VALID_MESSAGE, *, code: ErrorCode | None = None) -> None:
        super().__init__(message, result=ScanResult.NOT_VALID, code=code)


class MalformedTicket(InvalidTicket):
    """The scanned text or bytes are not a ticket of a format we know (codes: ticket_malformed,
    ticket_unsupported_version). The message never quotes the scanned data."""

    code = _E.TICKET_MALFORMED
    codes = (_E.TICKET_UNSUPPORTED_VERSION,)


class BadSignature(InvalidTicket):
    """The signature does not match the payload under the key the payload names: forged or damaged."""

    code = _E.TICKET_BAD_SIGNATURE


class UnknownKey(InvalidTicket):
    """The payload names a signing key this gate does not trust (never registered, or revoked)."""

    code = _E.TICKET_UNKNOWN_KEY


class BundleRejected(EncoreError):
    """A verification bundle (the keys and void list a stateless verifier checks tickets with) cannot be
    used: not a bundle (bundle_malformed), not signed by the venue server it should come from (bundle_forged),
    or older than its maximum age (bundle_stale). No ticket is judged from it."""

    code = _E.BUNDLE_REJECTED
    codes = (_E.BUNDLE_MALFORMED, _E.BUNDLE_FORGED, _E.BUNDLE_STALE)
    status = 503


class GateUnavailable(EncoreError):
    """The command did not reach the broker. An ADMIT stands regardless: staff open the gate by hand."""

    code = _E.GATE_UNAVAILABLE
    status = 503


class GateCommandRefused(EncoreError):
    """A controller refused a gate command. The gate stays shut; door staff open it by hand if the ticket was
    admitted."""

    code = _E.GATE_COMMAND_REFUSED
    codes = (
        _E.GATE_COMMAND_MALFORMED, _E.GATE_COMMAND_WRONG_GATE, _E.GATE_COMMAND_BAD_MAC, _E.GATE_COMMAND_EXPIRED,
        _E.GATE_COMMAND_NOT_YET_VALID, _E.GATE_COMMAND_REPLAYED,
    )  # fmt: skip
    status = 403


class MailError(EncoreError):
    """A message was not handed over to the relay. ``smtp_code`` is the relay's reply code, if it gave one."""

    code = _E.MAIL_ERROR
    status = 502
    fields = ("smtp_code",)

    def __init__(self, message: str, *, smtp_code: int | None = None) -> None:
        super().__init__(message)
        self.smtp_code = smtp_code


class MailUnavailable(MailError):
    """A transient failure (relay down, timeout, 4xx): the same message may well go through later."""

    code = _E.MAIL_UNAVAILABLE


class MailRejected(MailError):
    """A permanent 5xx refusal (bad recipient, policy, failed sign-in): sending it again will not help."""

    code = _E.MAIL_REJECTED


class PrintFailed(EncoreError):
    """The printer did not print: `reason` is the short fact for the audit log, `message` the sentence for
    people (the purchase is kept; the ticket can be printed again). Raised by the kiosk's printer adapters."""

    code = _E.PRINT_FAILED
    codes = (
        _E.PRINT_CRASHED, _E.PRINT_FOLDER_FULL, _E.PRINT_FOLDER_UNWRITABLE, _E.PRINTER_ERROR,
        _E.PRINTER_MISSING, _E.PRINTER_REFUSED,
    )  # fmt: skip
    fields = ("reason",)

    def __init__(self, reason: str, *, message: str | None = None, code: ErrorCode | None = None) -> None:
        super().__init__(
            message or f"The ticket could not be printed ({reason}). Please call staff.", code=code
        )
        self.reason = reason


class BackupError(EncoreError):
    """A backup cannot be taken, trusted or restored: not a backup, truncated, damaged (its bytes differ from
    what was recorded), a mismatch (restored tables differ from the manifest), a tool that failed, a restore
    target that holds data, an off-site copy sealed under another key, an object store that failed, or an
    embedded database's keys missing or other than the backup's beside the restore target. ``path`` names the
    file, object or database. Nothing was restored when this is raised."""

    code = _E.BACKUP_INVALID
    codes = (
        _E.BACKUP_NOT_A_BACKUP, _E.BACKUP_TRUNCATED, _E.BACKUP_DAMAGED, _E.BACKUP_MISMATCH,
        _E.BACKUP_TOOL_FAILED, _E.RESTORE_TARGET_NOT_EMPTY, _E.BACKUP_KEY_WRONG, _E.BACKUP_OFFSITE_FAILED,
        _E.RESTORE_KEYS_MISSING, _E.RESTORE_KEYS_DISAGREE,
    )  # fmt: skip
    fields = ("path",)

    def __init__(self, path: str, message: str, *, code: ErrorCode) -> None:
        super().__init__(message, code=code)
        self.path = path
