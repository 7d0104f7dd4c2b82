"""A standing hold near a sell-out, while other statements have the last free places locked for an instant (a
hold that is being refused had picked them). SKIP LOCKED passes those places by; the hold must not answer "not
enough places" while they are still free. CI once ended a sale with one place never sold: every buyer had been
told the section was sold out."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import hold_statements
from core.db.tables import holds, places
from core.domain.errors import NotEnoughPlaces, StorageBusy
from core.services import sales
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
    """The race is real: the same statement without the check answers "not enough places" with 3 free."""
    monkeypatch.setattr(hold_statements, "_crowded", lambda where, q: "false")
    hold_statements._standing_sql.cache_clear()
    try:
        ctx = pg_ctx
        stage = await build_stage(ctx, standing=3, max_per_order=4)
        async with ctx.db.engine.connect() as other, other.begin():
            await _lock_free_places(other, stage.standing)
            with pytest.raises(NotEnoughPlaces):
                await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 2)
    finally:
        hold_statements._standing_sql.cache_clear()  # the real statement again for later tests


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
    assert len(runs) == 1 + len(hold_statements.CROWDED_PAUSES_S)
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
