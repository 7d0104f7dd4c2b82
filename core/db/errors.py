"""Translate driver exceptions into domain errors at the storage boundary."""

from __future__ import annotations

from sqlalchemy import exc as sa_exc

from core.domain.errors import ErrorCode, InputError, StorageBusy, StorageUnavailable

_OUT_OF_SERVICE = (
    "The ticket database cannot be reached right now. Nothing was changed; please try again in a moment."
)
_OUTCOME_UNKNOWN = (
    "The connection to the ticket database broke while saving, so it is not certain whether this went "
    "through. Please try again: a payment is never taken twice, and places held by mistake free themselves "
    "within a few minutes."
)
_BUSY = "The box office is very busy right now and nothing was changed. Please try again in a moment."

# SQLSTATEs that mean "run the transaction again": serialization failure, deadlock detected.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
# Waited too long for a row lock or for the statement: busy, not broken.
BUSY_SQLSTATES = frozenset({"55P03", "57014"})


def sqlstate(error: BaseException) -> str | None:
    orig = getattr(error, "orig", None)
    for candidate in (orig, getattr(orig, "__cause__", None)):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str):
            return code
    return None


def is_retryable(error: BaseException) -> bool:
    """Deadlock or serialization failure: the whole transaction may run again. (SQLite's "database is
    locked" is not: busy_timeout has already waited, and waiting again would only keep a buyer waiting.)"""
    return isinstance(error, sa_exc.DBAPIError) and sqlstate(error) in RETRYABLE_SQLSTATES


def _is_sqlite_locked(error: sa_exc.DBAPIError) -> bool:
    return "database is locked" in str(error.orig).lower()


def is_unique_violation(error: BaseException, table: str, column: str) -> bool:
    """True when ``error`` is a unique violation on ``table.column``, on either engine."""
    if not isinstance(error, sa_exc.IntegrityError):
        return False
    text = str(error.orig)
    # PostgreSQL names the constraint (our naming convention); SQLite names the column.
    return f"uq_{table}_{column}" in text or f"{table}_{column}_key" in text or f"{table}.{column}" in text


def busy() -> StorageBusy:
    return StorageBusy(_BUSY)


class map_storage_errors:  # lower case: it replaced a function and reads as one (``with map_storage_errors():``)
    """Driver errors become typed errors; our own errors pass through untouched.

    ``committing``: the failure hit COMMIT, so the outcome is unknown and "nothing was changed" would be a lie.
    ``connecting``: the failure came while getting a connection, before any statement ran. Whatever the server
    said then (55000 "not currently accepting connections", 57P03 "starting up", a database that is gone or a
    refused sign-in), this client cannot use the database now and nothing was changed.
    Exception messages of the driver are never passed on: they can quote the statement's parameters.
    A class, not a generator: every hot statement enters three of these, and a generator context manager costs
    several times as much CPU to enter and leave.
    """

    __slots__ = ("committing", "connecting")

    def __init__(self, *, committing: bool = False, connecting: bool = False) -> None:
        self.committing, self.connecting = committing, connecting

    def __enter__(self) -> None:
        return None

    def __exit__(self, _type: object, exc: BaseException | None, _tb: object) -> None:
        if exc is not None:  # _translate raises the typed error; anything it returns for goes on as it is
            _translate(exc, committing=self.committing, connecting=self.connecting)


def _translate(exc: BaseException, *, committing: bool, connecting: bool) -> None:
    """Raise the typed error for a driver error ``exc``; return for anything else (it is raised unchanged)."""
    if isinstance(exc, sa_exc.TimeoutError):  # no free connection in the pool within pool_timeout; no SQL ran
        raise busy() from exc
    if isinstance(exc, OSError | TimeoutError | ConnectionError):
        raise StorageUnavailable(
            _OUTCOME_UNKNOWN if committing else _OUT_OF_SERVICE,
            code=ErrorCode.OUTCOME_UNKNOWN if committing else None,
        ) from exc
    if isinstance(exc, sa_exc.DBAPIError):
        if is_retryable(exc):
            return
        code = sqlstate(exc) or ""
        if code in BUSY_SQLSTATES or _is_sqlite_locked(exc):
            raise busy() from exc
        if code.startswith("22"):  # data exception: a value the database cannot store (NUL, out of range)
            raise InputError(
                "input",
                "a value could not be stored (it is too large or has characters that are not allowed).",
                code=ErrorCode.VALUE_INVALID,
            ) from exc
        # 08: connection exception, 53: insufficient resources (too many clients), 57P: server shut down.
        unavailable = code.startswith(("08", "53", "57P"))
        if (
            unavailable
            or connecting
            or exc.connection_invalidated
            or isinstance(exc, sa_exc.InterfaceError | sa_exc.OperationalError)
        ):
            if committing:
                raise StorageUnavailable(_OUTCOME_UNKNOWN, code=ErrorCode.OUTCOME_UNKNOWN) from exc
            raise StorageUnavailable(_OUT_OF_SERVICE) from exc
