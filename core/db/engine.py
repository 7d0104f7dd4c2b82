"""Create the async engine for PostgreSQL (asyncpg) or SQLite (aiosqlite), with the right per-engine set-up."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool


def create_engine(
    url: str,
    *,
    password: str | None = None,
    tls: bool = False,
    pool_size: int = 10,
    statement_timeout_s: float = 5.0,
) -> AsyncEngine:
    """The one place engines are made. ``password`` comes from the secret store, never from the URL in config."""
    parsed = make_url(url)
    if password:
        parsed = parsed.set(password=password)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed.render_as_string(hide_password=False))
    connect_args: dict[str, Any] = {
        "timeout": statement_timeout_s,
        "command_timeout": statement_timeout_s,
        "server_settings": {
            "application_name": "encore",
            "lock_timeout": str(int(statement_timeout_s * 1000)),
        },
    }
    if tls:
        connect_args["ssl"] = ssl.create_default_context()
    return create_async_engine(
        parsed,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args=connect_args,
    )


def _sqlite_engine(url: str) -> AsyncEngine:
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # One connection per transaction and WAL: readers never block the single writer.
    engine = create_async_engine(url, poolclass=NullPool, connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so that we can say BEGIN IMMEDIATE ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the write lock up front: no deadlock-prone lock upgrade from a read.
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine
