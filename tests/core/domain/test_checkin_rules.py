"""The one set of check-in rules both doors apply: every reason has its row, refusals come in one order, and
the outcome carries its reason code, the offline flag and the details a door shows (date, concert)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from core.domain import checkin_rules as rules
from core.domain.checkin import ScanResult
from core.domain.door import OFFLINE_NOTE
from core.domain.ids import ConcertId, TicketId
from core.domain.scan_reasons import REASONS, ScanReason

TONIGHT = ConcertId(1)
OTHER = ConcertId(2)
OPENS = datetime(2026, 12, 8, 18, 0, tzinfo=UTC)  # 19:00 in Berlin
DOOR = rules.DoorFacts(TONIGHT, OPENS, "Europe/Berlin")
GOOD = rules.TicketFacts(TicketId(7), TONIGHT, sold=True, serial="S7", place="Stalls, row A, seat 1")
OPEN = OPENS + timedelta(minutes=5)


def test_every_reason_has_a_row_and_its_message_starts_with_a_capital():
    assert set(REASONS) == set(ScanReason)
    for reason, row in REASONS.items():
        assert row.sentence[0].isupper() or row.sentence.startswith("{"), reason


def test_a_good_ticket_at_an_open_door_may_pass_and_says_admit():
    assert rules.judge(GOOD, DOOR, OPEN) is None
    admit = rules.admitted(GOOD, DOOR)
    assert (admit.result, admit.reason, admit.offline, admit.admitted) == (
        ScanResult.ADMIT,
        ScanReason.ADMITTED,
        False,
        True,
    )
    assert admit.message == "ADMIT: Stalls, row A, seat 1."
    offline = rules.admitted(GOOD, replace(DOOR, offline=True))
    assert offline.offline
    assert offline.message == f"ADMIT: Stalls, row A, seat 1. {OFFLINE_NOTE}"


@pytest.mark.parametrize(
    ("ticket", "reason"),
    [
        # Each row breaks every rule from its own on: the first broken rule decides.
        (replace(GOOD, forged=True, concert_id=OTHER, void=True, demo=True), ScanReason.NOT_GENUINE),
        (replace(GOOD, concert_id=OTHER, void=True, sold=False, demo=True), ScanReason.WRONG_CONCERT),
        (replace(GOOD, void=True, sold=False, demo=True), ScanReason.VOID),
        (replace(GOOD, sold=False, demo=True), ScanReason.NOT_GENUINE),
        (replace(GOOD, demo=True), ScanReason.DEMO_TICKET),
        (GOOD, ScanReason.TOO_EARLY),
    ],
)
def test_refusals_come_in_one_order(ticket, reason):
    refused = rules.judge(ticket, DOOR, OPENS - timedelta(minutes=1))
    assert refused is not None
    assert refused.reason is reason
    assert refused.result is REASONS[reason].result


def test_a_demo_ticket_passes_on_a_demo_database_and_an_exit_is_never_too_early():
    assert rules.judge(replace(GOOD, demo=True), replace(DOOR, demo_database=True), OPEN) is None
    assert rules.judge(GOOD, DOOR, OPENS - timedelta(days=1), entry=False) is None


def test_too_early_says_the_time_tonight_and_the_date_days_before():
    tonight = rules.judge(GOOD, DOOR, OPENS - timedelta(hours=1))
    assert tonight is not None
    assert tonight.message == "TOO EARLY: Entry opens at 19:00. Ask the guest to wait."
    assert (tonight.opens_at, tonight.timezone) == (OPENS, "Europe/Berlin")
    days = rules.judge(GOOD, DOOR, OPENS - timedelta(days=3))
    assert days is not None
    assert days.message == "TOO EARLY: Entry opens on Tue 8 Dec at 19:00. Ask the guest to wait."


def test_wrong_concert_names_the_tickets_concert_when_known():
    known = replace(
        GOOD, concert_id=OTHER, concert_title="Brass Avenue", concert_at=OPENS + timedelta(days=7)
    )
    wrong = rules.judge(known, DOOR, OPEN)
    assert wrong is not None
    assert wrong.message == (
        "WRONG CONCERT: This ticket is for Brass Avenue, doors Tue 15 Dec 19:00. Send the guest to the box office."
    )
    assert (wrong.concert_id, wrong.ticket_concert, wrong.ticket_concert_at) == (
        OTHER,
        "Brass Avenue",
        OPENS + timedelta(days=7),
    )
    unknown = rules.judge(replace(GOOD, concert_id=OTHER), replace(DOOR, offline=True), OPEN)
    assert unknown is not None
    assert "This ticket is for another concert." in unknown.message
    assert unknown.offline


def test_already_used_says_when_and_where():
    used = rules.already_used(GOOD, DOOR, OPEN, OPENS + timedelta(minutes=2), "North")
    assert used.message == "ALREADY USED: Admitted at 19:02 at North. Do not admit again."
    assert (used.first_scan_at, used.first_gate) == (OPENS + timedelta(minutes=2), "North")
    assert not used.admitted


def test_nothing_of_a_forged_ticket_is_shown():
    forged = rules.judge(replace(GOOD, forged=True), replace(DOOR, offline=True), OPEN)
    assert forged is not None
    assert (forged.ticket_id, forged.place, forged.serial, forged.offline) == (None, None, None, True)
    garbage = rules.not_a_ticket()
    assert (garbage.result, garbage.reason, garbage.offline) == (
        ScanResult.NOT_VALID,
        ScanReason.NOT_A_TICKET,
        False,
    )
