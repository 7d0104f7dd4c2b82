"""Transactions: one connection per transaction, BEGIN IMMEDIATE on SQLite, retry on serialization failure."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core.db.driver import Hot
from core.db.engine import POOLER_OPTION
from core.db.errors import busy, is_retryable, map_storage_errors
from core.db.turns import ANYTIME, turns_for
from core.domain.errors import ErrorCode, StorageUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")
Work = Callable[[AsyncConnection], Awaitable[T]]
HotWork = Callable[[AsyncConnection | Hot], Awaitable[T]]


class Database:
    """The storage handle services use. ``write`` and ``read`` run a function in one transaction.

    Taking a function (not a context manager) lets us run the whole unit again after a serialization
    failure or deadlock; our lock ordering means that should not happen, and ``retries`` counts it if it does.
    """

    def __init__(self, engine: AsyncEngine, *, max_attempts: int = 5, in_turn: bool = True) -> None:
        self.engine = engine
        self.turns = turns_for(engine) if in_turn else ANYTIME
        """Callers get a pooled connection in the order they asked (core/db/turns.py); ``in_turn=False`` only
        for the test that shows why."""
        self.dialect = engine.dialect.name
        self.transaction_pooled = engine.get_execution_options().get(POOLER_OPTION) == "pgbouncer"
        """Behind PgBouncer's transaction pooling: see statement()."""
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

    async def statement(self, work: Work[T], *, writes: bool, idempotent: bool = False) -> T:
        """Run ``work``, one statement, as its own transaction: on PostgreSQL in autocommit, so the statement
        is the only round trip (no BEGIN, no COMMIT); elsewhere in a transaction as write()/read() do.

        The statement is atomic by itself. A write lost in flight may have committed (OUTCOME_UNKNOWN), so it is
        run again on a new connection only when ``idempotent`` (a hold with its request key finds the hold the
        first run made; a release finds it released) and not after a timeout (the server may still be running
        it); a read is. A deadlock or serialization failure rolled it back whole, so either is run again.

        Behind PgBouncer in transaction pooling it runs in a transaction too: asyncpg prepares a statement and
        executes it in two exchanges, and outside a transaction PgBouncer may hand the second to another server
        connection, which has never seen the statement (PgBouncer before 1.21 does not follow them)."""
        if not self.is_postgres or self.transaction_pooled:
            return await (self.write(work) if writes else self.read(work))
        result = await self._run(work, sqlite_begin="", autocommit=True, writes=writes, idempotent=idempotent)
        if writes:
            for listener in self.after_commit:
                listener()
        return result

    async def hot(self, work: HotWork[T], *, writes: bool, idempotent: bool = False) -> T:
        """``statement`` for the hot path: on PostgreSQL ``work`` gets a pooled connection to use through the
        driver alone (core/db/driver.py: no SQLAlchemy Connection; autocommit, or BEGIN/COMMIT behind PgBouncer
        as in ``statement``); elsewhere the transaction's AsyncConnection, as ``statement`` gives it. The same
        retries and error mapping either way."""
        if not self.is_postgres:
            return await self.statement(work, writes=writes, idempotent=idempotent)
        result = await self._run(work, sqlite_begin="", hot=True, writes=writes, idempotent=idempotent)
        if writes:
            for listener in self.after_commit:
                listener()
        return result

    async def _run(
        self,
        work: Callable[[Any], Awaitable[T]],
        *,
        sqlite_begin: str,
        autocommit: bool = False,
        hot: bool = False,
        writes: bool = True,
        idempotent: bool = False,
    ) -> T:
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self.turns:
                    if autocommit or hot:
                        return await self._autocommit(work, writes, hot=hot)
                    return await self._once(work, sqlite_begin)
            except StorageUnavailable as exc:
                # Lost before COMMIT, so the server rolled back: safe to run once more on a fresh connection
                # (the pool drops every stale connection after the first disconnect, e.g. a database restart).
                unknown = exc.code == ErrorCode.OUTCOME_UNKNOWN
                if attempt > 1 or (unknown and not (idempotent and not _timed_out(exc))):
                    raise
                log.info("database connection lost; trying once more on a new connection")
                continue
            except Exception as exc:
                if not is_retryable(exc):
                    raise
                if attempt >= self.max_attempts:
                    raise busy() from exc
                self.retries += 1
                log.warning("transaction retried after %s (attempt %d)", type(exc).__name__, attempt)
                await asyncio.sleep(random.uniform(0.001, 0.01) * attempt)

    async def _once(self, work: Work[T], sqlite_begin: str) -> T:
        with map_storage_errors():
            async with contextlib.AsyncExitStack() as stack:
                with map_storage_errors(connecting=True):
                    conn = await stack.enter_async_context(self.engine.connect())
                if not self.is_postgres:
                    conn = await conn.execution_options(sqlite_begin=sqlite_begin)
                transaction = await conn.begin()
                try:
                    result = await work(conn)
                except BaseException:
                    with contextlib.suppress(
                        Exception
                    ):  # a broken connection cannot roll back; the server does
                        await transaction.rollback()
                    raise
                # A failure from here on may come after the server committed: say so, not "nothing changed".
                with map_storage_errors(committing=True):
                    await transaction.commit()
                return result

    async def _autocommit(self, work: Callable[[Any], Awaitable[T]], writes: bool, *, hot: bool = False) -> T:
        if hot:
            return await self._hot(work, writes)
        with map_storage_errors():
            async with contextlib.AsyncExitStack() as stack:
                with map_storage_errors(connecting=True):
                    conn = await stack.enter_async_context(self.engine.connect())
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                # The server commits when the statement ends: a failure while it runs may come after that.
                with map_storage_errors(committing=writes):
                    return await work(conn)

    async def _hot(self, work: Callable[[Hot], Awaitable[T]], writes: bool) -> T:
        with map_storage_errors():
            with map_storage_errors(connecting=True):
                hot = await Hot.open(self.engine)
            try:
                if self.transaction_pooled:
                    return await self._hot_transaction(hot, work)
                # Autocommit: the server commits when the statement ends, so a failure may come after that.
                with map_storage_errors(committing=writes):
                    return await work(hot)
            finally:
                await hot.close()

    @staticmethod
    async def _hot_transaction(hot: Hot, work: Callable[[Hot], Awaitable[T]]) -> T:
        """Behind PgBouncer the statement runs in BEGIN/COMMIT (see statement()): simple-query commands, one
        round trip each. A connection whose ROLLBACK failed is broken and was dropped by the pool already."""
        await hot.command("BEGIN")
        try:
            result = await work(hot)
        except BaseException:
            with contextlib.suppress(Exception):
                await hot.command("ROLLBACK")
            raise
        with map_storage_errors(committing=True):
            await hot.command("COMMIT")
        return result

    async def dispose(self) -> None:
        await self.engine.dispose()


def _timed_out(error: BaseException) -> bool:
    cause: BaseException | None = error.__cause__
    while cause is not None:
        if isinstance(cause, TimeoutError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False
