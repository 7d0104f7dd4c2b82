"""A crowd of buyers released at once against one concert, and the checks that no place was sold twice."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import places, tickets
from core.domain.errors import EncoreError
from core.domain.ids import ConcertId, PlaceId
from core.services.context import ServiceContext

Buy = Callable[[int], Awaitable[list[PlaceId]]]
"""One buyer's attempt: returns the places it ended up with, or raises."""


@dataclass
class Outcome:
    won: list[list[PlaceId]] = field(default_factory=list)
    typed_losses: Counter[str] = field(default_factory=Counter)
    untyped: list[BaseException] = field(default_factory=list)

    @property
    def claimed(self) -> Counter[PlaceId]:
        return Counter(p for places_ in self.won for p in places_)

    @property
    def double_claims(self) -> int:
        return sum(n - 1 for n in self.claimed.values() if n > 1)


async def crowd(buyers: int, buy: Buy, *, seed: int = 7) -> Outcome:
    """Start every buyer, then release them together so their transactions overlap."""
    start = asyncio.Event()
    outcome = Outcome()
    rnd = random.Random(seed)
    delays = [rnd.random() * 0.002 for _ in range(buyers)]

    async def one(n: int) -> None:
        await start.wait()
        await asyncio.sleep(delays[n])
        try:
            outcome.won.append(await buy(n))
        except EncoreError as exc:
            outcome.typed_losses[exc.code] += 1
        except Exception as exc:  # an untyped failure is a defect the test reports
            outcome.untyped.append(exc)

    tasks = [asyncio.create_task(one(n)) for n in range(buyers)]
    await asyncio.sleep(0.05)
    start.set()
    await asyncio.gather(*tasks)
    return outcome


async def database_counts(ctx: ServiceContext, concert_id: ConcertId) -> dict[str, int]:
    """What the database says: places by state, and places with more than one valid ticket."""

    async def work(conn: AsyncConnection) -> dict[str, int]:
        rows = (
            await conn.execute(
                select(places.c.state, func.count())
                .where(places.c.concert_id == concert_id)
                .group_by(places.c.state)
            )
        ).all()
        counts = {state: int(n) for state, n in rows}
        doubled = (
            await conn.execute(
                select(func.count()).select_from(
                    select(tickets.c.place_id)
                    .where(tickets.c.concert_id == concert_id, tickets.c.state == "valid")
                    .group_by(tickets.c.place_id)
                    .having(func.count() > 1)
                    .subquery()
                )
            )
        ).scalar_one()
        counts["places_in_two_orders"] = int(doubled)
        return counts

    return await ctx.db.read(work)
