"""Redis paused for a test: a private Valkey SIGSTOPped, and a bus patient enough to wait for it."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from core.events.redis_bus import RedisTuning

PATIENT = RedisTuning(publish_timeout=3600.0, connect_timeout=5.0, read_poll=3600.0)
"""A publishing bus that waits for a paused Redis as long as it takes, so whoever awaits its publish waits too
(the product's 0.5 s deadline would make the difference a matter of timing)."""
QUIET_LISTENER = RedisTuning(ping_every=120.0)
"""A subscriber that does not declare a paused Redis dead while a test keeps it paused."""


@contextmanager
def paused(valkey: Any) -> Iterator[None]:
    """SIGSTOP the server (the ``valkey`` fixture's): connections stay open, nothing is answered, until SIGCONT."""
    pid = valkey._process.pid
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)
