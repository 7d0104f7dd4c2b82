"""One runner per job across scheduler replicas: a PostgreSQL session advisory lock, held on a connection of its
own for as long as the job runs. A replica that does not get it skips the run. If the database restarts, the
session ends and the lock with it (the job's own connections fail too), so a lock is never left stranded."""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db.errors import map_storage_errors

_ENCORE = 0x454E43  # "ENC": the first key of the two-key form, so our locks stay apart from anyone else's


def job_key(name: str) -> int:
    """A stable 32-bit signed key per job name (the second key of pg_try_advisory_lock(int, int))."""
    key = zlib.crc32(f"encore:job:{name}".encode())
    return key - 2**32 if key >= 2**31 else key


@contextlib.asynccontextmanager
async def hold(engine: AsyncEngine, name: str) -> AsyncIterator[bool]:
    """Yields True while this process holds the job's lock, False when another replica has it. SQLite (the
    embedded mode, one process) has no other replica: always True."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    key = {"a": _ENCORE, "b": job_key(name)}
    with map_storage_errors(connecting=True):
        conn = await engine.connect()
    try:
        with map_storage_errors():
            # Autocommit: a session lock outlives transactions, and an idle-in-transaction connection would
            # be cut by idle_in_transaction_session_timeout.
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            got = bool((await conn.execute(text("SELECT pg_try_advisory_lock(:a, :b)"), key)).scalar_one())
        try:
            yield got
        finally:
            if got:
                try:
                    await conn.execute(text("SELECT pg_advisory_unlock(:a, :b)"), key)
                except Exception:
                    # A dead session dropped the lock with it; a live one must never go back to the pool
                    # still holding it.
                    with contextlib.suppress(Exception):
                        await conn.invalidate()
    finally:
        with contextlib.suppress(Exception):
            await conn.close()
