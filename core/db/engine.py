"""Create the async engine for PostgreSQL (asyncpg) or SQLite (aiosqlite), with the right per-engine set-up."""

from __future__ import annotations

import ssl
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

POOLER_OPTION = "encore_pooler"
"""The engine's execution option naming what sits between it and PostgreSQL (Database reads it)."""


def create_engine(
    url: str,
    *,
    password: str | None = None,
    tls: bool = False,
    pool_size: int = 10,
    statement_timeout_s: float = 5.0,
    pooler: str = "",
) -> AsyncEngine:
    """The one place engines are made. ``password`` comes from the secret store, never from the URL in config.
    ``pooler="pgbouncer"``: the connections go through PgBouncer in transaction pooling (settings.database_pooler)."""
    parsed = make_url(url)
    if password:
        parsed = parsed.set(password=password)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed.render_as_string(hide_password=False))
    # The server gives up first, with a clear SQLSTATE (lock wait 55P03, statement 57014: "busy"); the client
    # timer is only the last resort for a dead network, so the two never race.
    statement_ms = int(statement_timeout_s * 1000)
    connect_args: dict[str, Any] = {
        "timeout": statement_timeout_s,
        "command_timeout": statement_timeout_s + 2,
        "server_settings": {
            "application_name": "encore",
            "statement_timeout": str(statement_ms),
            "lock_timeout": str(max(100, statement_ms // 2)),
            "idle_in_transaction_session_timeout": str(statement_ms * 4),
        },
    }
    if tls:
        connect_args["ssl"] = ssl.create_default_context()
    if pooler == "pgbouncer":
        connect_args.update(_behind_pgbouncer())
    # No pool_pre_ping: it costs three round trips per transaction. A connection that went stale instead fails
    # its first statement; SQLAlchemy then drops the whole pool and Database retries once (transaction.py).
    # Up to twice ``pool_size`` connections, as before, but all kept: SQLAlchemy closes an overflow connection
    # when it comes back, so a load above pool_size paid a new PostgreSQL backend (a fork, sign-in, and a
    # fresh parse and plan of every hot statement) on most checkouts (issue 11's flash sale, 64 buyers).
    return create_async_engine(
        parsed,
        pool_size=2 * pool_size,
        max_overflow=0,
        pool_recycle=1800,
        hide_parameters=True,  # driver errors must never quote values such as password hashes or e-mails
        connect_args=connect_args,
        execution_options={POOLER_OPTION: pooler},
    )


def _behind_pgbouncer() -> dict[str, Any]:
    """Transaction pooling hands each transaction whichever server connection is free, so nothing may outlive
    one: no statement cache (asyncpg's nor SQLAlchemy's), and a name no other client can have chosen for each
    statement SQLAlchemy prepares (PgBouncer's server_reset_query DEALLOCATEs them). PgBouncer refuses startup
    parameters it does not track, so the timeouts come from its connect_query (server-stack/pgbouncer)."""
    return {
        "statement_cache_size": 0,
        "prepared_statement_cache_size": 0,
        "prepared_statement_name_func": lambda: f"__encore_{uuid.uuid4().hex}__",
        "server_settings": {"application_name": "encore"},
    }


def _sqlite_engine(url: str) -> AsyncEngine:
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # One connection per transaction and WAL: readers never block the single writer.
    engine = create_async_engine(url, poolclass=NullPool, hide_parameters=True, connect_args={"timeout": 3})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so that we can say BEGIN IMMEDIATE ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # One writer at a time: wait up to 3 s for the write lock, then say "busy" rather than keep a buyer waiting.
        cursor.execute("PRAGMA busy_timeout=3000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the write lock up front: no deadlock-prone lock upgrade from a read.
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine
