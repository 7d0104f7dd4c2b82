"""Pooled connections handed out in the order they were asked for.

SQLAlchemy's pool gives a connection that comes back to whoever asks next, and a task that has just given one
back asks again before a task already waiting wakes up. Under a load above the pool's size the same few tasks
kept being served while the others waited out their whole pool timeout (hold_ceiling, 64 tasks on 20
connections: p50 10 ms, p99 1 s; a busy server's requests the same). ``Turns``, a first-come-first-served
semaphore of the pool's size in front of it, serves every caller in turn.
"""

from __future__ import annotations

import asyncio
import weakref

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool

from core.db.errors import busy


class Turns:
    """``async with turns:`` waits for its turn to use a pooled connection; after the pool's timeout, busy().

    A semaphore per event loop (one is bound to the loop it first waits in; tests run many loops)."""

    __slots__ = ("_by_loop", "size", "timeout_s")

    def __init__(self, size: int, timeout_s: float) -> None:
        self.size = size
        self.timeout_s = timeout_s
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        semaphore = self._by_loop.get(loop)
        if semaphore is None:
            semaphore = self._by_loop[loop] = asyncio.Semaphore(self.size)
        return semaphore

    async def __aenter__(self) -> None:
        semaphore = self._semaphore()
        if not semaphore.locked():  # a free turn and nobody waiting: no timer
            await semaphore.acquire()
            return
        try:
            async with asyncio.timeout(self.timeout_s):
                await semaphore.acquire()
        except TimeoutError:
            raise busy() from None  # what the pool says when no connection came within its timeout

    async def __aexit__(self, *_exc: object) -> None:
        self._semaphore().release()


class _Anytime:
    """No turns: an engine without a bounded queue pool (SQLite's)."""

    __slots__ = ()

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *_exc: object) -> None:
        return None


ANYTIME = _Anytime()

_BY_POOL: weakref.WeakKeyDictionary[QueuePool, Turns] = weakref.WeakKeyDictionary()


def turns_for(engine: AsyncEngine) -> Turns | _Anytime:
    """The turns of ``engine``'s pool, as many as it holds, when it is a PostgreSQL queue pool of fixed size
    (create_engine makes them so: max_overflow 0; behind PgBouncer too). One Turns per pool: every Database on
    one engine queues in the same line, or two of them would let twice the pool's size past.

    Connections held outside Database (core/db/runner_lock.py keeps one for a scheduled job's whole run) are
    not counted: while one is out, one caller let through waits in the pool itself."""
    pool = engine.sync_engine.pool
    if engine.dialect.name != "postgresql" or not isinstance(pool, QueuePool):
        return ANYTIME
    overflow = getattr(pool, "_max_overflow", 0)
    if overflow < 0:  # unbounded: nobody ever waits for the pool
        return ANYTIME
    turns = _BY_POOL.get(pool)
    if turns is None:
        turns = _BY_POOL[pool] = Turns(pool.size() + overflow, pool.timeout())
    return turns
