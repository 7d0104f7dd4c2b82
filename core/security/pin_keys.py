"""Staff PINs as keyed fingerprints: HMAC-SHA256 under a key from the secret store, never in the database.

A PIN has 4 to 12 digits (about 20 bits for six), so no hash, however slow, keeps it from anyone holding a copy
of the database: a million guesses are cheap. A key kept outside the database makes such a copy useless on its
own; online guessing is what the lock-outs (core.services.pins) limit. A fingerprint is deterministic, so the
database itself keeps PINs unique among staff (a unique index), and checking one costs microseconds.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = ["PIN_KEY_BYTES", "PinKey"]

PIN_KEY_BYTES = 32
_LABEL = b"encore staff pin v1\x00"
"""Domain separation: the same key bytes used for anything else never yield a PIN's fingerprint."""


class PinKey:
    """The key PINs are fingerprinted with. Its repr never shows it."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        if len(key) < PIN_KEY_BYTES:
            raise ValueError(f"a PIN key has at least {PIN_KEY_BYTES} bytes")
        self._key = key

    @classmethod
    def generate(cls) -> PinKey:
        return cls(secrets.token_bytes(PIN_KEY_BYTES))

    def fingerprint(self, pin: str) -> str:
        """64 hex digits: what the database keeps of a PIN."""
        return hmac.new(self._key, _LABEL + pin.encode("utf-8"), hashlib.sha256).hexdigest()

    def check_value(self) -> str:
        """What the database keeps to tell this key from another (no PIN can be learnt from it): a server or a
        copied database with another key would match no PIN, without a word."""
        return hmac.new(self._key, b"encore/pin-key-check", hashlib.sha256).hexdigest()

    def matches(self, stored: str, pin: str) -> bool:
        """Whether ``pin`` has the fingerprint ``stored`` (compared in constant time)."""
        return hmac.compare_digest(self.fingerprint(pin), stored)

    def __repr__(self) -> str:
        return "PinKey(<secret>)"
