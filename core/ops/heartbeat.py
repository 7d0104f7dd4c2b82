"""The scheduler's heartbeat file: where it is and how often it is touched (the scheduler writes it, `encore-ops
health scheduler` reads it; apart from the scheduler, so that the probe loads none of it)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

HEARTBEAT_EVERY_S = 5.0


def default_heartbeat() -> Path:
    return Path(
        os.environ.get("ENCORE_SCHEDULER_HEARTBEAT") or Path(tempfile.gettempdir()) / "encore-scheduler.alive"
    )


def beat(path: Path) -> None:
    """Touch the heartbeat file: its modification time is the last moment the scheduler's loop was alive."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    os.utime(path, None)


DEFAULT_MAX_AGE_S = 6 * HEARTBEAT_EVERY_S
"""`encore-ops health scheduler`: older than this, the scheduler's loop is taken for stuck."""
