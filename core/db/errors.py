"""Translate driver exceptions into domain errors at the storage boundary."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import exc as sa_exc

from core.domain.errors import StorageUnavailable

_OUT_OF_SERVICE = (
    "The ticket database cannot be reached right now. Nothing was changed; please try again in a moment."
)

# SQLSTATEs that mean "run the transaction again": serialization failure, deadlock detected.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})


def sqlstate(error: BaseException) -> str | None:
    orig = getattr(error, "orig", None)
    for candidate in (orig, getattr(orig, "__cause__", None)):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str):
            return code
    return None


def is_retryable(error: BaseException) -> bool:
    if isinstance(error, sa_exc.DBAPIError):
        if sqlstate(error) in RETRYABLE_SQLSTATES:
            return True
        text = str(getattr(error, "orig", error)).lower()
        return "database is locked" in text
    return False


def is_unique_violation(error: BaseException, table: str, column: str) -> bool:
    """True when ``error`` is a unique violation on ``table.column``, on either engine."""
    if not isinstance(error, sa_exc.IntegrityError):
        return False
    text = str(error.orig)
    # PostgreSQL names the constraint (our naming convention); SQLite names the column.
    return f"uq_{table}_{column}" in text or f"{table}_{column}_key" in text or f"{table}.{column}" in text


@contextlib.contextmanager
def map_storage_errors() -> Iterator[None]:
    """Connection loss and timeouts become StorageUnavailable; our own errors pass through untouched."""
    try:
        yield
    except (OSError, TimeoutError) as exc:
        raise StorageUnavailable(_OUT_OF_SERVICE) from exc
    except sa_exc.DBAPIError as exc:
        if is_retryable(exc):
            raise
        code = sqlstate(exc) or ""
        # 08: connection exception, 53: insufficient resources (too many clients), 57P: server shut down.
        unavailable = code.startswith(("08", "53", "57P"))
        if (
            unavailable
            or exc.connection_invalidated
            or isinstance(exc, sa_exc.InterfaceError | sa_exc.OperationalError)
        ):
            raise StorageUnavailable(_OUT_OF_SERVICE) from exc
        raise
