"""Short-lived signed tokens the venue server hands out: device challenges and device access tokens.

A token is ``v2.<key id>.<payload>.<mac>``: the payload is compact JSON (base64url), the MAC is HMAC-SHA256 under
the server's token key (from the secret store, the same on every replica, so any replica checks any token) over the
purpose, the key id and the payload. Tokens carry a purpose, so a challenge can never be used as an access token or
the other way round, and an expiry. Nothing secret is inside: a token proves what the server said, not more.

The key id (derived from the key, so nothing else needs configuring) lets the server rotate its key: it signs with
the current key (``server_token_key_ref``) and still accepts what the previous one signed
(``server_token_previous_key_ref``) until those tokens expire; a token of any other key is refused and the device
signs in again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

__all__ = ["TokenError", "TokenKey", "challenge_message"]

_VERSION = "v2"
MIN_KEY_BYTES = 32


class TokenError(ValueError):
    """The token is malformed, forged, expired or meant for something else. ``reason`` is safe to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, slots=True)
class TokenKey:
    """The server's MAC key, and the keys it replaced that it still accepts. repr never shows a secret."""

    secret: bytes
    previous: tuple[TokenKey, ...] = ()
    """Keys from before a rotation: their tokens are checked, never issued."""

    def __post_init__(self) -> None:
        if len(self.secret) < MIN_KEY_BYTES:
            raise ValueError(f"a token key needs at least {MIN_KEY_BYTES} bytes of randomness")

    def __repr__(self) -> str:
        return f"TokenKey(<secret>, key_id={self.key_id!r}, previous={len(self.previous)})"

    @property
    def key_id(self) -> str:
        """Names the key in its tokens; a hash of it, which says nothing about the secret."""
        return _b64(hashlib.sha256(b"encore-token-key-id\x00" + self.secret).digest()[:6])

    def accepting(self, *previous: TokenKey) -> TokenKey:
        """This key, also accepting the tokens ``previous`` keys signed (a rotation in progress)."""
        return TokenKey(self.secret, tuple(p for p in previous if p.key_id != self.key_id))

    @classmethod
    def from_text(cls, text: str) -> TokenKey:
        """A key stored as text (any string of 32+ bytes, e.g. ``openssl rand -base64 48``)."""
        raw = text.encode()
        if len(raw) < MIN_KEY_BYTES:
            raise ValueError(f"a token key needs at least {MIN_KEY_BYTES} characters of randomness")
        return cls(hashlib.sha256(b"encore-token-key\x00" + raw).digest())

    @classmethod
    def generate(cls) -> TokenKey:
        return cls(secrets.token_bytes(32))

    def _mac(self, purpose: str, body: str) -> str:
        signed = f"{purpose}\x00{self.key_id}.{body}".encode()
        return _b64(hmac.new(self.secret, signed, hashlib.sha256).digest())

    def issue(self, purpose: str, claims: dict[str, Any], *, now: datetime, ttl: timedelta) -> str:
        body = {**claims, "exp": int((now + ttl).timestamp()), "n": _b64(secrets.token_bytes(9))}
        encoded = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
        return f"{_VERSION}.{self.key_id}.{encoded}.{self._mac(purpose, encoded)}"

    def _signer(self, key_id: str) -> TokenKey | None:
        return next((k for k in (self, *self.previous) if hmac.compare_digest(k.key_id, key_id)), None)

    def check(self, purpose: str, token: object, *, now: datetime) -> dict[str, Any]:
        """The claims of a genuine, unexpired token for ``purpose``; TokenError otherwise."""
        if not isinstance(token, str) or len(token) > 4096:
            raise TokenError("the token is missing or malformed")
        parts = token.split(".")
        if len(parts) != 4 or parts[0] != _VERSION:
            raise TokenError("the token is malformed")
        _, key_id, encoded, mac = parts
        signer = self._signer(key_id)
        if signer is None:
            raise TokenError("the token was signed with a key this server no longer accepts")
        if not hmac.compare_digest(mac, signer._mac(purpose, encoded)):
            raise TokenError("the token is not genuine")
        try:
            claims = json.loads(_unb64(encoded))
        except (binascii.Error, ValueError) as exc:
            raise TokenError("the token is malformed") from exc
        if not isinstance(claims, dict) or not isinstance(claims.get("exp"), int):
            raise TokenError("the token is malformed")
        if claims["exp"] <= now.timestamp():
            raise TokenError("the token has expired")
        return claims


def challenge_message(challenge: str) -> bytes:
    """What a device signs to answer a challenge: domain-separated, so no other Encore signature (a ticket's)
    can ever pass for it."""
    return b"encore-device-auth-v1\x00" + challenge.encode("ascii")
