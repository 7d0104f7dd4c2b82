"""One statement straight on PostgreSQL's driver (asyncpg), for the hot path.

SQLAlchemy's result handling costs more client CPU than the driver's whole round trip for a wide reply (per
call a cursor description, a result processor per column, Row objects; measured in issue 11). The hot
statements are sent precompiled to the asyncpg connection under the pooled SQLAlchemy connection, and
everything else stays SQLAlchemy's: the listeners hear the statement (before_cursor_execute), and a failure
goes through SQLAlchemy's own handling (the driver's error translated, wrapped as sqlalchemy.exc, the
connection and, on a disconnect, the pool's older connections invalidated), so Database's error mapping and
retries see exactly what exec_driver_sql would have raised.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection


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
