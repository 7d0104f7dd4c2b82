"""Core errors carry a message key and arguments, so each app says them in its buyer's language; both cross the
API with the error (problem details), and a key that is not the error's own is ignored."""

from __future__ import annotations

import json

import pytest

from core.domain.errors import (
    EncoreError,
    ErrorCode,
    HoldExpired,
    NotEnoughPlaces,
    SalesClosed,
    SeatsTaken,
    WrongPin,
)
from core.domain.names import name_in, translations_from
from core.domain.places import PlaceName
from core.domain.problems import from_problem, to_problem

STALLS = PlaceName("Stalls", "C", 12, (("de", "Parkett"), ("es", "Platea")))


def over_json(error: EncoreError) -> EncoreError:
    return from_problem(json.loads(json.dumps(to_problem(error))))


def test_the_key_is_the_code_and_the_arguments_are_the_fields() -> None:
    error = NotEnoughPlaces(3, "Floor")
    assert error.message_key == "not_enough_places"
    assert error.message_args == {"wanted": 3, "section": "Floor"}
    assert WrongPin(2).message_args == {"tries_left": 2}
    assert HoldExpired("gone", code=ErrorCode.HOLD_RELEASED).message_key == "hold_released"
    assert "message_key" not in to_problem(error)  # the code says it


def test_seats_taken_sends_its_places_as_parts_and_they_come_back() -> None:
    error = SeatsTaken([STALLS.label], places=[STALLS, PlaceName("Floor")])
    assert (
        error.message
        == "Sorry, Stalls, row C, seat 12 was just taken by someone else. Please choose other seats."
    )
    again = over_json(error)
    assert isinstance(again, SeatsTaken)
    assert again.places == (STALLS, PlaceName("Floor"))
    assert again.message_args == error.message_args
    assert again.places[1].standing


def test_a_finer_key_crosses_the_api() -> None:
    error = SeatsTaken((), message="Many people are choosing seats.", key=SeatsTaken.BUSY_KEY)
    assert error.message_key == "seats_taken.busy"
    assert over_json(error).message_key == "seats_taken.busy"


@pytest.mark.parametrize("key", ["hold_expired", "hold_expired.x", "", 7, "seats_taken." + "x" * 200])
def test_a_key_that_is_not_the_errors_own_is_ignored(key: object) -> None:
    problem = to_problem(SeatsTaken(["A1"]))
    problem["message_key"] = key
    assert from_problem(problem).message_key == "seats_taken"


def test_an_older_server_without_places_still_gives_seats_taken() -> None:
    problem = to_problem(SeatsTaken(["A1"]))
    del problem["places"]
    again = from_problem(problem)
    assert isinstance(again, SeatsTaken)
    assert again.labels == ("A1",)
    assert again.places == ()


def test_a_name_in_a_language_falls_back_to_the_base_language_then_to_the_name() -> None:
    names = translations_from({"de": "Parkett", "es": "Platea", "fr": 3, "it": "  "})
    assert names == (("de", "Parkett"), ("es", "Platea"))
    assert name_in("Stalls", names, "de") == "Parkett"
    assert name_in("Stalls", names, "de_AT") == "Parkett"
    assert name_in("Stalls", names, "fr") == "Stalls"
    assert name_in("Stalls", (), "de") == "Stalls"


@pytest.mark.parametrize("key", [SalesClosed.CANCELLED_KEY, SalesClosed.NOT_OPEN_KEY])
def test_why_sales_are_closed_crosses_the_api_as_its_key(key: str) -> None:
    back = over_json(SalesClosed("Night Music has been cancelled.", key=key))
    assert (back.code, back.message_key) == (ErrorCode.SALES_CLOSED, key)
