"""The closed set of error codes: every code has exactly one class, and no class takes a code it did not declare."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.domain import errors
from core.domain.error_base import OWNER
from core.domain.errors import (
    Conflict,
    EncoreError,
    ErrorCode,
    HoldExpired,
    InputError,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    RateLimited,
    RequestTooLarge,
    SeatsTaken,
    StorageUnavailable,
    error_class_for,
)

ROOT = Path(__file__).resolve().parents[3]


def _all_classes() -> list[type[EncoreError]]:
    found, todo = [], [EncoreError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_code_belongs_to_exactly_one_class() -> None:
    owners: dict[ErrorCode, list[str]] = {}
    for cls in _all_classes():
        for code in cls.codes:
            owners.setdefault(code, []).append(cls.__name__)
    assert set(owners) == set(ErrorCode), "a code no class carries, or a class carrying a code not listed"
    assert {c: o for c, o in owners.items() if len(o) != 1} == {}
    for code in ErrorCode:
        cls = error_class_for(code)
        assert code in cls.codes
        assert error_class_for(code.value) is cls  # the plain string finds the same class


def test_each_class_declares_its_own_default_code() -> None:
    defaults = [cls.code for cls in _all_classes()]
    assert len(defaults) == len(set(defaults))
    assert all(error_class_for(cls.code) is cls for cls in _all_classes())


def test_the_registry_holds_only_the_domain_classes() -> None:
    # Every class is in core.domain (and reachable from core.domain.errors), so importing that is enough for
    # error_class_for to know them all.
    domain = {"core.domain.errors", "core.domain.error_base", "core.domain.edge_errors"}
    assert {cls.__module__ for cls in OWNER.values()} <= domain
    assert all(getattr(errors, cls.__name__) is cls for cls in OWNER.values())
    assert len(OWNER) == len(ErrorCode)


def test_an_unknown_code_string_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        error_class_for("no_such_code")


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda c: NotFound("gone", code=c), ErrorCode.SEATS_TAKEN),  # another class's code
        (lambda c: Conflict("clash", code=c), ErrorCode.HOLD_EXPIRED),  # a subclass's code
        (
            lambda c: NotAllowed("no", code=c),
            ErrorCode.SIGN_IN_FAILED,
        ),  # NotAuthenticated's, not NotAllowed's
        (lambda c: HoldExpired("late", code=c), ErrorCode.CONFLICT),  # the parent's default
        (lambda c: InputError("f", "bad", code=c), "not_a_code"),  # not an ErrorCode at all
        (lambda c: EncoreError("x", code=c), ErrorCode.NOT_FOUND),
    ],
)
def test_a_code_the_class_did_not_declare_is_refused(make: object, code: str) -> None:
    with pytest.raises(TypeError, match=repr(str(code)).strip("'")):
        make(code)  # type: ignore[operator]


def test_a_declared_code_is_kept_as_the_enum_even_from_a_string() -> None:
    exc = NotFound("gone", code="hold_not_found")  # type: ignore[arg-type]  # what a decoder may pass
    assert exc.code is ErrorCode.HOLD_NOT_FOUND
    assert exc.code == "hold_not_found"  # StrEnum: the apps' string comparisons keep working
    assert HoldExpired("late", code=ErrorCode.HOLD_RELEASED).code is ErrorCode.HOLD_RELEASED
    assert NotFound("gone").code is ErrorCode.NOT_FOUND


def test_a_class_cannot_take_a_code_another_class_owns() -> None:
    before = dict(OWNER)
    with pytest.raises(TypeError, match="'hold_released' is declared by both HoldExpired and Thief"):

        class Thief(EncoreError):
            code = ErrorCode.HOLD_RELEASED  # HoldExpired's

    with pytest.raises(TypeError, match="'not_found' is declared by both NotFound and Other"):

        class Other(EncoreError):
            code = ErrorCode.NOT_FOUND

    assert dict(OWNER) == before  # the refused class registered nothing


def test_a_class_without_its_own_code_is_refused() -> None:
    with pytest.raises(TypeError, match="must declare its own default code"):

        class Vague(NotFound):
            pass


def test_the_http_api_codes_exist_with_their_classes() -> None:
    assert issubclass(NotAuthenticated, NotAllowed)
    assert NotAuthenticated().code is ErrorCode.UNAUTHENTICATED
    assert (NotAuthenticated.status, NotAllowed.status) == (401, 403)
    assert StorageUnavailable("down", code=ErrorCode.SERVER_UNREACHABLE).code == "server_unreachable"
    limited = RateLimited(2.5)
    assert (limited.code, limited.retry_after_s, limited.status) == (ErrorCode.RATE_LIMITED, 2.5, 429)
    assert "3 s" in limited.message
    big = RequestTooLarge(1_000_000)
    assert (big.code, big.status, big.limit_bytes) == (ErrorCode.REQUEST_TOO_LARGE, 413, 1_000_000)
    assert isinstance(big, InputError)


def test_seats_taken_without_labels_keeps_its_code_and_can_say_something_else() -> None:
    exc = SeatsTaken((), message="Many people are choosing seats right now. Please try again.")
    assert (exc.code, exc.labels, exc.message[:4]) == (ErrorCode.SEATS_TAKEN, (), "Many")


def _loose_code_strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}: code={kw.value.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for kw in node.keywords
        if kw.arg == "code" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str)
    ]


def test_no_error_code_is_passed_as_a_loose_string() -> None:
    loose = [
        hit
        for package in ("core", "kiosk", "admin")
        for path in sorted((ROOT / package).rglob("*.py"))
        for hit in _loose_code_strings(path)
    ]
    assert loose == []


def test_the_tree_docstring_names_every_class() -> None:
    doc = errors.__doc__ or ""
    assert [cls.__name__ for cls in _all_classes() if cls.__name__ not in doc] == []
