"""Tries of a secret (a password or a PIN) against lock-out guards: only wrong tries count, yet tries at once are
never checked more often than the tries left.

Each try *reserves* its check under the guards' row locks before its slow argon2 verify, outside any
transaction, and settles it afterwards: a right secret clears the guards, a wrong one counts. While the tries
being checked could use up every try left (all of them may turn out wrong), a further try waits for one to
settle instead of being checked. A reservation never settled (its request died mid-check) lapses after
RESERVATION_TTL and then counts as a wrong try, so breaking off a request never buys a free try.

A check that takes microseconds (a PIN's keyed fingerprint) needs no reservation: ``admit`` and ``record`` make
and count it under the same row locks, in one transaction, which tries at once then take in turn.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import guards
from core.db import payments as device_guards
from core.domain.errors import RateLimited
from core.domain.lockout import Guard, LockoutPolicy
from core.services.context import ServiceContext

T = TypeVar("T")

RESERVATION_TTL = timedelta(minutes=1)
"""Far longer than any verify takes (and than the server's request deadline): past it, a try counts as wrong."""
MAX_WAIT_S = 10.0
"""How long a try waits for the tries being checked to settle before it is refused (RateLimited)."""
_POLL_S = 0.05
_BUSY = "Several tries of this PIN or password are being checked at once; wait a moment and try again."


@dataclass(frozen=True, slots=True)
class Counter:
    """One guard a try counts against: an account's (attempt_guards) or a device's (pin_attempts)."""

    key: str
    """Of its reservations; unique across every guard."""
    policy: LockoutPolicy
    lock: Callable[[AsyncConnection, datetime], Awaitable[Guard]]
    """Reads the guard and locks its row for the rest of the transaction."""
    save: Callable[[AsyncConnection, Guard, datetime], Awaitable[None]]


def account(key: str, policy: LockoutPolicy) -> Counter:
    return Counter(
        key,
        policy,
        lambda conn, now: guards.lock(conn, key, now),
        lambda conn, guard, now: guards.save(conn, key, guard, now),
    )


def device(terminal: str, policy: LockoutPolicy) -> Counter:
    return Counter(
        f"terminal:{terminal}",
        policy,
        lambda conn, now: device_guards.lock_guard(conn, terminal, now),
        lambda conn, guard, now: device_guards.set_guard(conn, terminal, guard, now),
    )


@dataclass(frozen=True, slots=True)
class Reserved:
    """This try may be checked; settle it after the verify."""

    ids: tuple[int, ...]
    """Its reservation with each counter, in the counters' order."""


@dataclass(frozen=True, slots=True)
class Locked:
    """A guard is locked: the try is refused, neither checked nor counted."""

    guards: tuple[Guard, ...]


async def admit(
    conn: AsyncConnection, counters: Sequence[Counter], now: datetime
) -> tuple[Guard, ...] | Locked | None:
    """The guards, locked for the rest of the transaction, when one more try may be checked now; Locked; or
    None when the tries being checked could use up the tries left (wait and call again: ``until_reserved``).
    Locks the guards' rows in the counters' order, so two tries at once never wait on each other crosswise."""
    # Every guard locked first (in the counters' order), then one look at all their reservations.
    locked = [await counter.lock(conn, now) for counter in counters]
    pending = await guards.pending_of(conn, [c.key for c in counters], now)
    found: list[tuple[Guard, int]] = []
    for counter, guard in zip(counters, locked, strict=True):
        checking, lapsed = pending[counter.key]
        if lapsed:
            for _ in range(lapsed):
                guard = guard.fail(counter.policy, now)
            await counter.save(conn, guard, now)
        found.append((guard, checking))
    if any(guard.locked(now) for guard, _ in found):
        return Locked(tuple(guard for guard, _ in found))
    if not all(
        guard.admits(c.policy, checking) for c, (guard, checking) in zip(counters, found, strict=True)
    ):
        return None
    return tuple(guard for guard, _ in found)


async def record(
    conn: AsyncConnection,
    counters: Sequence[Counter],
    admitted: tuple[Guard, ...],
    *,
    right: bool,
    now: datetime,
) -> tuple[Guard, ...]:
    """A try ``admit`` let through, checked in the same transaction: a right secret clears every guard, a wrong
    one counts with each. Returns the guards as they are now."""
    settled = []
    for counter, was in zip(counters, admitted, strict=True):
        guard = Guard() if right else was.fail(counter.policy, now)
        if guard != was:  # a right PIN on a clear guard (the usual sale) writes nothing more
            await counter.save(conn, guard, now)
        settled.append(guard)
    return tuple(settled)


async def reserve(
    conn: AsyncConnection, counters: Sequence[Counter], now: datetime
) -> Reserved | Locked | None:
    """Reserve one try with every counter (to be checked outside the transaction and settled after), or
    Locked, or None as ``admit``."""
    admitted = await admit(conn, counters, now)
    if admitted is None or isinstance(admitted, Locked):
        return admitted
    return Reserved(await guards.reserve_each(conn, [c.key for c in counters], now + RESERVATION_TTL))


async def settle(
    conn: AsyncConnection, counters: Sequence[Counter], reserved: Reserved, *, right: bool, now: datetime
) -> tuple[Guard, ...]:
    """The verify's outcome: a right secret clears every guard, a wrong one counts with each. Returns the
    guards as they are now."""
    locked = [await counter.lock(conn, now) for counter in counters]
    still_reserved = await guards.release_each(conn, reserved.ids)
    settled = []
    for counter, was, still in zip(counters, locked, still_reserved, strict=True):
        guard = was
        if right:
            guard = Guard()
        elif still:  # a lapsed reservation was counted as wrong when it lapsed
            guard = guard.fail(counter.policy, now)
        if guard != was:  # a right PIN on a clear guard (the usual sale) writes nothing more
            await counter.save(conn, guard, now)
        settled.append(guard)
    return tuple(settled)


async def until_reserved(ctx: ServiceContext, step: Callable[[AsyncConnection], Awaitable[T | None]]) -> T:
    """Run ``step`` (which calls ``reserve``) in a write transaction until it returns something other than
    None; RateLimited if the tries being checked have not settled within MAX_WAIT_S."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + MAX_WAIT_S
    while True:
        outcome = await ctx.db.write(step)
        if outcome is not None:
            return outcome
        if loop.time() >= deadline:
            raise RateLimited(1.0, _BUSY)
        await asyncio.sleep(_POLL_S)
