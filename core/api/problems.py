"""Encore's typed errors cross the wire as RFC 9457 problem details carrying the stable ``code``."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec

from core.api.limits import MAX_BODY_BYTES
from core.domain.errors import EncoreError, ErrorCode, InputError, NotFound, RequestTooLarge
from core.domain.problems import to_problem

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


def problem_response(
    problem: dict[str, Any], headers: dict[str, str] | None = None
) -> Response[dict[str, Any]]:
    headers = dict(headers or {})
    retry = problem.get("retry_after_s")
    if isinstance(retry, int | float):
        headers["Retry-After"] = str(max(1, int(retry)))
    return Response(problem, status_code=int(problem["status"]), media_type=PROBLEM_JSON, headers=headers)


def encore_error(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    assert isinstance(exc, EncoreError)
    return problem_response(to_problem(exc))


def validation_error(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    """A body or parameter that does not fit the schema: the same problem shape as any InputError."""
    assert isinstance(exc, ValidationException)
    extra = exc.extra if isinstance(exc.extra, list) else []
    first = extra[0] if extra and isinstance(extra[0], dict) else {}
    field = str(first.get("key") or first.get("source") or "request")
    problem = str(first.get("message") or exc.detail or "does not fit the API's schema")
    error = InputError(
        field,
        f"{problem}. Check the request against the API's schema (/schema).",
        code=ErrorCode.REQUEST_INVALID,
    )
    return problem_response(to_problem(error))


_READ_FAILED = (
    "could not be read (not JSON, or not the shape the API expects). Check the client against the server's "
    "schema (/schema)."
)


def http_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    """Litestar's own refusals (400 unreadable body, 404 route, 405 method, 413 too large) as the Encore errors
    they are, so each carries its class's declared fields like every other problem."""
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    error: EncoreError
    if status == 400:
        error = InputError("request", _READ_FAILED, code=ErrorCode.REQUEST_MALFORMED)
    elif status == 404:
        error = NotFound(
            "There is no such API path. Check the client's version against the server's (/schema).",
            code=ErrorCode.ROUTE_NOT_FOUND,
        )
    elif status == 413:
        # A route may take more than the default (a seating-plan file); the refusal names that route's limit.
        # Litestar leaves an unset per-route limit as its Empty sentinel, not None.
        limit = getattr(request.scope.get("route_handler"), "request_max_body_size", None)
        error = RequestTooLarge(limit if isinstance(limit, int) and limit > 0 else MAX_BODY_BYTES)
    else:
        # 405 and anything else Litestar may raise: EncoreError's own codes, which add no fields.
        code = ErrorCode.METHOD_NOT_ALLOWED if status == 405 else ErrorCode.HTTP_ERROR
        detail = (
            "This API path does not take that method. Check the client's version against the server's."
            if status == 405
            else str(exc.detail)
        )
        problem = {**to_problem(EncoreError(detail, code=code)), "status": status}
        kept = {
            k: v for k, v in (exc.headers or {}).items() if k.lower() == "allow"
        }  # RFC 9110: 405 says Allow
        return problem_response(problem, kept)
    # An unreadable body stays 400 (the schema's status for it), though its class answers 422 elsewhere.
    return problem_response({**to_problem(error), "status": status})


def unexpected_error(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    """A bug or a surprise: logged with its traceback here; the client gets a 500 with no detail."""
    log.error("unexpected error serving a request", exc_info=exc)
    return problem_response(
        {
            "type": "urn:encore:problem:internal_error",
            "title": "Internal error",
            "status": 500,
            "detail": "The server met an unexpected error; it was logged. Try again, and tell the venue's IT if "
            "it goes on.",
            "code": "internal_error",
        }
    )


@dataclass(frozen=True, slots=True)
class Problem:
    """RFC 9457 problem details, as every refusal is sent; extension members depend on the code."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    field: str | None = None
    problem: str | None = None
    labels: list[str] | None = None
    tries_left: int | None = None
    retry_after_s: float | None = None


_WHY = {
    400: "The request could not be read (not JSON, or not the expected shape).",
    401: "No credential, or one that is forged, expired or signed out (unauthenticated, session_invalid, "
    "session_expired): sign in again.",
    403: "The caller may not do this (not_allowed), or the device is not approved (device_not_approved).",
    404: "Nothing with that id or code.",
    409: "The request clashes with the current state (seats_taken, hold_expired, sales_closed, ...).",
    413: "The request body is too large.",
    422: "A field has a bad value (field and problem say which).",
    429: "Too many requests from this client; Retry-After says when to try again.",
    503: "The database cannot be reached or is too busy (nothing was changed), or the request took too long "
    "(request_timeout: check whether it went through).",
}


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """The refusals a route may answer with, for its OpenAPI entry."""
    return {
        status: ResponseSpec(
            data_container=Problem, description=_WHY[status], media_type=PROBLEM_JSON, generate_examples=False
        )
        for status in (400, *statuses, 413, 422, 503)
    }


DEVICE_PROBLEMS = problem_responses(401, 403, 404, 409, 429)
OPEN_PROBLEMS = problem_responses(401, 403, 404, 409, 429)
STAFF_PROBLEMS = problem_responses(401, 403, 404, 409)
