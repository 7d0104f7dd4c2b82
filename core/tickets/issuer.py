"""Signing tickets as they are sold: the venue server's key over the QR payload."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.domain.ids import ConcertId, TicketId
from core.tickets.payload import TicketPayload, encode
from core.tickets.qr import to_text


class TicketSigner(Protocol):
    """A private key (the server's; it never leaves the server) and the id the database knows its public key by."""

    @property
    def key_id(self) -> int: ...

    def sign(self, data: bytes) -> bytes: ...


def sign_ticket(
    signer: TicketSigner, ticket_id: TicketId, concert_id: ConcertId, issued_at: datetime
) -> bytes:
    payload = TicketPayload(
        ticket_id=ticket_id, concert_id=concert_id, issued_at=issued_at, key_id=signer.key_id
    )
    return signer.sign(encode(payload))


def qr_text(
    ticket_id: TicketId, concert_id: ConcertId, issued_at: datetime, key_id: int, signature: bytes
) -> str:
    """The QR text for a stored signature: any station can print a ticket again without the signing key."""
    payload = TicketPayload(ticket_id=ticket_id, concert_id=concert_id, issued_at=issued_at, key_id=key_id)
    return to_text(payload, signature)
