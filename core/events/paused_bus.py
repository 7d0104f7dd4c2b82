"""A bus for a device with no Redis configured: it says at once that live updates are paused, so watchers poll."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager

from core.domain.events import PlacesChanged
from core.domain.ids import ConcertId
from core.events.protocol import BusMessage, BusStatus


class PausedBus:
    async def publish(self, event: PlacesChanged, *, gap: bool = False) -> PlacesChanged:
        return event  # a device never publishes; only the server does

    async def publish_many(
        self, events: Sequence[PlacesChanged], *, gaps: Collection[ConcertId] = ()
    ) -> list[PlacesChanged]:
        return list(events)

    @asynccontextmanager
    async def subscribe(self, concert_id: ConcertId) -> AsyncIterator[AsyncIterator[BusMessage]]:
        async def messages() -> AsyncIterator[BusMessage]:
            yield BusStatus(connected=False)
            await asyncio.Event().wait()  # nothing more, ever: the watcher polls until it stops

        yield messages()

    def note_own_commit(self) -> None:
        return None

    async def close(self) -> None:
        return None
