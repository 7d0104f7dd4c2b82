"""Chosen-seat holds/s for hold_ceiling: our service against the least SQL that makes the same hold.

Each variant gets a fresh concert of ROWS x SEATS_PER_ROW numbered seats, the same tasks and per-task quantities
as the standing variants, and is measured in the same slices (hold_ceiling.sliced). A hold asks for the next
``quantity`` seats of one shared cursor over the seat map, so no two requests ever ask for the same seat: this
measures what a hold costs, not how collisions are handled
(a refusal is one statement too, and tests/core/services/test_round_trips.py pins it).

  ours                         sales.hold_places (all or none, the error names the seats taken)
  least SQL (ceiling)          one autocommit statement through an asyncpg pool:
                               WITH locked AS (SELECT id ... WHERE id = ANY($ids) AND takeable ORDER BY id
                               FOR UPDATE), h AS (INSERT INTO holds ... WHERE (SELECT count(*) FROM locked) = n)
                               UPDATE places ... FROM locked, h RETURNING id, category_id
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import asyncpg

from core.domain.ids import PlaceId
from core.domain.staff import describe
from core.services import sales
from core.services.context import ServiceContext
from tests.benchmarks import hold_ceiling as hc
from tests.benchmarks._common import RoundTrips, warm_pool
from tests.builders import Stage

ROWS, SEATS_PER_ROW = 200, 500
"""100,000 seats: each variant holds on one concert through every cycle (its warm-up and ten 1-second slices)."""

_LEAST_CHOSEN_SQL = """
WITH locked AS (
    SELECT id FROM places
    WHERE id = ANY($1::bigint[]) AND concert_id = $2
      AND (state = 'free' OR (state = 'held' AND held_until <= $6))
    ORDER BY id FOR UPDATE
), h AS (
    INSERT INTO holds (id, concert_id, actor, device_id, created_at, expires_at, place_count, extensions, state)
    SELECT $3, $2, $4, $5, $6, $7, cardinality($1::bigint[]), 0, 'active'
    WHERE (SELECT count(*) FROM locked) = cardinality($1::bigint[])
    RETURNING id, expires_at
)
UPDATE places SET state = 'held', hold_id = h.id, held_until = h.expires_at
FROM locked, h WHERE places.id = locked.id
RETURNING places.id, places.category_id"""
"""The least SQL that holds chosen seats all or none: lock the takeable ones in id order (waiting for each
other, as ours do), write the hold only when every one was takeable. No checks, no idempotency key, no labels,
prices or refused seats in the reply (the ceiling, not a product)."""


class _Cursor:
    """The seats in map order, handed out ``quantity`` at a time; none twice."""

    def __init__(self, seats: tuple[PlaceId, ...]) -> None:
        self.seats = seats
        self.next = 0

    def take(self, quantity: int) -> list[PlaceId]:
        block = list(self.seats[self.next : self.next + quantity])
        if len(block) < quantity:
            raise hc.Short
        self.next += quantity
        return block


def _ours(ctx: ServiceContext, stage: Stage, cursor: _Cursor) -> hc.HoldOnce:
    async def hold_once(q: int) -> int:
        hold = await sales.hold_places(ctx, stage.kiosk, stage.id, cursor.take(q))
        return len(hold.places)

    return hold_once


def _least(pool: asyncpg.Pool, stage: Stage, cursor: _Cursor) -> hc.HoldOnce:
    actor, device = describe(stage.kiosk), stage.kiosk.device_id

    async def hold_once(q: int) -> int:
        now = datetime.now(UTC)
        until, hold_id = now + timedelta(minutes=5), uuid.uuid4().hex
        ids = [int(p) for p in cursor.take(q)]
        async with pool.acquire() as con:
            rows = await con.fetch(_LEAST_CHOSEN_SQL, ids, stage.id, hold_id, actor, device, now, until)
        if len(rows) < q:
            raise hc.Short
        return len(rows)

    return hold_once


class ChosenBench(hc.Bench):
    """hold_ceiling's Bench on a concert of numbered seats."""

    async def seated_stage(self) -> Stage:
        async with self.env.context(pool_size=2, bus="null", statement_timeout_s=60) as (ctx, _):
            stage = await self.env.stage(
                ctx, rows=ROWS, seats_per_row=SEATS_PER_ROW, standing=1, max_per_order=hc.MAX_Q
            )
        await self.env.settle()
        return stage

    @staticmethod
    def cursors(stage: Stage) -> tuple[_Cursor, _Cursor]:
        """One for the load, one for the round-trip count (its own seats, so the load never uses them up)."""
        spare = (hc.RT_HOLDS + 3) * 2
        return _Cursor(stage.seats[:-spare]), _Cursor(stage.seats[-spare:])

    @asynccontextmanager
    async def ours_open_chosen(self, stage: Stage, cursor: _Cursor, bus: str) -> AsyncIterator[hc.HoldOnce]:
        async with self.env.context(pool_size=hc.SLICE_POOL // 2, bus=bus) as (ctx, _):
            await warm_pool(ctx.db.engine, hc.SLICE_POOL)
            yield _ours(ctx, stage, cursor)

    async def measure(
        self, ours_label: str, least_label: str, bus: str
    ) -> tuple[dict[str, hc.Outcome], dict[str, Stage]]:
        """Ours and the least SQL, each on a fresh concert of its own, sliced as hold_ceiling's standing
        variants are; then each one's round trips per hold (on seats the load never asks for)."""
        stages = {ours_label: await self.seated_stage(), least_label: await self.seated_stage()}
        await self.env.need_connections(2 * hc.SLICE_POOL + 2)
        (load, spare), (least_load, least_spare) = (
            self.cursors(stages[ours_label]),
            self.cursors(stages[least_label]),
        )
        outcomes = await hc.sliced(
            [
                (ours_label, lambda: self.ours_open_chosen(stages[ours_label], load, bus)),
                (
                    least_label,
                    lambda: self.raw_open(lambda pool: _least(pool, stages[least_label], least_load)),
                ),
            ],
            self.duration,
            between=hc.vacuum_places(self.env),
        )
        async with self.env.context(pool_size=1, bus=bus) as (ctx, _):
            counter = RoundTrips()
            counter.attach(ctx.db.engine)
            outcomes[ours_label].round_trips = await hc._round_trips(
                _ours(ctx, stages[ours_label], spare), counter
            )
        outcomes[least_label].round_trips = await self.raw_round_trips(
            lambda pool: _least(pool, stages[least_label], least_spare)
        )
        return outcomes, stages
