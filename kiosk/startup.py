"""Start-up time: Python's cyclic garbage collector is paused while the kiosk loads and shows its window.

Loading core, SQLAlchemy and Qt makes hundreds of thousands of objects that all live as long as the app, and
the collector's full passes over them cost ~100-150 ms of CPU before the first frame (measured by
tests/benchmarks/kiosk_app.py). Once the window is up, what start-up made is frozen out of later passes.
"""

from __future__ import annotations

import gc

__all__ = ["pause_collector", "resume_collector"]


def pause_collector() -> None:
    """Call first thing at start-up; resume_collector must follow once the window is shown."""
    gc.disable()


def resume_collector() -> None:
    gc.freeze()  # start-up's objects live on: later collections need not look at them again
    gc.enable()
