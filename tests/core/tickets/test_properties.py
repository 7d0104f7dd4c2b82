"""Hypothesis: random bytes and mangled QR texts end in the typed rejection or a False verification, never in
another exception and never in an accepted ticket that the trusted key did not sign."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.tickets import payload as tp
from core.tickets import qr, signing
from tests.core.tickets.conftest import Signed

_SETTINGS = settings(
    max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_SCANNER_CHARS = qr.ALPHABET + string.ascii_lowercase + "\r\n\t_=#é"


def _read(text: str, ticket: Signed) -> tp.TicketPayload | None:
    """read_ticket, with InvalidTicket (and only that) turned into None."""
    rejected: tp.InvalidTicket | None = None
    try:
        return qr.read_ticket(text, ticket.trusted)
    except tp.InvalidTicket as exc:
        rejected = exc
    assert rejected.result == "not_valid"
    assert rejected.code in {
        "ticket_malformed",
        "ticket_unsupported_version",
        "ticket_bad_signature",
        "ticket_unknown_key",
    }
    return None


def _assert_only_the_genuine_ticket_passes(text: str, ticket: Signed) -> None:
    accepted = _read(text, ticket)
    if accepted is not None:
        # Accepted means: exactly the bytes and signature that the trusted key produced.
        _, signed, signature = qr.parse_text(text)
        assert (signed, signature) == (ticket.signed, ticket.signature)
        assert accepted == ticket.payload


@_SETTINGS
@given(data=st.binary(max_size=200))
@example(data=b"\x01" + bytes(24))
def test_decode_random_bytes(data: bytes) -> None:
    try:
        payload = tp.decode(data)
    except tp.MalformedTicket:
        return
    assert tp.encode(payload) == data  # only canonical bytes decode, and they encode back exactly


@_SETTINGS
@given(data=st.binary(max_size=120))
def test_base45_round_trip(data: bytes) -> None:
    assert qr.b45decode(qr.b45encode(data)) == data


def _rfc9285_decode(text: str) -> bytes | None:
    """RFC 9285 section 4.2 read literally, one group at a time; None where it has no bytes."""
    if len(text) % 3 == 1 or any(c not in qr.ALPHABET for c in text):
        return None
    out = bytearray()
    for i in range(0, len(text), 3):
        group = text[i : i + 3]
        n = sum(qr.ALPHABET.index(c) * 45**k for k, c in enumerate(group))
        if n >= 256 ** (len(group) - 1):
            return None
        out += n.to_bytes(len(group) - 1, "big")
    return bytes(out)


@_SETTINGS
@given(text=st.text(alphabet=qr.ALPHABET + "a_\xff", max_size=200))
@example(text="GGW")  # 65,536: one above the largest group
@example(text="FGW" * 50 + "U5")  # the largest groups, then the largest last byte
@example(text="V5")  # 256: one above the largest last byte
def test_base45_decode_matches_the_rfc(text: str) -> None:
    # b45decode works on all groups at once (a big-integer trick); the RFC's own loop must agree on every text.
    expected = _rfc9285_decode(text)
    if expected is None:
        with pytest.raises(ValueError):  # noqa: PT011
            qr.b45decode(text)
    else:
        assert qr.b45decode(text) == expected


@_SETTINGS
@given(text=st.text(max_size=300))
def test_any_text(ticket: Signed, text: str) -> None:
    _assert_only_the_genuine_ticket_passes(text, ticket)


@_SETTINGS
@given(text=st.text(alphabet=_SCANNER_CHARS, min_size=120, max_size=150))
def test_scanner_like_text(ticket: Signed, text: str) -> None:
    _assert_only_the_genuine_ticket_passes(text, ticket)


@_SETTINGS
@given(body=st.binary(min_size=88, max_size=88))
def test_well_formed_but_unsigned_tickets_never_verify(ticket: Signed, body: bytes) -> None:
    # Version 1 and the trusted key's id, so that the signature check is what decides.
    data = b"\x01" + body[:20] + ticket.signed[21:25] + body[24:]
    _assert_only_the_genuine_ticket_passes(qr.b45encode(data), ticket)


_edit = st.tuples(
    st.sampled_from(["replace", "insert", "delete", "swapcase", "truncate", "flip"]),
    st.integers(min_value=0, max_value=200),
    st.sampled_from(_SCANNER_CHARS + " "),
)


@_SETTINGS
@given(edits=st.lists(_edit, min_size=1, max_size=4))
def test_mutated_genuine_text(ticket: Signed, edits: list[tuple[str, int, str]]) -> None:
    text = ticket.text
    for op, at, char in edits:
        i = at % (len(text) + 1)
        if op == "replace" and text:
            i %= len(text)
            text = text[:i] + char + text[i + 1 :]
        elif op == "insert":
            text = text[:i] + char + text[i:]
        elif op == "delete":
            text = text[:i] + text[i + 1 :]
        elif op == "swapcase":
            text = text.swapcase()
        elif op == "truncate":
            text = text[:i]
        elif op == "flip":  # flip one bit of the underlying bytes and re-encode: a valid-looking text
            raw = bytearray(qr.b45decode(ticket.text))
            raw[at % len(raw)] ^= 1 << (ord(char) % 8)
            text = qr.b45encode(bytes(raw))
    _assert_only_the_genuine_ticket_passes(text, ticket)


@_SETTINGS
@given(public=st.binary(max_size=40), data=st.binary(max_size=40), signature=st.binary(max_size=70))
def test_verify_never_raises(public: bytes, data: bytes, signature: bytes) -> None:
    assert signing.verify(public, data, signature) is False
