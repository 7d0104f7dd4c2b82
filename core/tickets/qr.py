"""Ticket QR text: payload + Ed25519 signature in base45 (RFC 9285), a version 6-M QR code in alphanumeric mode.

Measured with qrcode 8.2, error correction M, for the 89 bytes of a v1 ticket (25 payload + 64 signature):

    encoding                         characters  QR mode        version  modules
    base45 (chosen)                  134         alphanumeric   6        41 x 41
    base32, no padding               143         alphanumeric   6        41 x 41
    base64 / base64url               120 / 119   byte           7        45 x 45
    payload with varint concert id   125 (b45)   alphanumeric   6        41 x 41   (no gain: kept u64)
    varint ticket + concert ids      117 (b45)   alphanumeric   5        37 x 37   (only while ids are small)

Base45 is the smallest robust choice: version 6-M holds 154 alphanumeric characters, so 20 are spare for a
later format, where base32 leaves 11. Its alphabet is the QR alphanumeric set, which has no lower-case
letters, so text from a scanner in lower-case mode can be upper-cased without ambiguity.

Scanner text is read as follows. Trailing whitespace is dropped (a keyboard-wedge scanner adds CR, LF or
Tab; a valid text never ends in a space, since the last base45 digit of any group is at most 32). Leading
CR, LF and Tab are dropped, but not a leading space: space is a base45 digit and a valid text may begin with
one. ASCII lower case is upper-cased. Anything else outside the alphabet is rejected; the text is never
repaired beyond that.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from core.tickets.payload import MalformedTicket, TicketPayload, decode, encode
from core.tickets.signing import SIGNATURE_SIZE, check_scanned

__all__ = [
    "ALPHABET",
    "MAX_TEXT_LENGTH",
    "b45decode",
    "b45encode",
    "parse_text",
    "qr_modules",
    "qr_version",
    "read_ticket",
    "to_text",
]

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_NOT_A_DIGIT = 0xFF
_DIGITS = bytes(ALPHABET.index(chr(b)) if chr(b) in ALPHABET else _NOT_A_DIGIT for b in range(256))
"""bytes.translate table: an ASCII character's base45 digit value, or _NOT_A_DIGIT."""
MAX_TEXT_LENGTH = 1024
"""Longer scanner input is refused before any decoding work."""


def b45encode(data: bytes) -> str:
    """RFC 9285 base45: each 2 bytes become 3 characters, a last single byte becomes 2."""
    out: list[str] = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        c, n = n % 45, n // 45
        out += (ALPHABET[c], ALPHABET[n % 45], ALPHABET[n // 45])
    if len(data) % 2:
        out += (ALPHABET[data[-1] % 45], ALPHABET[data[-1] // 45])
    return "".join(out)


def b45decode(text: str) -> bytes:
    """Strict RFC 9285 decoding; ValueError for a character outside the alphabet, a bad length or a value
    that no bytes encode to (so every byte string has exactly one text)."""
    if len(text) % 3 == 1:
        raise ValueError("base45 text cannot have a length of 3n + 1")
    try:
        digits = text.encode("ascii").translate(_DIGITS)
    except UnicodeEncodeError:
        raise ValueError("character outside the base45 alphabet") from None
    if _NOT_A_DIGIT in digits:
        raise ValueError("character outside the base45 alphabet")
    # Every door scan decodes 134 characters, so the groups are worked on at once, not in a Python loop (8x
    # faster, see tests/benchmarks/tickets.py): read as one base-256 number, the digits are 3-byte lanes
    # (a, b, c) of the groups; a + 45b + 2025c is at most 91,124 < 2**24, so it never carries into the next lane.
    full = len(digits) - len(digits) % 3
    lane = _lane_mask(full // 3)  # the low byte of every lane
    n = int.from_bytes(digits[:full])
    values = ((n >> 16) & lane) + 45 * ((n >> 8) & lane) + 2025 * (n & lane)
    if (values >> 16) & lane:  # a lane above 0xFFFF: no 2 bytes encode to it
        raise ValueError("base45 group out of range")
    out = bytearray(values.to_bytes(full))
    del out[0::3]  # each lane's zero top byte: the 2 bytes of every group stay, in order
    if full < len(digits):
        last = digits[-2] + 45 * digits[-1]
        if last > 0xFF:
            raise ValueError("base45 group out of range")
        out.append(last)
    return bytes(out)


@lru_cache(maxsize=8)
def _lane_mask(lanes: int) -> int:
    return int.from_bytes(b"\0\0\xff" * lanes)


def to_text(payload: TicketPayload, signature: bytes) -> str:
    """The QR text of a signed ticket; ``signature`` must be the signature over ``encode(payload)``."""
    if len(signature) != SIGNATURE_SIZE:
        raise ValueError(f"signature: must be {SIGNATURE_SIZE} bytes, not {len(signature)}")
    return b45encode(encode(payload) + bytes(signature))


def parse_text(text: str) -> tuple[TicketPayload, bytes, bytes]:
    """(payload, the exact signed bytes, signature) from scanned text; MalformedTicket for anything else.

    This does not check the signature: see read_ticket, or check_signature with the trusted keys.
    """
    if not isinstance(text, str) or len(text) > MAX_TEXT_LENGTH or not text.isascii():
        raise MalformedTicket()
    # See the module docstring for why trailing spaces go but leading spaces stay.
    cleaned = text.rstrip(" \t\r\n").lstrip("\t\r\n").upper()
    try:
        data = b45decode(cleaned)
    except ValueError:
        raise MalformedTicket() from None
    if len(data) <= SIGNATURE_SIZE:
        raise MalformedTicket()
    signed, signature = data[:-SIGNATURE_SIZE], data[-SIGNATURE_SIZE:]
    return decode(signed), signed, signature


def read_ticket(text: str, trusted_keys: Mapping[int, bytes]) -> TicketPayload:
    """The payload of a genuine ticket, or InvalidTicket (MalformedTicket, UnknownKey, BadSignature).

    ``trusted_keys`` maps key id to raw public key, holding only keys the gate trusts. Whether the ticket is
    for this concert, void, already used or too early is for the caller to decide from the payload.
    """
    payload, signed, signature = parse_text(text)
    check_scanned(payload.key_id, signed, signature, trusted_keys)
    return payload


def _make(text: str) -> tuple[int, list[list[bool]]]:
    """(version, modules) of the QR code for ``text``; typed here so that nothing else touches qrcode."""
    # Imported here: a kiosk's first screen and a door's scans need no QR drawing (start-up time).
    import qrcode  # type: ignore[import-untyped, unused-ignore]
    from qrcode.constants import ERROR_CORRECT_M  # type: ignore[import-untyped, unused-ignore]

    # optimize=0: one alphanumeric segment, the same version as qrcode's mixed-mode optimisation (measured).
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(text, optimize=0)
    code.make(fit=True)
    modules = [[bool(module) for module in row] for row in code.get_matrix()]
    return int(code.version), modules


def qr_modules(text: str) -> list[list[bool]]:
    """The QR code's modules, row by row, True for dark; error correction M, no quiet zone.

    The renderer must leave a light margin of at least 4 modules around it.
    """
    return _make(text)[1]


def qr_version(text: str) -> int:
    """The QR version (1-40) that ``text`` needs at error correction M; version v is 17 + 4v modules wide."""
    return _make(text)[0]
