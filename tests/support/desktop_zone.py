"""A desktop set to another time zone: the process's TZ (what Python's and Qt's local clocks read), put back after."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def desktop_zone(name: str) -> Iterator[None]:
    """While inside, this process's local zone is ``name`` (a laptop abroad, a VM in UTC)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()
