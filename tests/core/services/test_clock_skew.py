"""Holds lapse by the database's clock, so a kiosk whose clock runs fast cannot take places still held."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.config import Settings
from core.domain.clock import OffsetClock, SystemClock
from core.domain.errors import SeatsTaken
from core.services import sales
from core.services.context import ServiceContext, _database_clock
from tests.builders import build_stage

pytestmark = pytest.mark.postgres


class FastClock:
    """This machine's clock, six minutes fast: what a kiosk without NTP looks like."""

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(minutes=6)


async def test_a_fast_kiosk_clock_is_corrected_to_the_database(pg_database_url, expect_log, monkeypatch):
    monkeypatch.setattr("core.services.context.SystemClock", FastClock)
    with expect_log("core.services.context", "ahead of the database server"):
        async with ServiceContext.open(Settings(database_url=pg_database_url)) as fast:
            assert isinstance(fast.clock, OffsetClock)
            assert abs(fast.clock.now() - datetime.now(UTC)) < timedelta(seconds=1)
            async with ServiceContext.open(
                Settings(database_url=pg_database_url), clock=SystemClock()
            ) as good:
                stage = await build_stage(good, hold_seconds=300)
                await sales.hold_places(good, stage.kiosk, stage.id, [stage.seats[0]])
                # The fast kiosk's own view of "now" would put the hold in the past; corrected, it is not.
                with pytest.raises(SeatsTaken):
                    await sales.hold_places(fast, stage.other_kiosk, stage.id, [stage.seats[0]])


async def test_control_an_uncorrected_fast_clock_steals_a_live_hold(pg_database_url):
    """Without the correction the same kiosk takes the seat: the test above would catch a regression."""
    async with (
        ServiceContext.open(Settings(database_url=pg_database_url), clock=SystemClock()) as good,
        ServiceContext.open(Settings(database_url=pg_database_url), clock=FastClock()) as fast,
    ):
        stage = await build_stage(good, hold_seconds=300)
        await sales.hold_places(good, stage.kiosk, stage.id, [stage.seats[0]])
        stolen = await sales.hold_places(fast, stage.other_kiosk, stage.id, [stage.seats[0]])
        assert len(stolen.places) == 1


async def test_a_clock_in_step_is_left_alone(pg_database_url):
    async with ServiceContext.open(Settings(database_url=pg_database_url)) as ctx:
        assert isinstance(ctx.clock, SystemClock)
        assert isinstance(await _database_clock(ctx.db), SystemClock)
