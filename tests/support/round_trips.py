"""PostgreSQL round trips counted on the socket: what a hot operation costs, pinned by tests and benchmarks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


class RoundTrips:
    """Counts client->server flights on asyncpg connections by wrapping their socket transport's write.

    One flight is one message batch the driver sends and then waits on (BEGIN, a Bind/Execute/Sync of a
    prepared statement, a Parse/Describe for a new one...): the number of network round trips."""

    def __init__(self) -> None:
        self.count = 0
        self.enabled = False

    def wrap(self, asyncpg_connection: Any) -> None:
        transport = asyncpg_connection._transport
        if getattr(transport, "_encore_counted", None) is self:
            return
        transport._encore_counted = self
        for name in ("write", "writelines"):
            original = getattr(transport, name)

            def counted(data: Any, _original: Callable[[Any], None] = original) -> None:
                if self.enabled:
                    self.count += 1
                _original(data)

            setattr(transport, name, counted)

    def attach(self, engine: AsyncEngine) -> None:
        """Count every connection of ``engine``: new ones, and pooled ones the first time they are taken out."""

        def _wrap(dbapi_connection: Any, *_args: Any) -> None:
            self.wrap(dbapi_connection.driver_connection)

        event.listen(engine.sync_engine, "connect", _wrap)
        event.listen(engine.sync_engine, "checkout", _wrap)

    @contextmanager
    def counting(self) -> Iterator[RoundTrips]:
        """Count from zero inside the block; ``self.count`` holds the flights afterwards."""
        self.count, self.enabled = 0, True
        try:
            yield self
        finally:
            self.enabled = False
