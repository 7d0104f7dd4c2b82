"""One runner per job across scheduler replicas: a PostgreSQL advisory lock, taken in a transaction of its own
that stays open for as long as the job runs. A replica that does not get it skips the run.

A transaction-level lock (not a session lock) so it also works through PgBouncer in transaction pooling, which
hands a server connection to a client only for a transaction. If the database restarts or the connection dies,
the transaction ends and the lock with it (the job's own connections fail too): a lock is never left stranded."""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db.errors import map_storage_errors

ENCORE_LOCKS = (
    0x454E43  # "ENC": the first key of the two-key form, so our locks stay apart from anyone else's
)


def job_key(name: str) -> int:
    """A stable 32-bit signed key per job name (the second key of pg_try_advisory_xact_lock(int, int))."""
    key = zlib.crc32(f"encore:job:{name}".encode())
    return key - 2**32 if key >= 2**31 else key


@contextlib.asynccontextmanager
async def hold(engine: AsyncEngine, name: str) -> AsyncIterator[bool]:
    """Yields True while this process holds the job's lock, False when another replica has it. SQLite (the
    embedded mode, one process) has no other replica: always True."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    with map_storage_errors(connecting=True):
        conn = await engine.connect()
    try:
        with map_storage_errors():
            await conn.begin()
            # The transaction idles while the job works on other connections; the engine's idle-in-transaction
            # limit (meant for a stuck request) would end it, and the lock with it, under a long job.
            await conn.execute(text("SET LOCAL idle_in_transaction_session_timeout = 0"))
            query = text("SELECT pg_try_advisory_xact_lock(:a, :b)")
            got = bool((await conn.execute(query, {"a": ENCORE_LOCKS, "b": job_key(name)})).scalar_one())
        yield got
    finally:
        # Ending the transaction releases the lock; over a dead connection the server has ended it already.
        with contextlib.suppress(Exception):
            await conn.rollback()
        with contextlib.suppress(Exception):
            await conn.close()
