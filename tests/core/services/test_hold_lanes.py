"""Standing holds gathered under load and made in one statement (core/services/hold_lanes.py, core/db/hold_batch.py).

On PostgreSQL, with the statements counted: concurrent buyers of a section share statements (the control, a
lane that never fills, makes one per hold), nothing is oversold, each hold is whole, every live update is sent,
and a request the batch could not hold for hears exactly why, with nothing written for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from core.db.tables import holds, places
from core.domain.errors import DeviceNotApproved, InputError, NotEnoughPlaces
from core.domain.holds import Hold
from core.domain.places import PlaceState
from core.services import devices, sales
from core.services.context import ServiceContext
from core.services.hold_lanes import HoldLanes
from tests.builders import ROOT, Stage, build_stage

pytestmark = pytest.mark.postgres

BUYERS = 24


@dataclass
class Statements:
    """Every statement sent on the engine (Hot.fetch tells the listeners too), and the batches among them."""

    sent: list[str] = field(default_factory=list)

    @property
    def batches(self) -> int:
        return sum("unnest(" in sql for sql in self.sent)


@contextmanager
def counting(ctx: ServiceContext) -> Iterator[Statements]:
    seen = Statements()
    engine = ctx.db.engine.sync_engine

    def heard(_conn: Any, _cursor: Any, sql: str, *_rest: Any) -> None:
        seen.sent.append(sql)

    event.listen(engine, "before_cursor_execute", heard)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", heard)


async def _state(ctx: ServiceContext) -> tuple[int, int]:
    """(hold rows, places held)."""

    async def read(conn: Any) -> tuple[int, int]:
        rows = await conn.scalar(select(func.count()).select_from(holds))
        held = await conn.scalar(select(func.count()).where(places.c.state == PlaceState.HELD.value))
        return int(rows), int(held)

    return await ctx.db.read(read)


async def _buy(ctx: ServiceContext, stage: Stage, quantities: list[int]) -> list[Hold]:
    return list(
        await asyncio.gather(
            *(sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, q) for q in quantities)
        )
    )


@pytest.mark.parametrize("lanes", ["gathered", "control: a lane that never fills"])
async def test_concurrent_buyers_of_a_section_share_statements_and_each_gets_whole_distinct_places(
    pg_ctx, lanes
):
    ctx = pg_ctx
    if lanes != "gathered":
        ctx.hold_lanes = HoldLanes(in_flight=10**6)
    stage = await build_stage(ctx, standing=100, max_per_order=4)
    quantities = [1 + n % 4 for n in range(BUYERS)]  # 60 places
    with counting(ctx) as statements:
        made = await _buy(ctx, stage, quantities)
    assert [len(h.places) for h in made] == quantities
    ids = [p.place_id for h in made for p in h.places]
    assert len(set(ids)) == len(ids) == sum(quantities)
    assert len({h.id for h in made}) == BUYERS
    assert await _state(ctx) == (BUYERS, sum(quantities))
    if lanes == "gathered":
        assert statements.batches >= 1
        assert len(statements.sent) < BUYERS / 2, statements.sent
    else:  # the control: every hold its own statement
        assert statements.batches == 0
        assert len(statements.sent) == BUYERS


async def test_a_section_with_fewer_places_than_asked_is_never_oversold(pg_ctx):
    ctx = pg_ctx
    stage = await build_stage(ctx, standing=30, max_per_order=4)
    results = await asyncio.gather(
        *(sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 3) for _ in range(BUYERS)),
        return_exceptions=True,
    )
    made = [r for r in results if isinstance(r, Hold)]
    refused = [r for r in results if not isinstance(r, Hold)]
    assert len(made) == 10
    assert all(len(h.places) == 3 for h in made)
    assert all(isinstance(r, NotEnoughPlaces) and r.code == "not_enough_places" for r in refused), refused
    assert await _state(ctx) == (10, 30)


async def test_a_batch_holds_for_whom_it_may_and_the_others_hear_exactly_why(pg_ctx):
    ctx = pg_ctx
    ctx.hold_lanes = HoldLanes(in_flight=1)  # the first request runs alone; the rest wait and go together
    stage = await build_stage(ctx, standing=20, max_per_order=4)
    prior = await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 2, request_key="retry-1")
    await devices.revoke_device(ctx, ROOT, stage.other_kiosk.device_id)
    before = await _state(ctx)
    kiosk, section = stage.kiosk, stage.standing
    with counting(ctx) as statements:
        first, revoked, too_many, retried, last = await asyncio.gather(
            sales.hold_standing(ctx, kiosk, stage.id, section, 1),
            sales.hold_standing(ctx, stage.other_kiosk, stage.id, section, 1),
            sales.hold_standing(ctx, kiosk, stage.id, section, 5),
            sales.hold_standing(ctx, kiosk, stage.id, section, 2, request_key="retry-1"),
            sales.hold_standing(ctx, kiosk, stage.id, section, 3),
            return_exceptions=True,
        )
    assert isinstance(first, Hold)
    assert len(first.places) == 1
    assert isinstance(revoked, DeviceNotApproved)
    assert revoked.code == "device_not_approved"
    assert isinstance(too_many, InputError)
    assert too_many.code == "quantity_over_limit"
    assert isinstance(retried, Hold)
    assert retried.id == prior.id
    assert retried.places == prior.places
    assert isinstance(last, Hold)
    assert len(last.places) == 3
    # Written: the two new holds and nothing for the others.
    assert await _state(ctx) == (before[0] + 2, before[1] + 4)
    # The first alone, the other four in one batch, then the three it made nothing for alone.
    assert statements.batches == 1
    assert len(statements.sent) == 5


async def test_a_batch_that_runs_out_holds_whole_shares_in_order_and_the_rest_hear_not_enough(pg_ctx):
    ctx = pg_ctx
    ctx.hold_lanes = HoldLanes(in_flight=1)
    stage = await build_stage(ctx, standing=8, max_per_order=4)
    with counting(ctx) as statements:
        results = await asyncio.gather(
            *(sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, q) for q in (1, 2, 2, 2, 2)),
            return_exceptions=True,
        )
    # The batch of four found 7 places: three whole shares; the fourth, short of one, got nothing (not 1 place)
    # and alone heard there are not enough.
    assert [len(r.places) if isinstance(r, Hold) else r.code for r in results] == [
        1, 2, 2, 2, "not_enough_places"
    ]  # fmt: skip
    assert await _state(ctx) == (4, 7)
    assert statements.batches == 1


async def test_every_hold_a_batch_makes_sends_its_live_update(pg_ctx):
    ctx = pg_ctx
    stage = await build_stage(ctx, standing=100, max_per_order=4)
    async with ctx.bus.subscribe(stage.id) as messages:
        with counting(ctx) as statements:
            made = await _buy(ctx, stage, [2] * BUYERS)
        assert statements.batches >= 1
        heard: set[Any] = set()
        async with asyncio.timeout(5):
            while len(heard) < 2 * BUYERS:
                message = await anext(messages)
                for change in getattr(message, "changes", ()):
                    assert change.state is PlaceState.HELD
                    heard.add(change.place_id)
    assert heard == {p.place_id for h in made for p in h.places}


async def test_a_crowded_hold_pauses_out_of_its_lane(pg_ctx, monkeypatch):
    """A hold whose places were locked by others for an instant pauses and runs again (sales.CROWDED_PAUSES_S);
    the others of its section do not wait through its pauses: the lane is free while it pauses."""
    ctx = pg_ctx
    stage = await build_stage(ctx, standing=3, max_per_order=4)
    lanes_at_pauses: list[dict[Any, Any]] = []
    paused_twice = asyncio.Event()
    pause = sales._pause

    async def watched(seconds: float) -> None:
        lanes_at_pauses.append(dict(ctx.hold_lanes._lanes()))
        if len(lanes_at_pauses) >= 2:
            paused_twice.set()
        await pause(seconds)

    monkeypatch.setattr(sales, "_pause", watched)
    async with ctx.db.engine.connect() as other, other.begin() as refused:
        await other.execute(
            text("SELECT id FROM places WHERE section_id = :s AND state = 'free' FOR UPDATE"),
            {"s": stage.standing},
        )  # what a refused hold's pick does for an instant
        buying = asyncio.create_task(sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 2))
        await asyncio.wait_for(paused_twice.wait(), 10)
        await refused.rollback()
    hold = await asyncio.wait_for(buying, 10)
    assert len(hold.places) == 2
    assert lanes_at_pauses == [{}] * len(lanes_at_pauses)
