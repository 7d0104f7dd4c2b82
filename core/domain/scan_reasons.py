"""Why a scan says what it says: one reason code per answer a door can give, online or offline, and its row in
the reason table (the verdict it means and core's English sentence for it).

Adding a reason is two lines: a member of ScanReason and its row in REASONS (a test checks every member has
one, and that the door's own translatable table covers it too). Apps show their own words for a reason; the
English ``message`` of a ScanOutcome is for logs, the API and clients without a table of their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from core.domain.checkin import ScanResult
from core.domain.door import OFFLINE_NOTE

__all__ = ["REASONS", "Reason", "ScanReason", "message_for"]


class ScanReason(StrEnum):
    ADMITTED = "admitted"
    ALREADY_USED = "already_used"
    NOT_A_TICKET = "not_a_ticket"
    """The text is no ticket code at all (another barcode, a damaged or cut scan)."""
    NEWER_FORMAT = "newer_format"
    """A ticket code of a format this device does not know yet."""
    NOT_GENUINE = "not_genuine"
    """Forged, altered, signed by an unknown or revoked key, or not sold by this box office."""
    NO_TICKET_LIST = "no_ticket_list"
    """Offline, and the door has no copy of this concert's tickets to check against."""
    LIST_TOO_OLD = "list_too_old"
    """Offline, and the door's copy is older than its maximum age: staff check tickets by hand."""
    DEMO_TICKET = "demo_ticket"
    """Sold by a demo system for no money, scanned at a real door."""
    WRONG_CONCERT = "wrong_concert"
    VOID = "void"
    TOO_EARLY = "too_early"
    EXITED = "exited"
    NOT_INSIDE = "not_inside"
    ADMIT_UNDONE = "admit_undone"
    """Undo took the door's last admit back: the ticket may be scanned again."""
    UNDONE_STILL_INSIDE = "undone_still_inside"
    """Undo took the admit out of the journal, but the ticket was admitted again since: it stays inside."""


@dataclass(frozen=True, slots=True)
class Reason:
    result: ScanResult
    """The verdict this reason gives (the word on the door's screen)."""
    sentence: str
    """Core's English sentence, a ``str.format`` template over the outcome's details (see message_for)."""


_NOT_GENUINE = (
    "This ticket was not issued by this box office, or it was altered. Do not admit; send the guest to the box "
    "office."
)

REASONS: Mapping[ScanReason, Reason] = MappingProxyType(
    {
        ScanReason.ADMITTED: Reason(ScanResult.ADMIT, "{place}."),
        ScanReason.ALREADY_USED: Reason(
            ScanResult.ALREADY_USED, "Admitted {first_at} at {first_gate}. Do not admit again."
        ),
        ScanReason.NOT_A_TICKET: Reason(
            ScanResult.NOT_VALID,
            "This is not a valid Encore ticket. Do not admit on it; check the order at the box office.",
        ),
        ScanReason.NEWER_FORMAT: Reason(
            ScanResult.NOT_VALID,
            "This ticket is in a format this device does not know. Do not admit on it; update this device or "
            "check the order at the box office.",
        ),
        ScanReason.NOT_GENUINE: Reason(ScanResult.NOT_VALID, _NOT_GENUINE),
        ScanReason.NO_TICKET_LIST: Reason(
            ScanResult.NOT_VALID,
            "This door has no ticket list for this concert, so it cannot check tickets offline. Do not admit; "
            "call a manager.",
        ),
        ScanReason.LIST_TOO_OLD: Reason(
            ScanResult.UNCHECKED,
            "This door's offline list is too old (made at {made}, {age} ago; the limit is {limit}), so it cannot "
            "check tickets. Connect the door to the network, or check tickets by hand.",
        ),
        ScanReason.DEMO_TICKET: Reason(
            ScanResult.NOT_VALID,
            "This is a DEMO ticket from a test system, sold for no money; it is not valid for entry here. "
            "Do not admit; send the guest to the box office.",
        ),
        ScanReason.WRONG_CONCERT: Reason(
            ScanResult.WRONG_CONCERT,
            "This ticket is for {ticket_concert}. Send the guest to the box office.",
        ),
        ScanReason.VOID: Reason(ScanResult.VOID, "This ticket was refunded or cancelled. Do not admit."),
        ScanReason.TOO_EARLY: Reason(ScanResult.TOO_EARLY, "Entry opens {opens}. Ask the guest to wait."),
        ScanReason.EXITED: Reason(ScanResult.EXITED, "{place} may come back in with this ticket."),
        ScanReason.NOT_INSIDE: Reason(
            ScanResult.NOT_INSIDE, "This ticket has not been admitted; nothing to do."
        ),
        ScanReason.ADMIT_UNDONE: Reason(ScanResult.ADMIT, "Undone: {place} may be scanned again."),
        ScanReason.UNDONE_STILL_INSIDE: Reason(
            ScanResult.ADMIT,
            "Undone in the journal, but {place} was admitted again since (another gate or a re-entry): it "
            "stays inside.",
        ),
    }
)

_WORDS = {
    ScanResult.ADMIT: "ADMIT",
    ScanResult.ALREADY_USED: "ALREADY USED",
    ScanResult.NOT_VALID: "NOT VALID",
    ScanResult.WRONG_CONCERT: "WRONG CONCERT",
    ScanResult.VOID: "VOID",
    ScanResult.TOO_EARLY: "TOO EARLY",
    ScanResult.EXITED: "EXIT",
    ScanResult.NOT_INSIDE: "NOT INSIDE",
    ScanResult.UNCHECKED: "CHECK BY HAND",
}
_UNDO = (ScanReason.ADMIT_UNDONE, ScanReason.UNDONE_STILL_INSIDE)


def message_for(reason: ScanReason, *, offline: bool = False, **details: str) -> str:
    """Core's English sentence: 'WORD: sentence.' (undo says only what it did), and the offline note."""
    row = REASONS[reason]
    sentence = row.sentence.format(**details)
    text = sentence if reason in _UNDO else f"{_WORDS[row.result]}: {sentence}"
    return f"{text} {OFFLINE_NOTE}" if offline else text
