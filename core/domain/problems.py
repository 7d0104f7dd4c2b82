"""EncoreError <-> RFC 9457 problem details (a stand-in until the codec with every class's fields lands)."""

from __future__ import annotations

from typing import Any

from core.domain.errors import (
    Conflict,
    DeviceNotApproved,
    EncoreError,
    InputError,
    NotAllowed,
    NotFound,
    SessionInvalid,
    StorageBusy,
    StorageUnavailable,
    TicketRejected,
)

_STATUS: tuple[tuple[type[EncoreError], int], ...] = (
    (InputError, 422),
    (DeviceNotApproved, 403),
    (NotAllowed, 403),
    (NotFound, 404),
    (Conflict, 409),
    (TicketRejected, 422),
    (StorageUnavailable, 503),
    (StorageBusy, 503),
)


def status_of(error: EncoreError) -> int:
    # 401 tells a client to get a new credential: a missing or bad token, a lapsed session, a failed sign-in.
    if error.code in ("unauthenticated", "sign_in_failed") or isinstance(error, SessionInvalid):
        return 401
    if error.code == "rate_limited":
        return 429
    return next((status for cls, status in _STATUS if isinstance(error, cls)), 500)


def to_problem(error: EncoreError) -> dict[str, Any]:
    problem: dict[str, Any] = {
        "type": f"urn:encore:problem:{error.code}",
        "title": type(error).__name__,
        "status": status_of(error),
        "detail": error.message,
        "code": error.code,
    }
    for name in ("field", "problem", "labels", "tries_left", "wanted", "retry_after_s"):
        value = getattr(error, name, None)
        if value is not None:
            problem[name] = list(value) if isinstance(value, tuple) else value
    return problem


def from_problem(problem: dict[str, Any]) -> EncoreError:
    """The EncoreError a problem describes (stand-in: the class by code where known, else by status)."""
    from core.domain.errors import HoldExpired, SalesClosed, SeatsTaken

    code = str(problem.get("code") or "error")
    detail = str(problem.get("detail") or "The server refused the request.")
    status = problem.get("status")
    if code == "seats_taken":
        labels = problem.get("labels")
        return SeatsTaken([str(x) for x in labels] if isinstance(labels, list) else [])
    if status == 422 and "field" in problem:
        return InputError(str(problem["field"]), str(problem.get("problem", detail)), code=code)
    by_code: dict[str, type[EncoreError]] = {"hold_expired": HoldExpired, "sales_closed": SalesClosed}
    by_status: dict[int, type[EncoreError]] = {
        401: NotAllowed,
        403: NotAllowed,
        404: NotFound,
        409: Conflict,
        503: StorageUnavailable,
    }
    if code == "wrong_pin" and isinstance(problem.get("tries_left"), int):
        from core.domain.errors import WrongPin

        return WrongPin(problem["tries_left"])
    if code == "device_not_approved":
        return DeviceNotApproved(detail)
    cls = by_code.get(code) or (by_status.get(status) if isinstance(status, int) else None) or EncoreError
    return cls(detail, code=code)
