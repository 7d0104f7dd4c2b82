"""The request body's size limit, and rate limits on the doors an attacker knocks on (enrolment, sign-in,
challenges, PINs), per client address.

Counted in this process with a sliding window per key. Per-account limits (wrong passwords, wrong PINs) live in
the database with the account, so they hold across every replica; these limits only blunt floods.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field

from core.domain.errors import RateLimited

__all__ = ["MAX_BODY_BYTES", "Limit", "Limiter", "RateLimited"]

MAX_BODY_BYTES = 64 * 1024
"""No use case needs more; a larger body is refused (413, RequestTooLarge) before it is read whole."""


@dataclass(frozen=True, slots=True)
class Limit:
    count: int
    per_s: float


@dataclass
class Limiter:
    limits: dict[str, Limit]
    _hits: dict[tuple[str, str], deque[float]] = field(default_factory=dict)
    _max_keys: int = 50_000

    def hit(self, bucket: str, client: str, *, now: float | None = None) -> None:
        """Count one request of ``client`` in ``bucket``; RateLimited once the bucket's limit is used up."""
        limit = self.limits.get(bucket)
        if limit is None:
            return
        now = time.monotonic() if now is None else now
        if len(self._hits) > self._max_keys:
            self._hits.clear()  # a flood of addresses must not grow memory without bound
        hits = self._hits.setdefault((bucket, client), deque())
        while hits and hits[0] <= now - limit.per_s:
            hits.popleft()
        if len(hits) >= limit.count:
            raise RateLimited(
                float(max(1, math.ceil(hits[0] + limit.per_s - now)))
            )  # whole seconds, as Retry-After
        hits.append(now)


DEFAULT_LIMITS = {
    "enrol": Limit(10, 60.0),
    "challenge": Limit(60, 60.0),
    "sign_in": Limit(20, 60.0),
    "pin": Limit(30, 60.0),
}


def limits_from(text: str) -> dict[str, Limit]:
    """DEFAULT_LIMITS with the overrides of the server_rate_limits setting ('enrol=10/60,pin=30/60')."""
    limits = dict(DEFAULT_LIMITS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, rate = part.partition("=")
        count, _, seconds = rate.partition("/")
        limits[name.strip()] = Limit(int(count), float(seconds))
    return limits
