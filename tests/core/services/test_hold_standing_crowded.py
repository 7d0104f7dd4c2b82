"""A standing hold near a sell-out, while other statements have the last free places locked for an instant (a
hold that is being refused had picked them). SKIP LOCKED passes those places by; the hold must not answer "not
enough places" while they are still free. CI once ended a sale with one place never sold: every buyer had been
told the section was sold out."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import hold_statements
from core.db.tables import holds, places
from core.domain.errors import NotEnoughPlaces, StorageBusy
from core.domain.ids import HoldId
from core.services import sales
from core.services.context import ServiceContext
from tests.builders import build_stage

pytestmark = pytest.mark.postgres


async def _lock_free_places(conn: AsyncConnection, section_id: int) -> list[int]:
    """What a refused hold's pick does for the length of its statement: lock free places, write nothing."""
    found = await conn.execute(
        text("SELECT id FROM places WHERE section_id = :s AND state = 'free' ORDER BY id FOR UPDATE"),
        {"s": section_id},
    )
    return [int(r[0]) for r in found]


class _Runs(list[str]):
    """The hold statements sent from here on; ``again`` is set when one ran a second time."""

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.again = asyncio.Event()

        @event.listens_for(ctx.db.engine.sync_engine, "before_cursor_execute")
        def _count(_c, _cur, statement: str, *_rest) -> None:  # type: ignore[no-untyped-def]
            if "INSERT INTO holds" in statement:
                self.append(statement)
                if len(self) >= 2:
                    self.again.set()  # on the loop's thread: the driver runs in its greenlet


async def _state(ctx) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    async with ctx.db.engine.connect() as conn:
        made = (await conn.execute(select(func.count()).select_from(holds))).scalar_one()
        held = select(func.count()).select_from(places).where(places.c.state == "held")
        return made, (await conn.execute(held)).scalar_one()


async def test_free_places_locked_for_an_instant_are_waited_for_not_called_sold_out(pg_ctx):
    ctx = pg_ctx
    stage = await build_stage(ctx, standing=3, max_per_order=4)
    runs = _Runs(ctx)
    async with ctx.db.engine.connect() as other, other.begin() as refused:
        assert len(await _lock_free_places(other, stage.standing)) == 3
        buying = asyncio.create_task(sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 2))
        await asyncio.wait_for(runs.again.wait(), 10)  # it ran, found the places locked, paused, ran again
        assert not buying.done()
        await refused.rollback()  # the other statement wrote nothing: its locks go
    hold = await asyncio.wait_for(buying, 10)
    assert len(hold.places) == 2
    assert await _state(ctx) == (1, 2)


async def test_the_control_without_the_crowded_check_calls_free_places_sold_out(pg_ctx, monkeypatch):
    """The race is real: the same statement, its crowded answer ignored, says "not enough places" with 3 free."""
    read = hold_statements._attempt
    monkeypatch.setattr(hold_statements, "_attempt", lambda rows: replace(read(rows), crowded=False))
    ctx = pg_ctx
    stage = await build_stage(ctx, standing=3, max_per_order=4)
    async with ctx.db.engine.connect() as other, other.begin():
        await _lock_free_places(other, stage.standing)
        with pytest.raises(NotEnoughPlaces):
            await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 2)


async def test_places_locked_past_every_pause_are_busy_and_nothing_is_written(pg_ctx):
    ctx = pg_ctx
    stage = await build_stage(ctx, standing=3, max_per_order=4)
    runs = _Runs(ctx)
    async with ctx.db.engine.connect() as other, other.begin():
        await _lock_free_places(other, stage.standing)
        with pytest.raises(StorageBusy) as caught:
            await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 2)
    assert caught.value.code == "storage_busy"
    assert "try again" in caught.value.message
    assert len(runs) == 1 + len(sales.CROWDED_PAUSES_S)
    assert await _state(ctx) == (0, 0)


async def test_places_really_taken_are_not_enough_at_once(pg_ctx):
    """A short pick with no takeable place left to wait for is answered in one run."""
    ctx = pg_ctx
    stage = await build_stage(ctx, standing=3, max_per_order=4)
    await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 2)
    runs = _Runs(ctx)
    with pytest.raises(NotEnoughPlaces) as caught:
        await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 2)
    assert caught.value.code == "not_enough_places"
    assert len(runs) == 1
    assert await _state(ctx) == (1, 2)


async def test_behind_pgbouncer_the_pause_holds_no_lock_and_no_transaction(pg_ctx, monkeypatch):
    """Behind PgBouncer the statement runs inside BEGIN/COMMIT, and a pick's row locks last until COMMIT: a
    pause taken inside that transaction would keep the free place it did lock from every other buyer (each
    then crowded in turn). The pause comes after the transaction ended: during it the place can be locked."""
    pausing, resume = asyncio.Event(), asyncio.Event()

    async def watched_pause(_seconds: float) -> None:
        pausing.set()
        await resume.wait()

    monkeypatch.setattr(sales, "_pause", watched_pause)
    stage = await build_stage(pg_ctx, standing=3, max_per_order=4)
    pooled = replace(pg_ctx.settings, database_pooler="pgbouncer")
    async with ServiceContext.open(pooled, clock=pg_ctx.clock) as ctx:
        assert ctx.db.transaction_pooled
        runs = _Runs(ctx)
        async with ctx.db.engine.connect() as other, other.begin() as refused:
            found = await other.execute(
                text("SELECT id FROM places WHERE section_id = :s ORDER BY id LIMIT 2 FOR UPDATE"),
                {"s": stage.standing},
            )
            locked = [int(r[0]) for r in found.all()]
            (third,) = [p for p in stage.standing_places if p not in locked]  # free and unlocked: one of two
            buying = asyncio.create_task(sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 2))
            await asyncio.wait_for(pausing.wait(), 10)  # its first run picked the third place, came up short
            async with pg_ctx.db.engine.connect() as conn, conn.begin():
                # NOWAIT: refused at once if the pausing hold's transaction still had the place locked.
                got = await conn.execute(
                    text("SELECT id FROM places WHERE id = :p FOR UPDATE NOWAIT"), {"p": third}
                )
                assert [int(r[0]) for r in got] == [third]
            await refused.rollback()
        resume.set()
        hold = await asyncio.wait_for(buying, 10)
    assert len(hold.places) == 2
    assert len(runs) == 2


async def test_the_control_inside_the_transaction_the_short_picks_lock_is_kept(pg_ctx):
    """What the pause avoids: the same crowded statement inside a transaction keeps the place it picked locked
    until the transaction ends (a pause there would keep it from every other buyer)."""
    stage = await build_stage(pg_ctx, standing=3, max_per_order=4)
    ask = hold_statements.Ask(
        stage.kiosk, stage.id, HoldId(uuid.uuid4().hex), pg_ctx.clock.now(), "control-1"
    )
    _kind, params = ask.params()
    locked = list(stage.standing_places)
    async with pg_ctx.db.engine.connect() as other, other.begin():
        found = await other.execute(
            text("SELECT id FROM places WHERE id = ANY(:ids) FOR UPDATE"), {"ids": locked[:2]}
        )
        assert len(found.all()) == 2
        async with pg_ctx.db.engine.connect() as inside, inside.begin():
            reply = await inside.execute(
                hold_statements.statements(2)["standing"], params | {"section": stage.standing}
            )
            report = next(iter(reply.mappings()))["report"]
            assert report[0]["crowded"] is True  # short, with the snapshot showing enough
            async with pg_ctx.db.engine.connect() as conn, conn.begin():
                with pytest.raises(DBAPIError, match="could not obtain lock"):
                    await conn.execute(
                        text("SELECT id FROM places WHERE id = :p FOR UPDATE NOWAIT"), {"p": locked[2]}
                    )
