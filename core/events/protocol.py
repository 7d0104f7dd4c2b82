"""The live-update ports: what a bus must do, whatever carries the messages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

from core.config import DEFAULT_REDIS_NAMESPACE
from core.domain.events import PlacesChanged
from core.domain.ids import ConcertId


def namespace_prefix(namespace: str) -> str:
    """What every channel and key of one database starts with: Redis ACLs grant by this prefix."""
    return f"encore:{namespace}:"


def channel(concert_id: ConcertId, namespace: str = DEFAULT_REDIS_NAMESPACE) -> str:
    """The concert's live-update channel. The namespace belongs to the database, so two venues (or a test
    database and a real one) on one Redis never see each other's events."""
    return f"{namespace_prefix(namespace)}concert:{concert_id}"


@dataclass(frozen=True, slots=True)
class Resync:
    """The subscriber may have missed events (reconnect, another writer, overflow): reload from the database.
    The seq may restart after a Resync (a Redis restart without persistence), so take the next seq as the new
    baseline rather than as a gap."""

    reason: str


@dataclass(frozen=True, slots=True)
class BusStatus:
    """The transport went away (connected=False) or came back (connected=True)."""

    connected: bool


BusMessage = PlacesChanged | Resync | BusStatus


class EventBus(Protocol):
    async def publish(self, event: PlacesChanged, *, gap: bool = False) -> PlacesChanged:
        """Publish after commit; returns the event with its per-concert ``seq`` (0: not sent). Never raises
        for transport faults: events are hints, so a lost publish is logged and costs only staleness.

        ``gap``: events of this concert were lost before this one (dropped or not sent), so leave a hole in the
        seq before it; subscribers see the hole and reload from the database."""
        ...

    async def publish_many(
        self, events: Sequence[PlacesChanged], *, gaps: Collection[ConcertId] = ()
    ) -> list[PlacesChanged]:
        """Publish in this order, in one go where the transport allows (one Redis round trip for all), as
        :meth:`publish` each; the first event of each concert in ``gaps`` leaves a gap before it."""
        ...

    def subscribe(self, concert_id: ConcertId) -> AbstractAsyncContextManager[AsyncIterator[BusMessage]]:
        """Messages for one concert, until the context exits. Transport loss yields BusStatus(False) and the
        iterator keeps going; on reconnect it yields BusStatus(True) and Resync. If the transport is down on
        entry the first message is BusStatus(False). If it is up, the subscription is live once the context is
        entered: subscribe first, then load the snapshot, and no event falls between the two."""
        ...

    def note_own_commit(self) -> None:
        """This process just committed to the database (with or without an event). A bus that watches the
        database for other writers uses it to tell our commits from theirs; others ignore it."""
        ...

    async def close(self) -> None: ...
