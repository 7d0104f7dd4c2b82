"""Python's cyclic garbage collector, set for a server worker once it has started.

With CPython's defaults (a young pass every 700 new container objects, a full pass now and then) a worker under
load spent ~0.1 ms of CPU per standing hold in the collector, and its full passes walked the ~120,000 objects that
imports and start-up leave behind, which never become garbage: each stopped the event loop, and every request in
flight with it, for 80-140 ms (measured under 64 concurrent holds in one process; issue 11). So once start-up has
made what lives as long as the worker, it is frozen out of every later pass, and a young pass waits for 50,000 new
objects (as close.com and others run their Python web workers). Measured the same way: a fifth of the collector's
CPU, no full pass during the run, the longest pause ~20 ms. Only garbage in reference cycles waits longer to be
freed, at most one young threshold's worth.
"""

from __future__ import annotations

import gc

__all__ = ["YOUNG_THRESHOLD", "tune_for_serving"]

YOUNG_THRESHOLD = 50_000


def tune_for_serving() -> None:
    """Call once, when start-up has made what lives for the whole process (the app, its context and pools)."""
    gc.collect()  # what start-up left as garbage is freed, not frozen
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, older, oldest)
