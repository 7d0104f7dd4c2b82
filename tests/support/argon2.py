"""Count the real argon2 verifies and PIN checks a service runs (the real functions still run; only the calls are
counted)."""

from __future__ import annotations

import threading
import time

import pytest

from core.security import passwords
from core.security.pin_keys import PinKey


class VerifyCounter:
    def __init__(self) -> None:
        self.calls = 0
        self.seconds = 0.0
        self._lock = threading.Lock()  # verifies run in worker threads

    def add(self, seconds: float) -> None:
        with self._lock:
            self.calls += 1
            self.seconds += seconds


def count_verifies(monkeypatch: pytest.MonkeyPatch) -> VerifyCounter:
    counter = VerifyCounter()
    real = passwords.verify_secret

    def counted(stored_hash: str, secret: str) -> bool:
        started = time.perf_counter()
        try:
            return real(stored_hash, secret)
        finally:
            counter.add(time.perf_counter() - started)

    monkeypatch.setattr(passwords, "verify_secret", counted)
    return counter


def count_pin_checks(monkeypatch: pytest.MonkeyPatch) -> VerifyCounter:
    """Every check of a PIN against a fingerprint (PinKey.matches), a staff number without a PIN included."""
    counter = VerifyCounter()
    real = PinKey.matches

    def counted(self: PinKey, stored: str, pin: str) -> bool:
        started = time.perf_counter()
        try:
            return real(self, stored, pin)
        finally:
            counter.add(time.perf_counter() - started)

    monkeypatch.setattr(PinKey, "matches", counted)
    return counter
