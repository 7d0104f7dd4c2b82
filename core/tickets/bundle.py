"""The verification bundle: what a stateless verifier (the ticket-verification cloud function, a partner's gate)
needs to judge a ticket without the database — the public keys the venue trusts, the void list and the upcoming
concerts — signed by the venue server and good for a limited time.

Wire form: a small JSON envelope ``{"format", "body", "signature", "signer"}`` around the body (canonical JSON,
base64). The signature is Ed25519 over a context prefix plus the body, so it can never be mistaken for a
ticket's signature made by the same key. A verifier trusts only the server public keys it was configured with.
Public keys only: nothing in a bundle can make a ticket.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from core.domain.errors import BundleRejected, ErrorCode
from core.domain.ids import ConcertId, TicketId
from core.tickets.signing import PUBLIC_KEY_SIZE, fingerprint, verify

__all__ = [
    "BUNDLE_FORMAT",
    "MAX_BUNDLE_BYTES",
    "BundleConcert",
    "SealedBundle",
    "VerificationBundle",
    "open_bundle",
    "seal_bundle",
]

BUNDLE_FORMAT = "encore-verification-bundle/1"
_CONTEXT = BUNDLE_FORMAT.encode() + b"\x00"
MAX_BUNDLE_BYTES = 64 * 1024 * 1024
"""A season's void list is far smaller; anything bigger is refused before it is parsed."""
CLOCK_SKEW = timedelta(minutes=5)
"""A bundle made this much in the verifier's future is still taken (clocks differ a little)."""


@dataclass(frozen=True, slots=True)
class BundleConcert:
    concert_id: ConcertId
    title: str
    artist: str
    starts_at: datetime
    venue: str


@dataclass(frozen=True, slots=True)
class VerificationBundle:
    issued_at: datetime
    expires_at: datetime
    """After this the bundle judges nothing: refunds and revoked keys since then are not in it."""
    keys: Mapping[int, bytes]
    """Key id -> raw Ed25519 public key, of every key whose tickets the venue accepts."""
    void: frozenset[TicketId]
    concerts: Mapping[ConcertId, BundleConcert]
    demo_database: bool = False
    """Made by a demo system: its tickets were sold for no money."""
    signer: str = field(default="", compare=False)
    """The fingerprint of the server key that signed it (set when opened)."""


@dataclass(frozen=True, slots=True)
class SealedBundle:
    """The published envelope as typed data (the API's answer): its signature covers ``body`` (base64) only, so
    the envelope may be re-encoded on the way without harm."""

    format: str
    body: str
    """Base64 of the canonical JSON body."""
    signature: str
    """Base64 Ed25519 signature over the bundle context and the body."""
    signer: str
    """Fingerprint of the server key that signed it."""

    @classmethod
    def of(cls, data: bytes) -> SealedBundle:
        envelope = json.loads(data)
        return cls(envelope["format"], envelope["body"], envelope["signature"], envelope["signer"])


def _time(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _body(bundle: VerificationBundle) -> bytes:
    document = {
        "format": BUNDLE_FORMAT,
        "issued_at": _time(bundle.issued_at),
        "expires_at": _time(bundle.expires_at),
        "demo_database": bundle.demo_database,
        "keys": [
            {"key_id": key_id, "public_key": base64.b64encode(raw).decode()}
            for key_id, raw in sorted(bundle.keys.items())
        ],
        "void": sorted(int(t) for t in bundle.void),
        "concerts": [
            {
                "concert_id": int(c.concert_id),
                "title": c.title,
                "artist": c.artist,
                "starts_at": _time(c.starts_at),
                "venue": c.venue,
            }
            for _, c in sorted(bundle.concerts.items())
        ],
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def seal_bundle(bundle: VerificationBundle, sign: Callable[[bytes], bytes], public_key: bytes) -> bytes:
    """The bundle as the server publishes it, signed with ``sign`` (the server key whose raw public key is
    ``public_key``)."""
    body = _body(bundle)
    envelope = {
        "format": BUNDLE_FORMAT,
        "body": base64.b64encode(body).decode(),
        "signature": base64.b64encode(sign(_CONTEXT + body)).decode(),
        "signer": fingerprint(public_key),
    }
    return json.dumps(envelope, separators=(",", ":")).encode()


def _malformed(why: str) -> BundleRejected:
    return BundleRejected(
        f"This is not an Encore verification bundle ({why}). Publish the bundle again from the venue server "
        "(encore-ops verification-bundle).",
        code=ErrorCode.BUNDLE_MALFORMED,
    )


def _b64(value: object, what: str) -> bytes:
    if not isinstance(value, str):
        raise _malformed(f"{what} is missing")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _malformed(f"{what} is not base64") from None


def _parse_time(value: object, what: str) -> datetime:
    if not isinstance(value, str):
        raise _malformed(f"{what} is missing")
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise _malformed(f"{what} is not a time") from None
    if at.tzinfo is None:
        raise _malformed(f"{what} has no time zone")
    return at.astimezone(UTC)


def _int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise _malformed(f"{what} is not an id")
    return value


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise _malformed(f"{what} is not text")
    return value


def open_bundle(data: bytes, trusted_signers: Collection[bytes], now: datetime) -> VerificationBundle:
    """The bundle in ``data`` if a server key in ``trusted_signers`` (raw public keys) signed it and it is not
    too old; BundleRejected (bundle_malformed, bundle_forged, bundle_stale) otherwise."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise _malformed(f"larger than {MAX_BUNDLE_BYTES // (1024 * 1024)} MiB")
    try:
        envelope = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise _malformed("not JSON") from None
    if not isinstance(envelope, dict) or envelope.get("format") != BUNDLE_FORMAT:
        raise _malformed("no bundle format, or another one")
    body = _b64(envelope.get("body"), "body")
    signature = _b64(envelope.get("signature"), "signature")
    signer = next((key for key in trusted_signers if verify(key, _CONTEXT + body, signature)), None)
    if signer is None:
        raise BundleRejected(
            "This verification bundle was not signed by the venue server this verifier trusts: it may be "
            "forged or altered. Use the bundle the venue server published, or configure its key.",
            code=ErrorCode.BUNDLE_FORGED,
        )
    bundle = _parse_body(body, fingerprint(signer))
    if now > bundle.expires_at:
        raise BundleRejected(
            f"The verification bundle expired at {_time(bundle.expires_at)}: refunds and revoked keys since "
            "then are not in it. Publish a new one from the venue server.",
            code=ErrorCode.BUNDLE_STALE,
        )
    if bundle.issued_at > now + CLOCK_SKEW:
        raise BundleRejected(
            f"The verification bundle says it was made at {_time(bundle.issued_at)}, in this verifier's future. "
            "Check the clocks of the venue server and of this verifier.",
            code=ErrorCode.BUNDLE_STALE,
        )
    return bundle


def _parse_body(body: bytes, signer: str) -> VerificationBundle:
    try:
        document: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise _malformed("its body is not JSON") from None
    if not isinstance(document, dict) or document.get("format") != BUNDLE_FORMAT:
        raise _malformed("its body has another format")
    keys: dict[int, bytes] = {}
    for entry in _list(document.get("keys"), "keys"):
        raw = _b64(_dict(entry, "a key").get("public_key"), "a public key")
        if len(raw) != PUBLIC_KEY_SIZE:
            raise _malformed("a public key has the wrong size")
        keys[_int(entry.get("key_id"), "a key id")] = raw
    concerts: dict[ConcertId, BundleConcert] = {}
    for entry in _list(document.get("concerts"), "concerts"):
        entry = _dict(entry, "a concert")
        concert_id = ConcertId(_int(entry.get("concert_id"), "a concert id"))
        concerts[concert_id] = BundleConcert(
            concert_id,
            _text(entry.get("title"), "a concert title"),
            _text(entry.get("artist"), "a concert artist"),
            _parse_time(entry.get("starts_at"), "a concert start"),
            _text(entry.get("venue"), "a venue"),
        )
    return VerificationBundle(
        issued_at=_parse_time(document.get("issued_at"), "issued_at"),
        expires_at=_parse_time(document.get("expires_at"), "expires_at"),
        keys=keys,
        void=frozenset(TicketId(_int(t, "a void ticket")) for t in _list(document.get("void"), "void")),
        concerts=concerts,
        demo_database=document.get("demo_database") is True,
        signer=signer,
    )


def _list(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise _malformed(f"{what} is not a list")
    return value


def _dict(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _malformed(f"{what} is not an object")
    return value
