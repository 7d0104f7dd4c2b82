"""The door's own words: one translatable sentence per reason code, chosen by the code (never by reading core's
English), each starting with a capital letter, with the outcome's details filled in."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from core.domain import checkin_rules as rules
from core.domain.ids import ConcertId, TicketId
from core.domain.scan_reasons import ScanReason
from kiosk.viewmodels.door_words import REASON_TEXTS, reason_text

OPENS = datetime(2026, 12, 8, 18, 0, tzinfo=UTC)
DOOR = rules.DoorFacts(ConcertId(1), OPENS, "Europe/Berlin", offline=True)
TICKET = rules.TicketFacts(TicketId(7), ConcertId(2), sold=False, place="Stalls, row A, seat 1")


def test_every_reason_has_a_sentence_that_starts_with_a_capital():
    assert set(REASON_TEXTS) == set(ScanReason)
    for reason, text in REASON_TEXTS.items():
        assert text.source[0].isupper(), reason
        assert text.context == "Door"  # translatable (lupdate finds QT_TRANSLATE_NOOP in this context)


def test_the_reason_comes_from_the_code_not_from_cores_english():
    outcome = replace(rules.admitted(TICKET, DOOR), message="anything at all")
    assert str(reason_text(outcome, OPENS)) == "Let the guest in."


def test_offline_wrong_concert_is_named_from_the_doors_concert_list():
    wrong = rules.judge(TICKET, DOOR, OPENS)
    assert wrong is not None
    assert wrong.ticket_concert is None  # the snapshot does not know other concerts
    listed = [(ConcertId(2), "Brass Avenue", "Tue 15 Dec, doors 19:00")]
    assert str(reason_text(wrong, OPENS, listed)) == (
        "This ticket is for Brass Avenue (Tue 15 Dec, doors 19:00). Send the guest to the box office."
    )
    assert (
        str(reason_text(wrong, OPENS))
        == "This ticket is for another concert. Send the guest to the box office."
    )


def test_too_early_and_already_used_say_the_date_on_another_day():
    early = rules.judge(replace(TICKET, concert_id=ConcertId(1), sold=True), DOOR, OPENS - timedelta(days=2))
    assert early is not None
    assert str(reason_text(early, OPENS - timedelta(days=2))) == (
        "Entry opens on Tue 8 Dec at 19:00. Ask the guest to wait."
    )
    used = rules.already_used(TICKET, DOOR, OPENS + timedelta(days=1), OPENS, "North")
    assert str(reason_text(used, OPENS + timedelta(days=1))) == (
        "Admitted on Tue 8 Dec at 19:00 at North. Do not admit again."
    )
