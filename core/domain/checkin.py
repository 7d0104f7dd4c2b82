"""Check-in words: what one scan at a gate can result in, and the fingerprint people compare for a device key."""

from __future__ import annotations

import hashlib
from enum import StrEnum

__all__ = ["ScanResult", "key_fingerprint"]


class ScanResult(StrEnum):
    ADMIT = "admit"
    ALREADY_USED = "already_used"
    NOT_VALID = "not_valid"
    """Forged, damaged, signed by an unknown or revoked key: nothing about the ticket can be trusted."""
    WRONG_CONCERT = "wrong_concert"
    VOID = "void"
    """Refunded or cancelled."""
    TOO_EARLY = "too_early"
    EXITED = "exited"
    """An exit scan (concerts that allow re-entry): the guest may come back in with the same ticket."""
    NOT_INSIDE = "not_inside"
    """An exit scan of a ticket that is not inside: nothing to record."""
    UNCHECKED = "unchecked"
    """Offline, with an offline list older than its maximum age: the door cannot vouch either way, so staff
    check the ticket by hand (never a silent ADMIT from stale data)."""


def key_fingerprint(public_key: bytes) -> str:
    """A short, readable fingerprint of a raw public key: the first 64 bits of its SHA-256, as 'XXXX-XXXX-XXXX-XXXX'.

    The enrolment screen shows it and the manager who approves the device compares it with the admin app's
    copy. It lives in the domain so that both the apps and core.security/core.tickets can compute it.
    """
    digest = hashlib.sha256(bytes(public_key)).hexdigest()[:16].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))
