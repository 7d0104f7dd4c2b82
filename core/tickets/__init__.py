"""Tickets that cannot be forged: the signed QR payload, its Ed25519 signature and its QR text."""

from core.tickets.payload import InvalidTicket, MalformedTicket, TicketPayload, decode, encode
from core.tickets.qr import parse_text, qr_modules, qr_version, read_ticket, to_text
from core.tickets.signing import (
    BadSignature,
    UnknownKey,
    check_signature,
    fingerprint,
    public_key_bytes,
    sign,
    verify,
)

__all__ = [
    "BadSignature",
    "InvalidTicket",
    "MalformedTicket",
    "TicketPayload",
    "UnknownKey",
    "check_signature",
    "decode",
    "encode",
    "fingerprint",
    "parse_text",
    "public_key_bytes",
    "qr_modules",
    "qr_version",
    "read_ticket",
    "sign",
    "to_text",
    "verify",
]
