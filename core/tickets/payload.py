"""QR payload v1: the compact, versioned binary record that a ticket's Ed25519 signature covers.

Layout (big-endian, 25 bytes, fixed length)::

    offset size  field
    0      1     format version (1)
    1      8     ticket id, unsigned 64-bit
    9      8     concert id, unsigned 64-bit
    17     4     issue time, unsigned 32-bit Unix seconds (UTC; good until 2106)
    21     4     signing key id, unsigned 32-bit

The concert id is a fixed 64-bit field, not a varint: a 2-byte varint saves 9 base45 characters (134 -> 125)
but the QR code stays version 6-M either way (measured; see core.tickets.qr), and a fixed length keeps the
parser exact. Seat and price are not in the payload; they stay in the database and on the printed text.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import UTC, datetime

from core.domain.errors import ErrorCode, InvalidTicket, MalformedTicket
from core.domain.ids import ConcertId, TicketId

__all__ = [
    "FORMAT_VERSION",
    "PAYLOAD_SIZE",
    "InvalidTicket",
    "MalformedTicket",
    "TicketPayload",
    "decode",
    "encode",
]

FORMAT_VERSION = 1
_V1 = struct.Struct(">BQQII")
PAYLOAD_SIZE = _V1.size
"""Bytes in a version 1 payload (25)."""

_U32 = 2**32 - 1
_U64 = 2**64 - 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = datetime.fromtimestamp(_U32, UTC)

_set = object.__setattr__  # how a frozen dataclass's own __init__ sets its fields

_NEWER_MESSAGE = (
    "This ticket is in a format this device does not know. Do not admit on it; update this device or check "
    "the order at the box office."
)


@dataclass(frozen=True, slots=True)
class TicketPayload:
    """What a ticket's signature vouches for. ``issued_at`` is aware UTC, kept to the whole second."""

    ticket_id: TicketId
    concert_id: ConcertId
    issued_at: datetime
    key_id: int
    version: int = FORMAT_VERSION

    def __post_init__(self) -> None:
        # Wrong values here are programming errors on the issuing side, not scans: ValueError, not a rejection.
        _check_int("ticket_id", self.ticket_id, _U64)
        _check_int("concert_id", self.concert_id, _U64)
        _check_int("key_id", self.key_id, _U32)
        if isinstance(self.version, bool) or self.version != FORMAT_VERSION:
            raise ValueError(f"version: only format {FORMAT_VERSION} can be written, not {self.version!r}")
        at = self.issued_at
        if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("issued_at: must be an aware datetime (UTC)")
        at = at.astimezone(UTC).replace(microsecond=0)
        if not _EPOCH <= at <= _LATEST:
            raise ValueError("issued_at: must lie between 1970 and 2106")
        object.__setattr__(self, "issued_at", at)


def _check_int(name: str, value: object, maximum: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{name}: must be an int, not {type(value).__name__}")
    if not 0 <= value <= maximum:
        raise ValueError(f"{name}: must lie between 0 and {maximum}")


def encode(payload: TicketPayload) -> bytes:
    """The exact bytes that get signed and put in the QR code."""
    seconds = int((payload.issued_at - _EPOCH).total_seconds())
    return _V1.pack(payload.version, payload.ticket_id, payload.concert_id, seconds, payload.key_id)


def decode(data: bytes | bytearray | memoryview) -> TicketPayload:
    """Read a payload; raises MalformedTicket (and nothing else) for anything that is not exactly one."""
    # Every door scan decodes one (tests/benchmarks/tickets.py): bytes, what a scan gives, is neither checked
    # against the union (slow) nor copied (it is immutable already).
    if type(data) is not bytes:
        if not isinstance(data, bytes | bytearray | memoryview):
            raise MalformedTicket()
        data = bytes(data)
    if not data:
        raise MalformedTicket()
    if data[0] != FORMAT_VERSION:
        raise MalformedTicket(_NEWER_MESSAGE, code=ErrorCode.TICKET_UNSUPPORTED_VERSION)
    if len(data) != PAYLOAD_SIZE:
        raise MalformedTicket()
    version, ticket_id, concert_id, seconds, key_id = _V1.unpack(data)
    # __post_init__'s checks are skipped here (a third of the parsing time): they hold by construction, as the
    # struct's unsigned field widths are exactly their ranges. TicketId and ConcertId are NewTypes, nothing at
    # run time but a call: the ints go in as they are.
    payload = object.__new__(TicketPayload)
    _set(payload, "ticket_id", ticket_id)
    _set(payload, "concert_id", concert_id)
    _set(payload, "issued_at", datetime.fromtimestamp(seconds, UTC))
    _set(payload, "key_id", key_id)
    _set(payload, "version", version)
    return payload
