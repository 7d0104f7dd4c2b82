"""The verification bundle: sealed by the server key, opened only with a trusted signer and within its age; and
the verdicts judged from it (genuine, void, forged, untrusted key, unknown concert, not a ticket)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from core.domain.errors import BundleRejected, ErrorCode
from core.domain.ids import ConcertId, TicketId
from core.tickets import signing
from core.tickets.bundle import CLOCK_SKEW, BundleConcert, VerificationBundle, open_bundle, seal_bundle
from core.tickets.bundle_verdict import VerifyReason, judge_ticket
from tests.core.tickets.conftest import KEY_ID, make_payload, make_signed

NOW = datetime(2026, 12, 3, 19, 0, tzinfo=UTC)
SERVER = Ed25519PrivateKey.generate()
SERVER_PUBLIC = signing.public_key_bytes(SERVER)


def _bundle(ticket_key: Ed25519PrivateKey, **changes: object) -> VerificationBundle:
    fields: dict[str, object] = {
        "issued_at": NOW,
        "expires_at": NOW + timedelta(hours=6),
        "keys": {KEY_ID: signing.public_key_bytes(ticket_key)},
        "void": frozenset({TicketId(9)}),
        "concerts": {
            ConcertId(42): BundleConcert(
                ConcertId(42), "Winter Lights", "The Testers", NOW + timedelta(hours=2), "Encore Hall"
            )
        },
    }
    fields.update(changes)
    return VerificationBundle(**fields)  # type: ignore[arg-type]


def _sealed(bundle: VerificationBundle, key: Ed25519PrivateKey = SERVER) -> bytes:
    return seal_bundle(bundle, key.sign, signing.public_key_bytes(key))


def test_a_sealed_bundle_opens_to_the_same_facts(key: Ed25519PrivateKey) -> None:
    made = _bundle(key)
    opened = open_bundle(_sealed(made), [SERVER_PUBLIC], NOW + timedelta(hours=1))
    assert opened == made
    assert opened.signer == signing.fingerprint(SERVER_PUBLIC)


def _code(data: bytes, signers: list[bytes] | None = None, now: datetime = NOW) -> str:
    with pytest.raises(BundleRejected) as refused:
        open_bundle(data, signers if signers is not None else [SERVER_PUBLIC], now)
    assert refused.value.message  # a sentence that says what to do
    return refused.value.code


def test_a_bundle_signed_by_another_key_or_altered_is_forged(key: Ed25519PrivateKey) -> None:
    sealed = _sealed(_bundle(key))
    assert _code(_sealed(_bundle(key), Ed25519PrivateKey.generate())) == ErrorCode.BUNDLE_FORGED
    assert _code(sealed, [signing.public_key_bytes(key)]) == ErrorCode.BUNDLE_FORGED  # the wrong anchor
    envelope = json.loads(sealed)
    body = json.loads(base64.b64decode(envelope["body"]))
    body["void"] = []  # un-refund a ticket
    envelope["body"] = base64.b64encode(json.dumps(body).encode()).decode()
    assert _code(json.dumps(envelope).encode()) == ErrorCode.BUNDLE_FORGED


def test_a_tickets_signature_cannot_pass_as_a_bundles(key: Ed25519PrivateKey) -> None:
    """The server key signs tickets too: a bundle's signature covers a context prefix a ticket never has."""
    sealed = json.loads(_sealed(_bundle(key)))
    body = base64.b64decode(sealed["body"])
    sealed["signature"] = base64.b64encode(SERVER.sign(body)).decode()  # signed as a ticket would be
    assert _code(json.dumps(sealed).encode()) == ErrorCode.BUNDLE_FORGED


def test_a_bundle_past_its_age_or_from_the_future_is_refused(key: Ed25519PrivateKey) -> None:
    sealed = _sealed(_bundle(key))
    assert open_bundle(sealed, [SERVER_PUBLIC], NOW + timedelta(hours=6)).issued_at == NOW  # the last moment
    assert _code(sealed, now=NOW + timedelta(hours=6, seconds=1)) == ErrorCode.BUNDLE_STALE
    assert open_bundle(sealed, [SERVER_PUBLIC], NOW - CLOCK_SKEW).issued_at == NOW
    assert _code(sealed, now=NOW - CLOCK_SKEW - timedelta(seconds=1)) == ErrorCode.BUNDLE_STALE


@pytest.mark.parametrize(
    "data",
    [b"", b"not json", b"[]", b'{"format": "other"}', b'{"format": "encore-verification-bundle/1"}',
     b'{"format": "encore-verification-bundle/1", "body": "!!", "signature": "AA=="}'],
)  # fmt: skip
def test_what_is_no_bundle_is_malformed(data: bytes) -> None:
    assert _code(data) == ErrorCode.BUNDLE_MALFORMED


def test_a_signed_body_of_the_wrong_shape_is_malformed() -> None:
    body = json.dumps({"format": "encore-verification-bundle/1", "keys": "none"}).encode()
    context = b"encore-verification-bundle/1\x00"
    envelope = {
        "format": "encore-verification-bundle/1",
        "body": base64.b64encode(body).decode(),
        "signature": base64.b64encode(SERVER.sign(context + body)).decode(),
    }
    assert _code(json.dumps(envelope).encode()) == ErrorCode.BUNDLE_MALFORMED


@given(st.binary(max_size=300))
def test_any_bytes_open_or_are_refused_never_crash(data: bytes) -> None:
    with pytest.raises(BundleRejected):
        open_bundle(data, [SERVER_PUBLIC], NOW)


def test_the_verdicts(key: Ed25519PrivateKey, other_key: Ed25519PrivateKey) -> None:
    bundle = _bundle(key)
    genuine = judge_ticket(bundle, make_signed(key, make_payload(ticket=5, concert=42)).text)
    assert (genuine.valid, genuine.reason) == (True, VerifyReason.GENUINE)
    assert genuine.concert is not None
    assert "The Testers — Winter Lights" in genuine.message
    assert genuine.to_json()["issued_at"] == "2026-12-01T18:00:05Z"
    assert (genuine.ticket_id, genuine.concert_id, genuine.key_id) == (5, 42, KEY_ID)

    def reason(text: str) -> VerifyReason:
        verdict = judge_ticket(bundle, text)
        assert not verdict.valid
        return verdict.reason

    assert reason(make_signed(key, make_payload(ticket=9, concert=42)).text) is VerifyReason.VOID
    assert reason(make_signed(key, make_payload(ticket=5, concert=77)).text) is VerifyReason.CONCERT_UNKNOWN
    assert reason(make_signed(other_key, make_payload(ticket=5)).text) is VerifyReason.NOT_GENUINE
    untrusted = make_signed(other_key, make_payload(ticket=5, key_id=KEY_ID + 1)).text
    assert reason(untrusted) is VerifyReason.KEY_NOT_TRUSTED
    text = make_signed(key, make_payload(ticket=5)).text
    altered = text[:-3] + ("A" if text[-3] != "A" else "B") + text[-2:]
    assert reason(altered) in (VerifyReason.NOT_GENUINE, VerifyReason.NOT_A_TICKET)
    assert reason("https://example.org/not-a-ticket") is VerifyReason.NOT_A_TICKET
    assert reason("") is VerifyReason.NOT_A_TICKET


@given(st.text(max_size=200))
def test_any_text_gets_a_verdict(text: str) -> None:
    bundle = _bundle(SERVER)
    assert judge_ticket(bundle, text).reason in VerifyReason
