"""Readiness: whether this replica can serve requests now, i.e. whether its database answers through the pool.

Liveness (/v1/health) only says the process is up; a replica that cannot reach any PgBouncer or PostgreSQL is
alive (restarting it would not help) but not ready, so HAProxy and Kubernetes stop sending it traffic."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from core.db import ping
from core.db.transaction import Database
from core.domain.errors import EncoreError, StorageUnavailable

CHECK_TIMEOUT_S = 1.5
"""Under HAProxy's `timeout check` (2 s), so the replica says why before the balancer gives up on it."""
CACHE_S = 1.0
"""One answer serves every probe within this long: however many balancers and orchestrators ask, each
replica sends the database at most one check a second."""


class Readiness:
    def __init__(
        self,
        db: Database,
        *,
        timeout_s: float = CHECK_TIMEOUT_S,
        cache_s: float = CACHE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self.timeout_s = timeout_s
        self.cache_s = cache_s
        self.clock = clock
        self.checks = 0
        """Round trips made so far (the rest of the probes were answered from the cache)."""
        self._lock = asyncio.Lock()
        self._checked_at: float | None = None
        self._problem: StorageUnavailable | None = None

    async def problem(self) -> StorageUnavailable | None:
        """None when ready; otherwise the error naming what is down. Probes that come while a check runs wait
        for its answer instead of starting their own."""
        async with self._lock:
            if self._checked_at is None or self.clock() - self._checked_at >= self.cache_s:
                self._problem = await self._check()
                self._checked_at = self.clock()
                self.checks += 1
            return self._problem

    async def _check(self) -> StorageUnavailable | None:
        what = "the database (through PgBouncer)" if self.db.transaction_pooled else "the database"
        try:
            async with asyncio.timeout(self.timeout_s):
                await self.db.statement(ping.select_one, writes=False)
        except TimeoutError:
            reason = f"did not answer SELECT 1 within {self.timeout_s:g} s"
        except EncoreError as error:
            cause = error.__cause__
            reason = f"cannot be reached ({type(cause).__name__ if cause else error.code})"
        else:
            return None
        return StorageUnavailable(
            f"Not ready: {what} {reason}. This replica takes no traffic until it answers again; "
            "check that PostgreSQL and PgBouncer are running and reachable from it."
        )
