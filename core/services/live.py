"""watch_concert: availability as it changes, in this process (the bus and the database of the context)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial

from core.domain.ids import ConcertId
from core.domain.live import AvailabilityView
from core.events.watch import POLL_SECONDS, watch_availability
from core.services.catalog import get_seat_map
from core.services.context import ServiceContext

__all__ = ["POLL_SECONDS", "AvailabilityView", "watch_concert"]


def watch_concert(ctx: ServiceContext, concert_id: ConcertId) -> AsyncIterator[AvailabilityView]:
    """Yield an AvailabilityView now and after every change; runs until the caller stops iterating.

    Returns the watcher itself rather than wrapping it in a generator of its own: a wrapper that is closed leaves
    the inner generator to the garbage collector, whose finaliser may run its clean-up outside any task."""
    return watch_availability(
        ctx.bus, partial(get_seat_map, ctx), ctx.clock, concert_id, resync_s=ctx.settings.live_resync_s
    )
