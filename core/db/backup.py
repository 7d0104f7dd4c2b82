"""The SQL side of backups: every table's row count and content checksum, a PostgreSQL snapshot pg_dump can
share, whether a restore target holds tables, and SQLite's online backup API (consistent while the kiosk
writes: one step under a read lock, which WAL lets writers go on beside)."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, column, inspect, select, table, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.expression import ColumnClause


@dataclass(frozen=True, slots=True)
class TableFingerprint:
    rows: int
    checksum: str
    """SHA-256 over the sorted SHA-256 of each row's values: independent of row order, changed by any value."""


def fingerprint(conn: Connection) -> dict[str, TableFingerprint]:
    """Every table of the connection's default schema (alembic_version included). Run with run_sync on an
    async connection; compare only fingerprints taken through the same kind of database."""
    found = inspect(conn)
    result: dict[str, TableFingerprint] = {}
    for name in sorted(found.get_table_names()):
        columns: list[ColumnClause[Any]] = [column(c["name"]) for c in found.get_columns(name)]
        rows = conn.execute(select(table(name, *columns)))
        digests = sorted(hashlib.sha256(repr(tuple(row)).encode()).digest() for row in rows)
        result[name] = TableFingerprint(len(digests), hashlib.sha256(b"".join(digests)).hexdigest())
    return result


def table_names(conn: Connection) -> list[str]:
    return list(inspect(conn).get_table_names())


async def export_snapshot(conn: AsyncConnection) -> str:
    """The snapshot of the connection's REPEATABLE READ transaction, for ``pg_dump --snapshot``: the dump and
    the manifest then see the same data, however the sales go on meanwhile."""
    return str((await conn.execute(text("SELECT pg_export_snapshot()"))).scalar_one())


async def create_database(conn: AsyncConnection, name: str) -> None:
    """On an AUTOCOMMIT connection; ``name`` is ours (letters, digits, underscores), never a user's."""
    await conn.execute(text(f'CREATE DATABASE "{name}"'))


async def drop_database(conn: AsyncConnection, name: str) -> None:
    await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def sqlite_copy(source: Path, target: Path, *, busy_timeout_ms: int = 30_000) -> None:
    """Copy a live SQLite database with the online backup API into ``target`` (replaced as a whole), in one step:
    the copy is one consistent state of the source. The copy keeps its own journal mode off WAL, so it is one
    self-contained file."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=busy_timeout_ms / 1000)
    try:
        dst = sqlite3.connect(target, timeout=busy_timeout_ms / 1000)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def sqlite_restore(backup: Path, target: Path, *, busy_timeout_ms: int = 30_000) -> None:
    """Replace the target's content with the backup's through the backup API: one transaction on the target
    (other connections wait on its lock, then see the restored database), its WAL mode kept."""
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target, timeout=busy_timeout_ms / 1000)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
        finally:
            dst.close()
    finally:
        src.close()


def sqlite_integrity(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "; ".join(str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall())
    finally:
        conn.close()
