"""Lock-out after wrong secrets: a count of wrong tries in a row, and a lock that grows with each lock-out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    max_failures: int
    """Wrong tries in a row that lock."""
    first: timedelta
    """The first lock; each further lock doubles it, up to ``cap``."""
    cap: timedelta

    def lock_for(self, lockouts: int) -> timedelta:
        """How long the next lock lasts after ``lockouts`` earlier ones (since the last right secret)."""
        return min(self.first * (1 << min(lockouts, 32)), self.cap)


@dataclass(frozen=True, slots=True)
class Guard:
    """The wrong-try state of one account or device, as stored."""

    failures: int = 0
    """Wrong tries in a row since the last right one or the last lock."""
    lockouts: int = 0
    """Locks since the last right secret: the next lock lasts longer."""
    locked_until: datetime | None = None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    def admits(self, policy: LockoutPolicy, checking: int) -> bool:
        """Whether one more try may be checked while ``checking`` others still are: every one of them may turn
        out wrong, so together they must stay within the tries left."""
        return self.failures + checking < policy.max_failures

    def fail(self, policy: LockoutPolicy, now: datetime) -> Guard:
        """One more wrong try: the count grows, or the guard locks and the count starts again. A locked guard
        stays as it is (a try settled after the lock must not lift it)."""
        if self.locked(now):
            return self
        failures = self.failures + 1
        if failures >= policy.max_failures:
            return Guard(0, self.lockouts + 1, now + policy.lock_for(self.lockouts))
        return Guard(failures, self.lockouts, None)

    def tries_left(self, policy: LockoutPolicy) -> int:
        return policy.max_failures - self.failures
