"""Transactions: one connection per transaction, BEGIN IMMEDIATE on SQLite, retry on serialization failure."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core.db.errors import is_retryable, map_storage_errors

log = logging.getLogger(__name__)

T = TypeVar("T")
Work = Callable[[AsyncConnection], Awaitable[T]]


class Database:
    """The storage handle services use. ``write`` and ``read`` run a function in one transaction.

    Taking a function (not a context manager) lets us run the whole unit again after a serialization
    failure or deadlock; our lock ordering means that should not happen, and ``retries`` counts it if it does.
    """

    def __init__(self, engine: AsyncEngine, *, max_attempts: int = 5) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.max_attempts = max_attempts
        self.retries = 0
        self.after_commit: list[Callable[[], None]] = []
        """Called after every committed write (the local bus uses it to tell our commits from others')."""

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    async def write(self, work: Work[T]) -> T:
        result = await self._run(work, sqlite_begin="IMMEDIATE")
        for listener in self.after_commit:
            listener()
        return result

    async def read(self, work: Work[T]) -> T:
        return await self._run(work, sqlite_begin="DEFERRED")

    async def _run(self, work: Work[T], *, sqlite_begin: str) -> T:
        attempt = 0
        while True:
            attempt += 1
            try:
                with map_storage_errors():
                    async with self.engine.connect() as conn:
                        if not self.is_postgres:
                            conn = await conn.execution_options(sqlite_begin=sqlite_begin)
                        async with conn.begin():
                            return await work(conn)
            except Exception as exc:
                if attempt >= self.max_attempts or not is_retryable(exc):
                    raise
                self.retries += 1
                log.warning("transaction retried after %s (attempt %d)", type(exc).__name__, attempt)
                await asyncio.sleep(random.uniform(0.001, 0.01) * attempt)

    async def dispose(self) -> None:
        await self.engine.dispose()
