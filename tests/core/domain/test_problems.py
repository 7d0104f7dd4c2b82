"""RFC 9457 problem details: every code survives to_problem -> JSON -> from_problem; bad documents never crash."""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain.checkin import ScanResult
from core.domain.errors import (
    BackupError,
    BadSignature,
    BundleRejected,
    ConfigError,
    Conflict,
    DeviceNotApproved,
    EncoreError,
    ErrorCode,
    ExtensionLimit,
    FileProblem,
    GateCommandRefused,
    GateUnavailable,
    HoldExpired,
    InputError,
    InvalidTicket,
    LiveUpdatesUnavailable,
    MailError,
    MailRejected,
    MailUnavailable,
    MalformedEvent,
    MalformedTicket,
    NotAllowed,
    NotAuthenticated,
    NotEnoughPlaces,
    NotFound,
    PaymentDeclined,
    PinLockedOut,
    PlanFileError,
    PrintFailed,
    RateLimited,
    RequestTooLarge,
    SalesClosed,
    SeatsTaken,
    SessionInvalid,
    SignInLockedOut,
    StaffPinLockedOut,
    StorageBusy,
    StorageUnavailable,
    TicketRejected,
    UnknownKey,
    WrongPin,
    error_class_for,
)
from core.domain.problems import CODECS, RESERVED, TYPE_PREFIX, from_problem, to_problem

LOCKED_UNTIL = datetime(2026, 12, 3, 20, 15, 30, 123456, tzinfo=UTC)

# One representative error per class, given the code to carry (classes with one code ignore it).
SAMPLES: dict[type[EncoreError], Callable[[ErrorCode], EncoreError]] = {
    EncoreError: lambda c: EncoreError("Something went wrong behind the counter. Please call staff.", code=c),
    InputError: lambda c: InputError("quantity", "choose 1 to 8 places.", code=c),
    PlanFileError: lambda c: PlanFileError(
        "hall.csv", [FileProblem(3, "row name missing"), FileProblem(9, "x")]
    ),
    MalformedEvent: lambda c: MalformedEvent("not JSON"),
    RequestTooLarge: lambda c: RequestTooLarge(1_048_576),
    ConfigError: lambda c: ConfigError(
        "/etc/encore/encore.toml", "database.url", "must start with postgresql://"
    ),
    NotAllowed: lambda c: NotAllowed("Your role may not do this. Ask a manager.", code=c),
    NotAuthenticated: lambda c: NotAuthenticated(code=c),
    DeviceNotApproved: lambda c: DeviceNotApproved("This terminal waits for a manager's approval.", code=c),
    WrongPin: lambda c: WrongPin(2),
    PinLockedOut: lambda c: PinLockedOut(LOCKED_UNTIL, minutes_left=4),
    StaffPinLockedOut: lambda c: StaffPinLockedOut(LOCKED_UNTIL, now=LOCKED_UNTIL - timedelta(minutes=3)),
    SignInLockedOut: lambda c: SignInLockedOut(LOCKED_UNTIL, now=LOCKED_UNTIL - timedelta(seconds=30)),
    SessionInvalid: lambda c: SessionInvalid("Your session has ended; sign in again.", code=c),
    NotFound: lambda c: NotFound("There is no such thing; reload and choose again.", code=c),
    Conflict: lambda c: Conflict("That clashes with what is there now; reload and try again.", code=c),
    SeatsTaken: lambda c: SeatsTaken(["A1", "Rang B 12"]),
    NotEnoughPlaces: lambda c: NotEnoughPlaces(5, "Stalls"),
    HoldExpired: lambda c: HoldExpired("Your time ran out; choose again.", code=c),
    SalesClosed: lambda c: SalesClosed("Sales have closed.", code=c),
    ExtensionLimit: lambda c: ExtensionLimit("No more extra time.", code=c),
    PaymentDeclined: lambda c: PaymentDeclined(),
    TicketRejected: lambda c: TicketRejected(
        "Used at gate 2 at 19:40.", result=ScanResult.ALREADY_USED, code=c
    ),
    InvalidTicket: lambda c: InvalidTicket(code=c),
    MalformedTicket: lambda c: MalformedTicket(
        "This ticket is in a format this device does not know.", code=c
    ),
    BadSignature: lambda c: BadSignature(code=c),
    UnknownKey: lambda c: UnknownKey(code=c),
    StorageUnavailable: lambda c: StorageUnavailable("The ticket database cannot be reached.", code=c),
    StorageBusy: lambda c: StorageBusy("Very busy; nothing was changed. Try again.", code=c),
    RateLimited: lambda c: RateLimited(2.5),
    LiveUpdatesUnavailable: lambda c: LiveUpdatesUnavailable("Live seat updates are off.", code=c),
    GateCommandRefused: lambda c: GateCommandRefused("Gate 3 refused the command; open it by hand.", code=c),
    GateUnavailable: lambda c: GateUnavailable("Gate 3 did not get the command; open it by hand.", code=c),
    BundleRejected: lambda c: BundleRejected(
        "The verification bundle is too old; publish a new one.", code=c
    ),
    MailError: lambda c: MailError("relay broke", smtp_code=None),
    MailUnavailable: lambda c: MailUnavailable("relay deferred the message", smtp_code=451),
    MailRejected: lambda c: MailRejected("relay refused the recipient", smtp_code=550),
    PrintFailed: lambda c: PrintFailed("paper jam", code=c),
    BackupError: lambda c: BackupError("/var/backups/encore-2026.pgdump", "the file ends early.", code=c),
}

STATUS = {
    InputError: 422, NotAuthenticated: 401, NotAllowed: 403, DeviceNotApproved: 403, WrongPin: 403,
    PinLockedOut: 429, NotFound: 404, Conflict: 409, TicketRejected: 422, StorageUnavailable: 503,
    StorageBusy: 503, RateLimited: 429, RequestTooLarge: 413, ConfigError: 500, SeatsTaken: 409,
    StaffPinLockedOut: 429, SignInLockedOut: 429, SessionInvalid: 401,
    InvalidTicket: 422, BundleRejected: 503, EncoreError: 500,
}  # fmt: skip


def sample(code: ErrorCode) -> EncoreError:
    error = SAMPLES[error_class_for(code)](code)
    assert error.code is code, f"the sample for {code} carries {error.code}"
    return error


def over_json(error: EncoreError) -> EncoreError:
    return from_problem(json.loads(json.dumps(to_problem(error))))


def assert_same(before: EncoreError, after: EncoreError) -> None:
    cls = type(before)
    assert type(after) is cls
    assert after.code is before.code
    assert (after.message, str(after), after.args) == (before.message, str(before), before.args)
    assert {f: getattr(after, f) for f in cls.fields} == {f: getattr(before, f) for f in cls.fields}
    # Nothing the class carries is left out of its fields (and so out of the problem document).
    assert set(vars(before)) <= {"message", "code", *cls.fields}


def test_there_is_a_sample_for_every_class() -> None:
    assert {error_class_for(c) for c in ErrorCode} == set(SAMPLES)


@pytest.mark.parametrize("code", list(ErrorCode), ids=str)
def test_every_code_survives_a_round_trip(code: ErrorCode) -> None:
    error = sample(code)
    problem = to_problem(error)
    assert problem["type"] == f"urn:encore:problem:{code.value}"
    assert (problem["code"], problem["detail"], problem["status"]) == (
        code.value,
        error.message,
        type(error).status,
    )
    assert isinstance(problem["title"], str)
    assert problem["title"]
    assert_same(error, over_json(error))


@pytest.mark.parametrize(("cls", "status"), STATUS.items(), ids=lambda v: getattr(v, "__name__", str(v)))
def test_http_status_per_class(cls: type[EncoreError], status: int) -> None:
    assert cls.status == status
    assert to_problem(SAMPLES[cls](cls.code))["status"] == status


def test_attributes_go_out_as_plain_json() -> None:
    plan = to_problem(SAMPLES[PlanFileError](ErrorCode.PLAN_FILE_INVALID))
    assert plan["problems"] == [{"line": 3, "problem": "row name missing"}, {"line": 9, "problem": "x"}]
    assert (plan["field"], plan["code"]) == ("hall.csv", "plan_file_invalid")
    assert to_problem(PinLockedOut(LOCKED_UNTIL))["until"] == "2026-12-03T20:15:30.123456+00:00"
    assert to_problem(SeatsTaken(["A1"]))["labels"] == ["A1"]
    assert to_problem(TicketRejected("used", result=ScanResult.ALREADY_USED))["result"] == "already_used"
    assert to_problem(RateLimited(0.25))["retry_after_s"] == 0.25
    config = to_problem(ConfigError("f.toml", "smtp.port", "must be a number"))
    assert (config["file"], config["key"], config["problem"]) == ("f.toml", "smtp.port", "must be a number")


def test_every_attribute_has_a_codec_and_no_reserved_name() -> None:
    fields = {f for c in SAMPLES for f in c.fields}
    assert fields <= set(CODECS)
    assert fields & RESERVED == set()


def test_a_lockout_in_another_timezone_keeps_its_instant() -> None:
    until = datetime(2026, 12, 3, 21, 0, tzinfo=timezone(timedelta(hours=1)))
    back = over_json(PinLockedOut(until))
    assert isinstance(back, PinLockedOut)
    assert back.until == until
    assert back.until.utcoffset() == timedelta(hours=1)


texts = st.text(min_size=1, max_size=300)


@given(message=texts, code=st.sampled_from(sorted(NotFound.codes)))
def test_any_message_survives(message: str, code: ErrorCode) -> None:
    assert_same(NotFound(message, code=code), over_json(NotFound(message, code=code)))


@given(labels=st.lists(st.text(max_size=40), max_size=30))
def test_any_labels_survive(labels: list[str]) -> None:
    assert_same(SeatsTaken(labels), over_json(SeatsTaken(labels)))


@given(
    field=st.text(max_size=80), problem=st.text(max_size=200), code=st.sampled_from(sorted(InputError.codes))
)
def test_any_input_error_survives(field: str, problem: str, code: ErrorCode) -> None:
    assert_same(InputError(field, problem, code=code), over_json(InputError(field, problem, code=code)))


@given(
    problems=st.lists(
        st.builds(FileProblem, st.integers(0, 10**6), st.text(max_size=60)), min_size=1, max_size=20
    )
)
def test_any_plan_file_problems_survive(problems: list[FileProblem]) -> None:
    assert_same(PlanFileError("plan.csv", problems), over_json(PlanFileError("plan.csv", problems)))


@given(
    seconds=st.floats(min_value=0, max_value=1e9, allow_nan=False),
    until=st.datetimes(timezones=st.just(UTC)),
    tries=st.integers(0, 10),
)
def test_any_numbers_and_times_survive(seconds: float, until: datetime, tries: int) -> None:
    for error in (
        RateLimited(seconds),
        PinLockedOut(until),
        WrongPin(tries),
        NotEnoughPlaces(tries, "Stalls"),
    ):
        assert_same(error, over_json(error))


@pytest.mark.parametrize(
    ("problem", "cls", "code"),
    [
        ({}, EncoreError, ErrorCode.ERROR),
        ({"code": 5, "status": "404"}, EncoreError, ErrorCode.ERROR),
        ({"status": True, "detail": "x"}, EncoreError, ErrorCode.ERROR),  # a bool is not a status
        ({"status": 404, "detail": 7}, NotFound, ErrorCode.NOT_FOUND),
        ({"code": "no_such_code", "status": 409, "detail": "newer server"}, Conflict, ErrorCode.CONFLICT),
        ({"code": "no_such_code", "status": 599}, EncoreError, ErrorCode.ERROR),
        ({"type": TYPE_PREFIX + "hold_released", "status": 409}, HoldExpired, ErrorCode.HOLD_RELEASED),
        ({"type": "about:blank", "code": "hold_not_found"}, NotFound, ErrorCode.HOLD_NOT_FOUND),
        ({"code": "wrong_pin", "detail": "no"}, NotAllowed, ErrorCode.NOT_ALLOWED),  # tries_left missing
        ({"code": "wrong_pin", "tries_left": "2"}, NotAllowed, ErrorCode.NOT_ALLOWED),
        ({"code": "wrong_pin", "tries_left": True}, NotAllowed, ErrorCode.NOT_ALLOWED),
        (
            {"code": "pin_locked_out", "until": "2026-12-03T20:15:00"},
            NotAllowed,
            ErrorCode.NOT_ALLOWED,
        ),  # naive
        ({"code": "pin_locked_out", "until": "soon"}, NotAllowed, ErrorCode.NOT_ALLOWED),
        ({"code": "seats_taken", "labels": ["A1", 2]}, Conflict, ErrorCode.CONFLICT),
        ({"code": "seats_taken", "labels": "A1"}, Conflict, ErrorCode.CONFLICT),
        ({"code": "email_invalid", "field": "email"}, EncoreError, ErrorCode.ERROR),  # problem missing
        (
            {
                "code": "plan_file_invalid",
                "field": "f.csv",
                "problem": "2 errors",
                "problems": [{"line": "x"}],
            },
            InputError,
            ErrorCode.INVALID_INPUT,
        ),
        ({"code": "ticket_rejected", "result": "maybe"}, EncoreError, ErrorCode.ERROR),
        ({"code": "rate_limited", "retry_after_s": float("nan")}, EncoreError, ErrorCode.ERROR),
        ({"code": "rate_limited", "retry_after_s": -1}, EncoreError, ErrorCode.ERROR),
        ({"code": "mail_rejected", "smtp_code": "550"}, EncoreError, ErrorCode.ERROR),
        ({"code": "mail_rejected"}, MailRejected, ErrorCode.MAIL_REJECTED),  # smtp_code may be absent (None)
        ({"status": 429, "detail": "slow down"}, EncoreError, ErrorCode.ERROR),  # no retry_after_s
        ({"status": 503}, StorageUnavailable, ErrorCode.STORAGE_UNAVAILABLE),
        ({"status": 401}, NotAuthenticated, ErrorCode.UNAUTHENTICATED),
    ],
)
def test_a_malformed_problem_gives_a_sane_error(
    problem: dict[str, Any], cls: type[EncoreError], code: str
) -> None:
    error = from_problem(problem)
    assert (type(error), error.code) == (cls, code)
    detail = problem.get("detail")
    if isinstance(detail, str):
        assert error.message == detail
    else:
        assert "without saying why" in error.message
        assert error.message == str(error)


@pytest.mark.parametrize("document", [None, [], "Internal Server Error", 42, b"{}", [{"code": "not_found"}]])
def test_a_reply_that_is_no_object_gives_a_plain_encore_error(document: object) -> None:
    error = from_problem(document)
    assert (type(error), error.code) == (EncoreError, ErrorCode.ERROR)
    assert "cannot read" in error.message


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
member_names = st.sampled_from(sorted({*RESERVED, *CODECS})) | st.text(string.ascii_lowercase, max_size=8)


@given(code=st.sampled_from(list(ErrorCode)), junk=st.dictionaries(member_names, json_values, max_size=8))
def test_from_problem_never_raises(code: ErrorCode, junk: dict[str, Any]) -> None:
    problem = {**to_problem(sample(code)), **junk}
    error = from_problem(problem)
    assert isinstance(error, EncoreError)
    assert error.code in type(error).codes
    assert error.message
