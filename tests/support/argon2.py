"""Count the real argon2 verifies a service runs (the real function still runs; only the calls are counted)."""

from __future__ import annotations

import threading
import time

import pytest

from core.security import passwords


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
