"""Ed25519 over real keys: round trips, every flipped bit fails, another key fails, verify never raises."""

from __future__ import annotations

import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.domain.checkin import ScanResult, key_fingerprint
from core.tickets import payload as tp
from core.tickets import signing
from tests.core.tickets.conftest import KEY_ID, Signed, make_payload, make_signed


def _flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def test_sign_and_verify(ticket: Signed) -> None:
    assert len(ticket.signature) == signing.SIGNATURE_SIZE == 64
    public = signing.public_key_bytes(ticket.key)
    assert len(public) == signing.PUBLIC_KEY_SIZE == 32
    assert signing.verify(public, ticket.signed, ticket.signature) is True
    assert signing.verify(bytearray(public), bytearray(ticket.signed), bytearray(ticket.signature)) is True


def test_every_flipped_payload_bit_fails(ticket: Signed) -> None:
    public = signing.public_key_bytes(ticket.key)
    for bit in range(len(ticket.signed) * 8):
        assert signing.verify(public, _flip(ticket.signed, bit), ticket.signature) is False, bit


def test_every_flipped_signature_bit_fails(ticket: Signed) -> None:
    public = signing.public_key_bytes(ticket.key)
    for bit in range(len(ticket.signature) * 8):
        assert signing.verify(public, ticket.signed, _flip(ticket.signature, bit)) is False, bit


def test_every_flipped_public_key_bit_fails(ticket: Signed) -> None:
    public = signing.public_key_bytes(ticket.key)
    for bit in range(len(public) * 8):
        assert signing.verify(_flip(public, bit), ticket.signed, ticket.signature) is False, bit


def test_signature_by_another_key_fails(ticket: Signed, other_key: Ed25519PrivateKey) -> None:
    forged = signing.sign(other_key, ticket.signed)
    assert signing.verify(signing.public_key_bytes(ticket.key), ticket.signed, forged) is False
    # Naming another trusted key in the payload does not help: the signature must be by the named key.
    with pytest.raises(signing.BadSignature) as info:
        signing.check_signature(
            ticket.payload,
            ticket.signed,
            forged,
            {KEY_ID: signing.public_key_bytes(ticket.key), 8: signing.public_key_bytes(other_key)},
        )
    assert info.value.code == "ticket_bad_signature"
    assert info.value.result is ScanResult.NOT_VALID


def test_check_signature(ticket: Signed, other_key: Ed25519PrivateKey) -> None:
    signing.check_signature(ticket.payload, ticket.signed, ticket.signature, ticket.trusted)
    with pytest.raises(signing.UnknownKey) as info:
        signing.check_signature(ticket.payload, ticket.signed, ticket.signature, {KEY_ID + 1: b"x" * 32})
    assert info.value.code == "ticket_unknown_key"
    assert info.value.result is ScanResult.NOT_VALID
    # The payload handed in must be the one that was signed.
    other = make_payload(ticket=ticket.payload.ticket_id + 1)
    with pytest.raises(signing.BadSignature):
        signing.check_signature(other, ticket.signed, ticket.signature, ticket.trusted)
    # A genuine signature over other bytes, under the trusted key id, by an untrusted key.
    forged = make_signed(other_key, make_payload())
    with pytest.raises(signing.BadSignature):
        signing.check_signature(forged.payload, forged.signed, forged.signature, ticket.trusted)


@pytest.mark.parametrize(
    ("public", "signed", "signature"),
    [
        (b"", b"x", b"s" * 64),
        (b"k" * 31, b"x", b"s" * 64),
        (b"k" * 33, b"x", b"s" * 64),
        (b"k" * 32, b"x", b"s" * 63),
        (b"k" * 32, b"x", b""),
        (b"\xff" * 32, b"x", b"\xff" * 64),  # not a point on the curve
        (bytes(32), b"", bytes(64)),  # the identity-like all-zero key
        ("k" * 32, b"x", b"s" * 64),
        (None, None, None),
        (b"k" * 32, 5, b"s" * 64),
    ],
)
def test_verify_is_false_never_an_exception(public: object, signed: object, signature: object) -> None:
    assert signing.verify(public, signed, signature) is False  # type: ignore[arg-type]


def test_signatures_are_deterministic_and_bound_to_the_payload(ticket: Signed) -> None:
    assert signing.sign(ticket.key, ticket.signed) == ticket.signature  # Ed25519 is deterministic
    other = tp.encode(make_payload(concert=43))
    assert signing.sign(ticket.key, other) != ticket.signature


def test_fingerprint_format(key: Ed25519PrivateKey, other_key: Ed25519PrivateKey) -> None:
    fp = signing.fingerprint(signing.public_key_bytes(key))
    assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){3}", fp)
    assert fp == key_fingerprint(signing.public_key_bytes(key))
    assert fp != signing.fingerprint(signing.public_key_bytes(other_key))
    # A known answer, so the format cannot drift between the enrolment screen and the admin app.
    assert (
        signing.fingerprint(bytes(32)) == "6668-7AAD-F862-BD77"
    )  # sha256(32 zero bytes) = 66687aad f862bd77...


def test_a_cached_key_is_trusted_only_while_the_mapping_holds_it(
    ticket: Signed, other_key: Ed25519PrivateKey
) -> None:
    # verify keeps key objects by their bytes; trust is still the caller's mapping, read on every check.
    signing.check_signature(ticket.payload, ticket.signed, ticket.signature, ticket.trusted)  # now cached
    with pytest.raises(signing.UnknownKey):  # revoked: gone from the door's trusted keys
        signing.check_signature(ticket.payload, ticket.signed, ticket.signature, {})
    with pytest.raises(signing.BadSignature):  # the same id now names another key
        signing.check_signature(
            ticket.payload, ticket.signed, ticket.signature, {KEY_ID: signing.public_key_bytes(other_key)}
        )
    signing.check_signature(ticket.payload, ticket.signed, ticket.signature, ticket.trusted)


def test_check_scanned_decides_as_check_signature(ticket: Signed, other_key: Ed25519PrivateKey) -> None:
    """The door's fast path (bytes straight from the scanned text) gives the same verdicts and codes."""
    public = signing.public_key_bytes(ticket.key)
    signing.check_scanned(KEY_ID, ticket.signed, ticket.signature, ticket.trusted)  # genuine: no error
    forged = signing.sign(other_key, ticket.signed)
    cases: list[tuple[bytes, bytes, dict[int, bytes]]] = [
        (ticket.signed, forged, ticket.trusted),  # signed by another key
        (_flip(ticket.signed, 9), ticket.signature, ticket.trusted),  # payload changed
        (ticket.signed, _flip(ticket.signature, 3), ticket.trusted),  # signature changed
        (ticket.signed, ticket.signature[:-1], ticket.trusted),  # signature cut short
        (ticket.signed, ticket.signature, {KEY_ID: public[:-1]}),  # a trusted key of the wrong size
        (ticket.signed, ticket.signature, {KEY_ID: signing.public_key_bytes(other_key)}),  # the wrong key
    ]
    for signed, signature, trusted in cases:
        with pytest.raises(signing.BadSignature) as info:
            signing.check_scanned(KEY_ID, signed, signature, trusted)
        assert info.value.code == "ticket_bad_signature"
    with pytest.raises(signing.UnknownKey) as unknown:
        signing.check_scanned(KEY_ID + 1, ticket.signed, ticket.signature, ticket.trusted)
    assert unknown.value.code == "ticket_unknown_key"
    # A key held as a bytearray (not bytes) still goes through verify's conversions.
    signing.check_scanned(KEY_ID, ticket.signed, ticket.signature, {KEY_ID: bytearray(public)})  # type: ignore[dict-item]
    with pytest.raises(signing.BadSignature):
        signing.check_scanned(KEY_ID, ticket.signed, forged, {KEY_ID: bytearray(public)})  # type: ignore[dict-item]
