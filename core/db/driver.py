"""Statements straight on PostgreSQL's driver (asyncpg), for the hot path.

SQLAlchemy's result handling costs more client CPU than the driver's whole round trip for a wide reply (per
call a cursor description, a result processor per column, Row objects; measured in issue 11), and so does a
Connection around a pooled connection (its construction, execution options, a greenlet per await). The hot
statements are sent precompiled to the asyncpg connection of a connection taken straight from the engine's
pool (``Hot``), and everything else stays SQLAlchemy's: the pool (its size, events, recycling), the listeners
hear the statement (before_cursor_execute), and a failure goes through SQLAlchemy's own handling (the
driver's error translated, wrapped as sqlalchemy.exc, the connection and, on a disconnect, the pool's older
connections invalidated), so Database's error mapping and retries see exactly what exec_driver_sql would have
raised.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Executable
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.util.concurrency import _concurrency_shim

T = TypeVar("T")


class Record:
    """A driver row read by column name as an attribute (as a SQLAlchemy Row is)."""

    __slots__ = ("_row",)

    def __init__(self, row: Any) -> None:
        self._row = row

    def __getattr__(self, name: str) -> Any:
        try:
            return self._row[name]
        except KeyError:
            raise AttributeError(name) from None


async def fetch(conn: AsyncConnection, sql: str, args: tuple[Any, ...]) -> list[Record]:
    """Run ``sql`` ($1, $2... placeholders) with ``args`` on PostgreSQL's driver; its rows by column name."""
    raw = await conn.get_raw_connection()
    sync = conn.sync_connection
    assert sync is not None
    sync.dispatch.before_cursor_execute(sync, None, sql, args, None, False)
    try:
        rows = await raw.driver_connection.fetch(sql, *args)  # type: ignore[union-attr]
    except BaseException as exc:
        await conn.run_sync(_raise_as_sqlalchemy, raw.dbapi_connection, exc, sql, args)
        raise  # not reached: the line above raises
    return [Record(r) for r in rows]


def _raise_as_sqlalchemy(sync: Connection, adapted: Any, error: BaseException, sql: str, args: Any) -> None:
    """What SQLAlchemy does when a statement fails: the adapter turns asyncpg's error into the DBAPI's, then the
    Connection wraps it and invalidates what a disconnect (or a cancelled statement) left unusable."""
    try:
        adapted._handle_exception(error)  # raises the DBAPI error (or the same one when it has none)
    except BaseException as translated:
        sync._handle_dbapi_exception(translated, sql, args, None, None)
    raise error


class _Done:
    """What a runner hands back when its function has finished (anything else it hands back is an awaitable)."""

    __slots__ = ("error", "value")

    def __init__(self, value: Any, error: BaseException | None) -> None:
        self.value, self.error = value, error


def _run_jobs(job: tuple[Callable[..., Any], tuple[Any, ...]]) -> None:
    """A runner's life: run a job, hand back its outcome, wait for the next job (GreenletExit ends it)."""
    me = _concurrency_shim.getcurrent()
    while True:
        fn, args = job
        try:
            done = _Done(fn(*args), None)
        except _concurrency_shim.greenlet.GreenletExit:
            raise
        except BaseException as exc:
            done = _Done(None, exc)
        del fn, args
        job = me.parent.switch(done)


_idle = threading.local()


async def spawn(fn: Callable[..., T], *args: Any) -> T:
    """SQLAlchemy's greenlet_spawn (run sync pool code that may await_ the driver), on a reused greenlet.

    Creating a greenlet costs about 10 us of CPU and more on a cold cache; the pool's checkout and checkin each
    needed one per hot statement. A runner that finished its job waits for the next one (one list per thread,
    as greenlets are), so a hold switches twice instead of creating and destroying two greenlets. Runners are
    SQLAlchemy's own greenlet class, so ``await_`` inside the job finds its provider as in greenlet_spawn."""
    idle: list[Any] | None = getattr(_idle, "runners", None)
    if idle is None:
        idle = _idle.runners = []
    here = _concurrency_shim.getcurrent()
    runner = idle.pop() if idle else _concurrency_shim._AsyncIoGreenlet(_run_jobs, here)
    if runner.parent is not here:
        runner.parent = here
    runner.gr_context = here.gr_context
    result = runner.switch((fn, args))
    while type(result) is not _Done:  # the job awaits: run the awaitable here, hand its outcome back
        try:
            value = await result
        except BaseException:
            result = runner.throw(*sys.exc_info())
        else:
            result = runner.switch(value)
    runner.gr_context = None
    idle.append(runner)
    error, value = result.error, result.value
    result.error = result.value = None  # the runner keeps this _Done until its next job: empty it
    if error is not None:
        try:
            raise error
        finally:
            del error  # no cycle through this frame's traceback
    return value  # type: ignore[no-any-return]


class Hot:
    """One connection of the engine's pool, used through asyncpg alone, outside a transaction (so every
    statement is its own: autocommit) unless its user begins one (``command``). No SQLAlchemy Connection is
    made unless a listener wants to hear a statement or a statement fails; then one is put around the same
    pooled connection, and it closes it. ``open`` it, ``close`` it after use (``Database.hot`` does)."""

    __slots__ = ("_driver", "_engine", "_fairy", "_sync", "dialect")

    def __init__(self, engine: AsyncEngine, fairy: Any) -> None:
        self._engine = engine.sync_engine
        self.dialect = self._engine.dialect
        self._fairy = fairy
        self._driver = fairy.driver_connection
        self._sync: Connection | None = None

    @classmethod
    async def open(cls, engine: AsyncEngine) -> Hot:
        """A connection from the pool (a greenlet: the pool may connect, or wait for one to come back)."""
        return cls(engine, await spawn(engine.sync_engine.pool.connect))

    async def close(self) -> None:
        """Back to the pool (the pool may close it: an overflow connection, an invalidated one)."""
        closing = self._sync.close if self._sync is not None else self._fairy.close
        self._sync = self._fairy = self._driver = None
        await spawn(closing)

    def _connection(self) -> Connection:
        if self._sync is None:
            self._sync = Connection(self._engine, connection=self._fairy)
        return self._sync

    async def fetch(self, sql: str, args: tuple[Any, ...]) -> list[Any]:
        """Run ``sql`` ($1, $2... placeholders) with ``args``; the driver's records (by name or index)."""
        if self._engine.dispatch.before_cursor_execute:
            sync = self._connection()
            sync.dispatch.before_cursor_execute(sync, None, sql, args, None, False)
        try:
            return await self._driver.fetch(sql, *args)  # type: ignore[no-any-return]
        except BaseException as exc:
            sync = self._connection()
            await spawn(_raise_as_sqlalchemy, sync, self._fairy.dbapi_connection, exc, sql, args)
            raise  # not reached: the line above raises

    async def command(self, sql: str) -> None:
        """A command without parameters or rows (BEGIN, COMMIT), in the simple query protocol."""
        if self._engine.dispatch.before_cursor_execute:
            sync = self._connection()
            sync.dispatch.before_cursor_execute(sync, None, sql, (), None, False)
        try:
            await self._driver.execute(sql)
        except BaseException as exc:
            sync = self._connection()
            await spawn(_raise_as_sqlalchemy, sync, self._fairy.dbapi_connection, exc, sql, ())
            raise  # not reached: the line above raises

    async def query(self, statement: Executable, params: dict[str, Any]) -> list[Any]:
        """Run a SQLAlchemy statement (compiled once) with named ``params``; the driver's records."""
        sql, names = positional(statement, self.dialect)
        return await self.fetch(sql, tuple(map(params.get, names)))


_COMPILED: dict[int, tuple[Executable, str, tuple[str, ...]]] = {}


def positional(statement: Executable, dialect: Dialect) -> tuple[str, tuple[str, ...]]:
    """The statement as the driver takes it ($1, $2...) and its parameters' names in that order, compiled once:
    the hot path then skips SQLAlchemy's per-call compile lookup, parameter building and result handling."""
    found = _COMPILED.get(id(statement))
    if found is None or found[0] is not statement:
        compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
        found = (statement, str(compiled), tuple(compiled.positiontup or ()))
        _COMPILED[id(statement)] = found
    return found[1], found[2]
