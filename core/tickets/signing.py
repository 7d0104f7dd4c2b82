"""Ed25519 signatures over ticket payloads: sign, verify (never raises), raw public keys and their fingerprints."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from core.domain.checkin import key_fingerprint
from core.domain.errors import BadSignature, UnknownKey
from core.tickets.payload import TicketPayload, encode

__all__ = [
    "PUBLIC_KEY_SIZE",
    "SIGNATURE_SIZE",
    "BadSignature",
    "UnknownKey",
    "check_scanned",
    "check_signature",
    "fingerprint",
    "public_key_bytes",
    "sign",
    "verify",
]

SIGNATURE_SIZE = 64
PUBLIC_KEY_SIZE = 32


def sign(private_key: Ed25519PrivateKey, payload_bytes: bytes) -> bytes:
    """The 64-byte Ed25519 signature over ``payload_bytes``."""
    return private_key.sign(bytes(payload_bytes))


def verify(
    public_key_bytes: bytes | bytearray, payload_bytes: bytes | bytearray, signature: bytes | bytearray
) -> bool:
    """True only if ``signature`` is a valid Ed25519 signature over ``payload_bytes`` by that raw 32-byte key.

    Any failure (wrong sizes or types, a key that is not a curve point, a bad signature) is False, never an
    exception: a scan must end in a result, not a crash.
    """
    if not all(isinstance(b, bytes | bytearray) for b in (public_key_bytes, payload_bytes, signature)):
        return False
    if len(public_key_bytes) != PUBLIC_KEY_SIZE or len(signature) != SIGNATURE_SIZE:
        return False
    try:
        _public_key(bytes(public_key_bytes)).verify(bytes(signature), bytes(payload_bytes))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


@lru_cache(maxsize=256)
def _public_key(raw: bytes) -> Ed25519PublicKey:
    """The key object for a raw public key, made once: a door checks thousands of tickets against a handful of
    keys. Cached by the key's own bytes, not its id, so a changed or revoked key can never be served stale:
    which keys are trusted is the caller's mapping, asked on every check. A bad key raises (not cached)."""
    return Ed25519PublicKey.from_public_bytes(raw)


def public_key_bytes(private_key: Ed25519PrivateKey) -> bytes:
    """The raw 32-byte public key, as registered in the database for a device."""
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def fingerprint(public_key_bytes: bytes) -> str:
    """'XXXX-XXXX-XXXX-XXXX': the first 64 bits of SHA-256 of the raw key, for the enrolment screen."""
    return key_fingerprint(public_key_bytes)


def check_signature(
    payload: TicketPayload, signed: bytes, signature: bytes, trusted_keys: Mapping[int, bytes]
) -> None:
    """Raise UnknownKey or BadSignature unless ``signed`` carries a good signature by the key the payload names.

    ``trusted_keys`` maps key id to raw public key and holds only keys the gate trusts (approved, not revoked).
    The key id is itself inside the signed bytes, so naming another trusted key cannot help a forger.
    """
    if encode(payload) != bytes(signed):  # the caller's payload must be exactly what was signed
        raise BadSignature()
    key = trusted_keys.get(payload.key_id)
    if key is None:
        raise UnknownKey()
    if not verify(key, signed, signature):
        raise BadSignature()


def check_scanned(key_id: int, signed: bytes, signature: bytes, trusted_keys: Mapping[int, bytes]) -> None:
    """check_signature for bytes straight from the scanned text (core.tickets.qr.parse_text), where ``key_id``
    was decoded from ``signed`` itself: a door's path, so it skips what holds by construction there.

    The payload is not encoded again to compare with ``signed``: decoding is canonical (only bytes that encode
    back exactly decode; tests/core/tickets/test_properties.py), so they are the same bytes. The key, the
    signature and the signed bytes are already ``bytes`` of the right sizes, so verify's type checks and copies
    are skipped too; a key of any other type or size still goes through verify.
    """
    key = trusted_keys.get(key_id)
    if key is None:
        raise UnknownKey()
    if type(key) is bytes and len(key) == PUBLIC_KEY_SIZE and len(signature) == SIGNATURE_SIZE:
        try:
            _public_key(key).verify(signature, signed)
        except (InvalidSignature, ValueError, TypeError):
            raise BadSignature() from None
    elif not verify(key, signed, signature):
        raise BadSignature()
