"""Real Ed25519 keys and a signed ticket for the ticket tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.domain.ids import ConcertId, TicketId
from core.tickets import payload as tp
from core.tickets import qr, signing

KEY_ID = 7


@dataclass(frozen=True)
class Signed:
    key: Ed25519PrivateKey
    payload: tp.TicketPayload
    signed: bytes
    signature: bytes
    text: str

    @property
    def trusted(self) -> dict[int, bytes]:
        return {KEY_ID: signing.public_key_bytes(self.key)}


def make_payload(ticket: int = 123_456, concert: int = 42, key_id: int = KEY_ID) -> tp.TicketPayload:
    return tp.TicketPayload(
        ticket_id=TicketId(ticket),
        concert_id=ConcertId(concert),
        issued_at=datetime(2026, 12, 1, 18, 0, 5, tzinfo=UTC),
        key_id=key_id,
    )


def make_signed(key: Ed25519PrivateKey, payload: tp.TicketPayload) -> Signed:
    signed = tp.encode(payload)
    signature = signing.sign(key, signed)
    return Signed(key, payload, signed, signature, qr.to_text(payload, signature))


@pytest.fixture(scope="session")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="session")
def other_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="session")
def ticket(key: Ed25519PrivateKey) -> Signed:
    return make_signed(key, make_payload())
