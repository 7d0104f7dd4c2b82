"""The lock-out rule: wrong tries in a row lock, each further lock lasts twice as long up to a cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.domain.lockout import Guard, LockoutPolicy

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
POLICY = LockoutPolicy(5, timedelta(minutes=1), timedelta(hours=1))


def _lock_once(guard: Guard, now: datetime) -> Guard:
    for _ in range(POLICY.max_failures):
        assert not guard.locked(now)
        guard = guard.fail(POLICY, now)
    return guard


def test_five_wrong_in_a_row_lock_for_a_minute_then_the_count_starts_again() -> None:
    guard = Guard()
    for left in (4, 3, 2, 1):
        guard = guard.fail(POLICY, NOW)
        assert (guard.tries_left(POLICY), guard.locked(NOW)) == (left, False)
    guard = guard.fail(POLICY, NOW)
    assert guard == Guard(0, 1, NOW + timedelta(minutes=1))
    assert guard.locked(NOW + timedelta(seconds=59))
    assert not guard.locked(NOW + timedelta(minutes=1))


def test_each_further_lock_doubles_up_to_an_hour() -> None:
    guard, now, lengths = Guard(), NOW, []
    for _ in range(9):
        guard = _lock_once(guard, now)
        assert guard.locked_until is not None
        lengths.append(guard.locked_until - now)
        now = guard.locked_until
    assert [int(d.total_seconds() // 60) for d in lengths] == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_the_cap_holds_after_very_many_locks() -> None:
    assert POLICY.lock_for(10_000) == timedelta(hours=1)
