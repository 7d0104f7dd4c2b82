"""Short-lived signed tokens the venue server hands out: device challenges and device access tokens.

A token is ``v1.<payload>.<mac>``: the payload is compact JSON (base64url), the MAC is HMAC-SHA256 under the
server's token key (from the secret store, the same on every replica, so any replica checks any token). Tokens
carry a purpose, so a challenge can never be used as an access token or the other way round, and an expiry.
Nothing secret is inside: a token proves what the server said, not more.
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

_VERSION = "v1"
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
    """The server's MAC key. repr never shows it."""

    secret: bytes

    def __post_init__(self) -> None:
        if len(self.secret) < MIN_KEY_BYTES:
            raise ValueError(f"a token key needs at least {MIN_KEY_BYTES} bytes of randomness")

    def __repr__(self) -> str:
        return "TokenKey(<secret>)"

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
        return _b64(hmac.new(self.secret, f"{purpose}\x00{body}".encode(), hashlib.sha256).digest())

    def issue(self, purpose: str, claims: dict[str, Any], *, now: datetime, ttl: timedelta) -> str:
        body = {**claims, "exp": int((now + ttl).timestamp()), "n": _b64(secrets.token_bytes(9))}
        encoded = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
        return f"{_VERSION}.{encoded}.{self._mac(purpose, encoded)}"

    def check(self, purpose: str, token: object, *, now: datetime) -> dict[str, Any]:
        """The claims of a genuine, unexpired token for ``purpose``; TokenError otherwise."""
        if not isinstance(token, str) or len(token) > 4096:
            raise TokenError("the token is missing or malformed")
        parts = token.split(".")
        if len(parts) != 3 or parts[0] != _VERSION:
            raise TokenError("the token is malformed")
        _, encoded, mac = parts
        if not hmac.compare_digest(mac, self._mac(purpose, encoded)):
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
