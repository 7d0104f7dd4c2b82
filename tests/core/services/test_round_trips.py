"""Round trips to PostgreSQL per hot operation, counted on the socket: a regression shows here.

Each hold kind, extend and release is one statement in autocommit (core/db/hold_statements.py): one flight,
no BEGIN, no COMMIT. Best available reads the free seats (one statement) before it holds a block (one more).
Every operation is run once before it is counted, so the statement is prepared on the connection already: the
count is the steady state of a busy server, not a connection's first use.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from core.domain.errors import SeatsTaken
from core.services import sales
from core.services.context import ServiceContext
from tests.builders import Stage, build_stage
from tests.support.round_trips import RoundTrips

pytestmark = pytest.mark.postgres


async def _counted(counter: RoundTrips, call: Callable[[], Awaitable[object]]) -> int:
    counter.count, counter.enabled = 0, True
    try:
        await call()
    finally:
        counter.enabled = False
    return counter.count


@pytest.fixture
async def counted(pg_ctx: ServiceContext) -> tuple[ServiceContext, Stage, RoundTrips]:
    stage = await build_stage(pg_ctx, rows=4, seats_per_row=10, standing=200, max_per_order=8)
    counter = RoundTrips()
    counter.attach(pg_ctx.db.engine)
    return pg_ctx, stage, counter


async def test_each_hold_kind_is_one_round_trip(counted) -> None:
    ctx, stage, counter = counted
    kiosk, seats = stage.kiosk, stage.seats
    calls: dict[str, Callable[[int], Awaitable[object]]] = {
        "standing": lambda n: sales.hold_standing(ctx, kiosk, stage.id, stage.standing, 2),
        "standing, keyed": lambda n: sales.hold_standing(
            ctx, kiosk, stage.id, stage.standing, 2, request_key=f"standing-{n}"
        ),
        "chosen seats": lambda n: sales.hold_places(ctx, kiosk, stage.id, [seats[2 * n], seats[2 * n + 1]]),
        "best available": lambda n: sales.hold_best_available(ctx, kiosk, stage.id, stage.seated, 2),
    }
    trips = {}
    for name, call in calls.items():
        await call(0)  # prepares the statement on the connection
        trips[name] = await _counted(counter, lambda call=call: call(1))
    assert trips == {"standing": 1, "standing, keyed": 1, "chosen seats": 1, "best available": 2}


async def test_a_retried_request_is_one_round_trip_and_gets_the_same_hold(counted) -> None:
    ctx, stage, counter = counted
    first = await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 2, request_key="again-1")
    again: list[object] = []

    async def retry() -> None:
        again.append(
            await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 2, request_key="again-1")
        )

    assert await _counted(counter, retry) == 1
    assert again == [first]


async def test_extend_and_release_are_one_round_trip_each(counted) -> None:
    ctx, stage, counter = counted
    holds = [await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 2) for _ in range(2)]
    await sales.extend_hold(ctx, stage.kiosk, holds[0].id)  # prepared
    await sales.release_hold(ctx, stage.kiosk, holds[0].id)

    extend = await _counted(counter, lambda: sales.extend_hold(ctx, stage.kiosk, holds[1].id))
    release = await _counted(counter, lambda: sales.release_hold(ctx, stage.kiosk, holds[1].id))
    again = await _counted(counter, lambda: sales.release_hold(ctx, stage.kiosk, holds[1].id))

    assert (extend, release, again) == (1, 1, 1)


async def test_a_refused_hold_is_one_round_trip_too(counted) -> None:
    """The reason comes back with the same reply: no second look to explain it."""
    ctx, stage, counter = counted
    taken = await sales.hold_places(ctx, stage.other_kiosk, stage.id, [stage.seats[5]])
    assert taken.places

    async def refused() -> None:
        with pytest.raises(SeatsTaken):
            await sales.hold_places(ctx, stage.kiosk, stage.id, [stage.seats[4], stage.seats[5]])

    await refused()
    assert await _counted(counter, refused) == 1
