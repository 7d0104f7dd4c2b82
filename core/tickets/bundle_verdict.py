"""A ticket judged from a verification bundle alone: signature valid, key trusted, not void, and which concert.

This is what a stateless verifier can know. It cannot know whether the ticket is already inside (only the door's
database knows), so a genuine ticket's verdict says so; the door still scans it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from core.domain.errors import BadSignature, ErrorCode, MalformedTicket, UnknownKey
from core.domain.ids import ConcertId, TicketId
from core.tickets.bundle import BundleConcert, VerificationBundle
from core.tickets.qr import read_ticket

__all__ = ["TicketVerdict", "VerifyReason", "judge_ticket"]


class VerifyReason(StrEnum):
    GENUINE = "genuine"
    NOT_A_TICKET = "not_a_ticket"
    NEWER_FORMAT = "newer_format"
    NOT_GENUINE = "not_genuine"
    """The signature does not match: forged or altered."""
    KEY_NOT_TRUSTED = "key_not_trusted"
    """Signed by a key the venue does not trust (never known, or a lost device's key it distrusted)."""
    VOID = "void"
    CONCERT_UNKNOWN = "concert_unknown"
    """Genuine, but for a concert the bundle does not list (over, or not yet published)."""


_SENTENCES = {
    VerifyReason.GENUINE: (
        "Genuine ticket {serial_note}for {concert}: signed by a key the venue trusts and not refunded. Whether "
        "it was already used only the door can tell."
    ),
    VerifyReason.NOT_A_TICKET: "This is not an Encore ticket code. Ask for the printed ticket or the order.",
    VerifyReason.NEWER_FORMAT: "This ticket code has a newer format than this verifier knows. Update it.",
    VerifyReason.NOT_GENUINE: "NOT VALID: the ticket was altered or forged. Send the guest to the box office.",
    VerifyReason.KEY_NOT_TRUSTED: (
        "NOT VALID: signed by a key the venue does not trust (a lost or stolen device's, or a forger's). Send "
        "the guest to the box office."
    ),
    VerifyReason.VOID: "NOT VALID: this ticket was refunded or cancelled. Send the guest to the box office.",
    VerifyReason.CONCERT_UNKNOWN: (
        "The ticket is genuine, but for concert {concert_id}, which this bundle does not list (it is over, or "
        "not published yet). Check the date on the ticket."
    ),
}


@dataclass(frozen=True, slots=True)
class TicketVerdict:
    valid: bool
    reason: VerifyReason
    message: str
    ticket_id: TicketId | None = None
    concert_id: ConcertId | None = None
    concert: BundleConcert | None = None
    issued_at: datetime | None = None
    key_id: int | None = None
    demo: bool = False
    """The bundle came from a demo system: a genuine ticket there was sold for no money."""

    def to_json(self) -> dict[str, Any]:
        concert = self.concert
        return {
            "valid": self.valid,
            "reason": self.reason.value,
            "message": self.message,
            "ticket_id": self.ticket_id,
            "concert_id": self.concert_id,
            "concert": None
            if concert is None
            else {
                "title": concert.title,
                "artist": concert.artist,
                "starts_at": _time(concert.starts_at),
                "venue": concert.venue,
            },
            "issued_at": None if self.issued_at is None else _time(self.issued_at),
            "key_id": self.key_id,
            "demo": self.demo,
        }


def _time(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _refused(reason: VerifyReason) -> TicketVerdict:
    return TicketVerdict(False, reason, _SENTENCES[reason])


def judge_ticket(bundle: VerificationBundle, text: str) -> TicketVerdict:
    """The verdict on a scanned ticket text (never raises for any input)."""
    try:
        payload = read_ticket(text, bundle.keys)
    except MalformedTicket as exc:
        newer = exc.code == ErrorCode.TICKET_UNSUPPORTED_VERSION
        return _refused(VerifyReason.NEWER_FORMAT if newer else VerifyReason.NOT_A_TICKET)
    except UnknownKey:
        return _refused(VerifyReason.KEY_NOT_TRUSTED)
    except BadSignature:
        return _refused(VerifyReason.NOT_GENUINE)

    def verdict(
        valid: bool, reason: VerifyReason, sentence: str, concert: BundleConcert | None = None
    ) -> TicketVerdict:
        return TicketVerdict(
            valid,
            reason,
            sentence,
            ticket_id=payload.ticket_id,
            concert_id=payload.concert_id,
            concert=concert,
            issued_at=payload.issued_at,
            key_id=payload.key_id,
            demo=bundle.demo_database,
        )

    if payload.ticket_id in bundle.void:
        return verdict(False, VerifyReason.VOID, _SENTENCES[VerifyReason.VOID])
    concert = bundle.concerts.get(payload.concert_id)
    if concert is None:
        sentence = _SENTENCES[VerifyReason.CONCERT_UNKNOWN].format(concert_id=payload.concert_id)
        return verdict(False, VerifyReason.CONCERT_UNKNOWN, sentence)
    named = f"{concert.artist} — {concert.title}, {concert.venue}, {_time(concert.starts_at)}"
    note = "(DEMO, sold for no money) " if bundle.demo_database else ""
    sentence = _SENTENCES[VerifyReason.GENUINE].format(concert=named, serial_note=note)
    return verdict(True, VerifyReason.GENUINE, sentence, concert)
