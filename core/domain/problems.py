"""EncoreError <-> RFC 9457 problem details: the same class, code, message and attributes both ways."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from core.domain.checkin import ScanResult
from core.domain.errors import (
    Conflict,
    EncoreError,
    ErrorCode,
    FileProblem,
    InputError,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    RateLimited,
    RequestTooLarge,
    StorageUnavailable,
    error_class_for,
)
from core.domain.names import translations_from
from core.domain.places import PlaceName

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:encore:problem:"
RESERVED = frozenset({"type", "title", "status", "detail", "instance", "code", "message_key"})
"""RFC 9457's members and ours: no error attribute may take one of these names (a test checks)."""

# A code this side does not know (a newer server) still gets a class the apps can catch, by its HTTP status.
BY_STATUS: dict[int, type[EncoreError]] = {
    400: InputError,
    401: NotAuthenticated,
    403: NotAllowed,
    404: NotFound,
    409: Conflict,
    413: RequestTooLarge,
    422: InputError,
    429: RateLimited,
    502: StorageUnavailable,
    503: StorageUnavailable,
    504: StorageUnavailable,
}
_UNREADABLE = (
    "The venue server sent an answer this terminal cannot read, so it is not known whether this went "
    "through. Please check and try again; if it keeps happening, call staff."
)


class _Bad(ValueError):
    """A member of a problem document has the wrong type or value."""


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise _Bad
    return value


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad
    return value


def _seconds(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise _Bad
    return float(value)


def _labels(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Bad
    return tuple(_text(v) for v in value)


def _place_json(place: PlaceName) -> dict[str, Any]:
    return {
        "section": place.section,
        "row": place.row,
        "seat": place.seat,
        "section_names": dict(place.section_names),
    }


def _place(value: object) -> PlaceName:
    if not isinstance(value, Mapping):
        raise _Bad
    row, seat, names = value.get("row"), value.get("seat"), value.get("section_names") or {}
    if not isinstance(names, Mapping):
        raise _Bad
    return PlaceName(
        _text(value.get("section")),
        None if row is None else _text(row),
        None if seat is None else _count(seat),
        translations_from({_text(k): _text(v) for k, v in names.items()}),
    )


def _places(value: object) -> tuple[PlaceName, ...]:
    if value is None:  # from a server that sent labels only
        return ()
    if not isinstance(value, list):
        raise _Bad
    return tuple(_place(v) for v in value)


def _file_problems(value: object) -> tuple[FileProblem, ...]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _Bad
    return tuple(FileProblem(_count(v.get("line")), _text(v.get("problem"))) for v in value)


def _moment(value: object) -> datetime:
    try:
        moment = datetime.fromisoformat(_text(value))
    except ValueError:
        raise _Bad from None
    if moment.tzinfo is None:
        raise _Bad
    return moment


def _result(value: object) -> ScanResult:
    try:
        return ScanResult(_text(value))
    except ValueError:
        raise _Bad from None


def _optional_count(value: object) -> int | None:
    return None if value is None else _count(value)


def _same(value: Any) -> Any:
    return value


# Every attribute an error class carries (its ``fields``): how it goes into JSON, and how it comes back.
CODECS: dict[str, tuple[Callable[[Any], Any], Callable[[object], object]]] = {
    "field": (_same, _text),
    "problem": (_same, _text),
    "file": (_same, _text),
    "key": (_same, _text),
    "section": (_same, _text),
    "path": (_same, _text),
    "reason": (_same, _text),
    "labels": (list, _labels),
    "places": (lambda ps: [_place_json(p) for p in ps], _places),
    "problems": (lambda ps: [{"line": p.line, "problem": p.problem} for p in ps], _file_problems),
    "wanted": (_same, _count),
    "tries_left": (_same, _count),
    "limit_bytes": (_same, _count),
    "smtp_code": (_same, _optional_count),
    "until": (lambda d: d.isoformat(), _moment),
    "result": (lambda r: r.value, _result),
    "retry_after_s": (_same, _seconds),
}


def title_for(code: ErrorCode) -> str:
    """The short, fixed summary of a problem type: "Hold not found"."""
    return code.value.replace("_", " ").capitalize()


def to_problem(error: EncoreError) -> dict[str, Any]:
    """The problem details object (JSON-ready) for ``error``; ``detail`` is its message, which never holds a
    secret (see core.domain.errors), so it may go to any client."""
    cls = type(error)
    problem: dict[str, Any] = {
        "type": TYPE_PREFIX + error.code.value,
        "title": title_for(error.code),
        "status": cls.status,
        "detail": error.message,
        "code": error.code.value,
    }
    if error.message_key != error.code.value:
        problem["message_key"] = error.message_key
    for name in cls.fields:
        encode, _ = CODECS[name]
        problem[name] = encode(getattr(error, name))
    return problem


def from_problem(problem: object) -> EncoreError:
    """The error ``problem`` describes, never an exception of its own.

    A known code gives its own class. An unknown code gives the class for the HTTP status (else EncoreError).
    When the members a class needs are missing or of the wrong type, the nearest parent class whose members
    are all there is used instead (WrongPin without tries_left becomes a NotAllowed), with that class's code.
    """
    if not isinstance(problem, Mapping):
        return EncoreError.rebuild(_UNREADABLE, ErrorCode.ERROR, {})
    status = _status_of(problem)
    code = _code_of(problem)
    start = error_class_for(code) if code is not None else BY_STATUS.get(status or 0, EncoreError)
    detail = problem.get("detail")
    message = detail if isinstance(detail, str) and detail else _no_detail(status)
    for cls in start.__mro__:
        if not (isinstance(cls, type) and issubclass(cls, EncoreError)):
            continue
        attributes = _decode(cls, problem)
        if attributes is not None:
            kept = code if code is not None and code in cls.codes else cls.code
            return cls.rebuild(message, kept, attributes, key=_key_of(problem, kept))
    raise AssertionError("unreachable: EncoreError needs no attributes")  # pragma: no cover


def _key_of(problem: Mapping[Any, Any], code: ErrorCode) -> str | None:
    """A finer message key of this code ("seats_taken.busy"); anything else is ignored (the code serves)."""
    key = problem.get("message_key")
    ok = isinstance(key, str) and len(key) <= 100 and key.startswith(f"{code.value}.")
    return key if ok else None


def _status_of(problem: Mapping[Any, Any]) -> int | None:
    status = problem.get("status")
    ok = isinstance(status, int) and not isinstance(status, bool) and 100 <= status <= 599
    return status if ok else None


def _code_of(problem: Mapping[Any, Any]) -> ErrorCode | None:
    candidates = [problem.get("code")]
    kind = problem.get("type")
    if isinstance(kind, str) and kind.startswith(TYPE_PREFIX):
        candidates.append(kind.removeprefix(TYPE_PREFIX))
    for candidate in candidates:
        if isinstance(candidate, str) and candidate in ErrorCode._value2member_map_:
            return ErrorCode(candidate)
    return None


def _decode(cls: type[EncoreError], problem: Mapping[Any, Any]) -> dict[str, object] | None:
    attributes: dict[str, object] = {}
    for name in cls.fields:
        _, decode = CODECS[name]
        try:
            attributes[name] = decode(problem.get(name))
        except _Bad:
            return None
    return attributes


def _no_detail(status: int | None) -> str:
    said = f" (HTTP {status})" if status is not None else ""
    return (
        f"The venue server refused this{said} without saying why. "
        "Please try again; if it keeps happening, call staff."
    )
