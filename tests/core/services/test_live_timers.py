"""watch_concert keeps polling while live updates are paused, even on an event loop whose timers fire a little
early — as qasync's do (QTimer rounds to milliseconds): found when a kiosk without Redis never saw a hold."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from core.config import Settings
from core.domain.clock import ManualClock
from core.domain.places import PlaceState
from core.services import live, sales
from core.services.context import ServiceContext
from tests.builders import build_stage
from tests.conftest import CLOCK_START

NO_REDIS = "redis://127.0.0.1:9/0"  # nothing listens on the discard port: live updates start paused


class EarlyTimerLoop(asyncio.SelectorEventLoop):
    """Every timer fires 2 ms before it is due."""

    def call_at(self, when: float, callback: Any, *args: Any, context: Any = None) -> asyncio.TimerHandle:
        return super().call_at(when - 0.002, callback, *args, context=context)


async def _a_hold_reaches_a_paused_watcher(url: str) -> float:
    settings = Settings(database_url=url, redis_url=NO_REDIS)
    async with ServiceContext.open(settings, clock=ManualClock(CLOCK_START)) as ctx:
        stage = await build_stage(ctx)
        views: list[live.AvailabilityView] = []

        async def watch() -> None:
            async for view in live.watch_concert(ctx, stage.id):
                views.append(view)

        watcher = asyncio.create_task(watch())
        try:
            async with asyncio.timeout(5):
                while not views or views[-1].live:  # noqa: ASYNC110 - polling the watcher's output
                    await asyncio.sleep(0.01)
            seat = stage.seats[0]
            loop = asyncio.get_running_loop()
            held_at = loop.time()
            await sales.hold_places(ctx, stage.kiosk, stage.id, [seat])
            async with asyncio.timeout(3 * live.POLL_SECONDS):
                while views[-1].states.get(seat) is not PlaceState.HELD:  # noqa: ASYNC110
                    await asyncio.sleep(0.01)
            return loop.time() - held_at
        finally:
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)


@pytest.mark.allow_log  # the bus warns that Redis is unreachable
def test_a_paused_watcher_polls_on_a_loop_whose_timers_fire_early(sqlite_url: str) -> None:
    loop = EarlyTimerLoop()
    try:
        seen_after = loop.run_until_complete(_a_hold_reaches_a_paused_watcher(sqlite_url))
    finally:
        loop.close()
    assert seen_after <= live.POLL_SECONDS + 0.5
