"""The door view-model without Qt: real tickets on a real database, scans queued in order, undo, choosing the
concert, the verdict going back to Ready, and offline scans synced when the database answers again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core.client.local import LocalClient
from core.domain.checkin import ScanResult
from core.domain.ids import ConcertId
from core.domain.orders import Order
from core.domain.scan_reasons import ScanReason
from core.domain.staff import DeviceActor
from core.services import checkin
from core.services import tickets as tickets_service
from core.services.context import ServiceContext
from kiosk.viewmodels.door import DoorState, DoorViewModel, Tone
from tests import dbstate
from tests.builders import Stage, build_stage, door_device, sell, signing_kiosk

DOORS_OPEN = 7 * 24 * 3600  # build_stage's doors open a week after the clock's start


@dataclass
class Night:
    stage: Stage
    door: DeviceActor
    order: Order
    kiosk: DeviceActor
    texts: list[str]
    """The QR texts of the order's tickets, in seat order (seats[0] first)."""


async def door_night(
    ctx: ServiceContext, seats: int = 3, *, name: str = "Test Hall", key: str = "o1"
) -> Night:
    """A concert with ``seats`` tickets sold by a signing kiosk, and an approved door device."""
    stage = await build_stage(ctx, name=name)
    kiosk = await signing_kiosk(ctx, f"{name} signing kiosk")
    door = await door_device(ctx, f"{name} door")
    order = await sell(ctx, stage, kiosk, stage.seats[:seats], key)
    documents = await tickets_service.order_documents(ctx, kiosk, order.code)
    by_serial = {d.serial: d.qr_text for d in documents}
    return Night(stage, door, order, kiosk, [by_serial[t.serial] for t in order.tickets])


async def open_door(
    ctx: ServiceContext, night: Night, path: Path, concert_id: ConcertId | None = None, **options: object
) -> DoorViewModel:
    options = {"verdict_seconds": None, "tick_seconds": 3600.0, **options}
    return await DoorViewModel.open(
        LocalClient.over(ctx, actor=night.door),
        gate="North",
        local_path=path / "door.sqlite3",
        concert_id=concert_id,
        **options,
    )


async def until(model: DoorViewModel, check: Callable[[DoorState], bool], wait_s: float = 10.0) -> DoorState:
    """Wait for a state that passes ``check`` (the view-model's own signal wakes us, no sleeping)."""
    woke = asyncio.Event()
    model.changed.connect(woke.set)
    try:
        async with asyncio.timeout(wait_s):
            while not check(model.state):
                woke.clear()
                await woke.wait()
    finally:
        model.changed.disconnect(woke.set)
    return model.state


@pytest.fixture
async def night(ctx: ServiceContext, clock) -> Night:
    built = await door_night(ctx)
    clock.advance(DOORS_OPEN)  # the concert night: doors are open (and sales have closed)
    return built


@pytest.fixture
async def door(ctx: ServiceContext, night: Night, tmp_path: Path) -> AsyncIterator[DoorViewModel]:
    model = await open_door(ctx, night, tmp_path, night.stage.id)
    yield model
    await model.aclose()


async def test_admit_then_already_used_says_when_and_at_which_gate(door, night, clock):
    assert door.state.concert is not None
    assert door.state.concert.title == "Night Music"
    assert door.state.online
    assert door.state.verdict is None
    first = await door.scan(night.texts[0])
    assert first is not None
    assert first.result is ScanResult.ADMIT
    assert (str(first.word), first.tone, first.offline) == ("ADMIT", Tone.ADMIT, False)
    assert (str(first.place), str(first.category)) == ("Stalls, row A, seat 1", "Stalls")
    assert door.state.admitted == 1
    admitted_at = clock.now().astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M")

    clock.advance(90)
    again = await door.scan(night.texts[0])
    assert again is not None
    assert again.result is ScanResult.ALREADY_USED
    assert (str(again.word), again.tone) == ("ALREADY USED", Tone.REFUSE)
    assert str(again.reason) == f"Admitted at {admitted_at} at North. Do not admit again."
    assert again.reason_code is ScanReason.ALREADY_USED
    assert door.state.admitted == 1
    assert [str(r.word) for r in door.state.recent] == ["ALREADY USED", "ADMIT"]
    assert door.state.verdict == again


async def test_garbage_is_not_valid_never_a_crash_and_changes_nothing(ctx, door, night):
    before = await dbstate.snapshot(ctx)
    cut = night.texts[0][:-7]
    for text in ["HELLO WORLD", "\x00\x01\x02", "ä" * 5000, "6BFOXN*TS0BI$ZDFRH", cut, "' OR 1=1 --"]:
        verdict = await door.scan(text)
        assert verdict is not None, text
        assert (verdict.result, verdict.tone, str(verdict.word)) == (
            ScanResult.NOT_VALID,
            Tone.REFUSE,
            "NOT VALID",
        )
        assert str(verdict.reason)
        assert not str(verdict.reason).startswith("NOT VALID")
    assert await door.scan("   \n") is None  # a stray Enter is not a scan
    assert len(door.state.recent) == 6
    assert door.state.admitted == 0
    assert await dbstate.snapshot(ctx) == before
    assert (await door.scan(night.texts[0])).result is ScanResult.ADMIT  # the door still works


async def test_scans_faster_than_the_database_are_queued_in_order_and_none_dropped(door, night):
    seen_queued: list[int] = []
    door.changed.connect(lambda state: seen_queued.append(state.queued))
    texts = [night.texts[0], "GARBAGE", night.texts[1], night.texts[0], night.texts[2]]
    for text in texts:
        door.request_scan(text)  # as the scanner delivers them: no waiting between
    state = await until(door, lambda s: not s.busy)
    assert max(seen_queued) >= 4  # they really were waiting behind each other
    assert [str(r.word) for r in reversed(state.recent)] == [
        "ADMIT",
        "NOT VALID",
        "ADMIT",
        "ALREADY USED",
        "ADMIT",
    ]
    assert [str(r.place) for r in reversed(state.recent)][2:] == [
        "Stalls, row A, seat 2",
        "Stalls, row A, seat 1",
        "Stalls, row A, seat 3",
    ]
    assert state.admitted == 3
    assert state.queued == 0


async def test_undo_last_admit_lets_the_ticket_in_again(ctx, door, night, clock):
    await door.undo_last()
    assert "no admit from this door" in str(door.state.notice)
    assert (await door.scan(night.texts[1])).result is ScanResult.ADMIT
    clock.advance(30)
    await door.undo_last()
    assert str(door.state.notice) == "Undone: Stalls, row A, seat 2 may be scanned again."
    assert door.state.admitted == 0
    assert door.state.verdict is None
    assert (await door.scan(night.texts[1])).result is ScanResult.ADMIT
    clock.advance(timedelta(minutes=6).total_seconds())
    door.request_undo()
    state = await until(door, lambda s: not s.busy)
    assert "no admit from this door in the last 5 minutes" in str(state.notice)
    assert state.admitted == 1


async def test_staff_choose_tonights_concert_when_several_are_on(ctx, tmp_path, clock):
    first = await door_night(ctx, 1)
    second = await door_night(ctx, 1, name="Other Hall", key="o2")
    clock.advance(DOORS_OPEN - 3600)  # tonight, an hour before the doors open
    model = await open_door(ctx, first, tmp_path)
    try:
        assert model.state.needs_concert
        assert {c.id for c in model.state.concerts} == {first.stage.id, second.stage.id}
        early = await model.scan(first.texts[0])
        assert early is not None
        assert str(early.word) == "CHOOSE CONCERT"
        assert early.tone is Tone.WARN
        await model.choose_concert(second.stage.id)
        assert model.state.concert is not None
        assert model.state.concert.id == second.stage.id
        assert "doors" in str(model.state.concert.when)
        wrong = await model.scan(first.texts[0])
        assert wrong is not None
        assert wrong.result is ScanResult.WRONG_CONCERT
        # It names the ticket's concert (both are "Night Music" here: the doors time tells them apart).
        assert str(wrong.reason) == (
            "This ticket is for Night Music (Tue 8 Dec, doors 19:00). Send the guest to the box office."
        )
        assert wrong.category is None  # this door's categories are not the other concert's
        too_early = await model.scan(second.texts[0])
        assert too_early is not None
        assert (too_early.result, too_early.tone) == (
            ScanResult.TOO_EARLY,
            Tone.WARN,
        )
        assert str(too_early.reason) == "Entry opens at 19:00. Ask the guest to wait."  # tonight: the time
        assert model.state.admitted == 0
    finally:
        await model.aclose()


async def test_the_verdict_goes_back_to_ready_by_itself(ctx, night, tmp_path):
    model = await open_door(ctx, night, tmp_path, night.stage.id, verdict_seconds=0.05)
    try:
        await model.scan(night.texts[0])
        assert model.state.verdict is not None
        state = await until(model, lambda s: s.verdict is None)
        assert [str(r.word) for r in state.recent] == ["ADMIT"]  # the list keeps it
    finally:
        await model.aclose()


async def test_a_revoked_door_is_told_to_stop(ctx, door, night):
    from core.services import devices

    await devices.revoke_device(ctx, night.stage.manager, night.door.device_id)
    verdict = await door.scan(night.texts[0])
    assert verdict is not None
    assert (str(verdict.word), verdict.tone) == ("STOP", Tone.REFUSE)
    assert "revoked" in str(verdict.reason)
    assert door.state.admitted == 0


# --- offline: a real PostgreSQL behind a proxy that goes away -------------------------------------


@pytest.mark.postgres
async def test_offline_scans_are_journaled_and_synced_when_the_database_is_back(
    pg_ctx, pg_database_url, clock, tmp_path, expect_log
):
    from tests.support.door import door_context
    from tests.support.tcp_proxy import RestartableProxy

    night = await door_night(pg_ctx)
    clock.advance(DOORS_OPEN)
    proxy = RestartableProxy.to(pg_database_url)
    await proxy.start()
    try:
        async with door_context(proxy.url_for(pg_database_url), clock) as door_ctx:
            model = await open_door(
                door_ctx, night, tmp_path, night.stage.id, probe_interval=timedelta(0), online_timeout_s=2.0
            )
            try:
                assert (await model.scan(night.texts[0])).result is ScanResult.ADMIT
                await proxy.close()
                with expect_log("core.client.door_station", "offline"):
                    offline = await model.scan(night.texts[1])
                assert offline is not None
                assert offline.result is ScanResult.ADMIT
                assert offline.offline
                assert str(offline.reason) == "Let the guest in."
                again = await model.scan(night.texts[1])
                assert again is not None
                assert again.result is ScanResult.ALREADY_USED
                assert again.offline
                assert (model.state.online, model.state.unsynced, model.state.admitted) == (False, 2, 2)
                await model.tick()  # still gone: stays offline, nothing lost
                assert (model.state.online, model.state.unsynced) == (False, 2)

                await proxy.start()
                await model.tick()
                assert (model.state.online, model.state.unsynced) == (True, 0)
            finally:
                await model.aclose()
    finally:
        await proxy.close()
    server = await checkin.scan_ticket(
        pg_ctx, night.door, night.texts[1], concert_id=night.stage.id, gate="South"
    )
    assert server.result is ScanResult.ALREADY_USED
    assert server.first_gate == "North"


async def test_tonights_concert_is_listed_after_its_sales_closed(ctx, night, tmp_path):
    """At doors time sales are over: the door lists concerts by doors time, not by what is on sale."""
    model = await open_door(ctx, night, tmp_path)  # no concert given: the only one tonight is taken
    try:
        assert [c.id for c in model.state.concerts] == [night.stage.id]
        assert model.state.concert is not None
        assert (await model.scan(night.texts[0])).result is ScanResult.ADMIT
    finally:
        await model.aclose()


async def test_offline_the_door_shows_its_lists_age_and_past_the_limit_says_check_by_hand(
    ctx, database_url, night, clock, tmp_path, expect_log
):
    """The maximum age is the device's door_snapshot_max_age_s (6 h by default)."""
    from tests.support.door import cuttable_door_context

    async with cuttable_door_context(database_url, clock, tmp_path) as (door_ctx, line):
        model = await open_door(door_ctx, night, tmp_path, night.stage.id, probe_interval=timedelta(0))
        try:
            assert (model.state.online, model.state.offline_list) == (True, None)  # online: no list age
            await line.cut()
            clock.advance(2 * 3600 + 5 * 60)
            with expect_log("core.client.door_station", "offline"):
                admit = await model.scan(night.texts[0])
            assert admit is not None
            assert (admit.result, admit.offline) == (ScanResult.ADMIT, True)
            assert model.state.concert is not None
            zone = ZoneInfo(model.state.concert.timezone)  # the venue's, Europe/Berlin
            made = (clock.now() - timedelta(hours=2, minutes=5)).astimezone(zone)
            assert str(model.state.offline_list) == f"Offline list from {made:%H:%M} (2 h 05 min old)"
            assert not model.state.list_too_old

            clock.advance(4 * 3600)  # 6 h 05 min: past the limit
            stale = await model.scan(night.texts[1])
            assert stale is not None
            assert (stale.result, stale.tone, str(stale.word)) == (
                ScanResult.UNCHECKED,
                Tone.WARN,
                "CHECK BY HAND",
            )
            assert str(stale.reason).startswith("This door's offline list is too old")
            assert str(stale.reason).endswith("Connect the door to the network, or check tickets by hand.")
            assert stale.offline
            assert (model.state.list_too_old, model.state.admitted) == (True, 1)  # no silent ADMIT
            assert str(model.state.offline_list) == "Offline list too old (6 h 05 min): check tickets by hand"

            await line.mend()
            await model.tick()  # the server is back: a fresh list, online again
            assert (model.state.online, model.state.offline_list, model.state.list_too_old) == (
                True,
                None,
                False,
            )
        finally:
            await model.aclose()


async def test_too_early_for_a_concert_days_away_gives_the_date(ctx, tmp_path, clock):
    night = await door_night(ctx, 1)  # doors a week from now
    clock.advance(2 * 24 * 3600)
    model = await open_door(ctx, night, tmp_path, night.stage.id)
    try:
        early = await model.scan(night.texts[0])
        assert early is not None
        assert (early.result, early.reason_code) == (ScanResult.TOO_EARLY, ScanReason.TOO_EARLY)
        assert str(early.reason) == "Entry opens on Tue 8 Dec at 19:00. Ask the guest to wait."
    finally:
        await model.aclose()


async def test_the_chooser_lists_tonights_concerts_or_else_the_next_nights_never_all(ctx, tmp_path, clock):
    first = await door_night(ctx, 1)
    clock.advance(24 * 3600)
    tomorrow = await door_night(ctx, 1, name="Other Hall", key="o2")  # doors a day after the first's
    clock.advance(DOORS_OPEN - 24 * 3600 - 3600)  # the first's night, an hour before its doors open
    tonight = await open_door(ctx, first, tmp_path)
    try:
        assert [c.id for c in tonight.state.concerts] == [first.stage.id]
        assert tonight.state.concert is not None  # the only one tonight is taken
        assert tonight.state.next_night is None  # tonight's: the chooser says so
    finally:
        await tonight.aclose()
    clock.advance(-3 * 24 * 3600)  # days before: no concert tonight, so the next concert night's
    ahead = await open_door(ctx, first, tmp_path)
    try:
        assert [c.id for c in ahead.state.concerts] == [first.stage.id]
        assert tomorrow.stage.id not in [c.id for c in ahead.state.concerts]
        assert str(ahead.state.next_night) == "Tue 8 Dec"  # not tonight's: the chooser names the night
    finally:
        await ahead.aclose()


async def test_the_counter_counts_the_chosen_concerts_admits_and_names_its_night_when_not_tonight(
    ctx, tmp_path, clock
):
    """A door set up ahead said "Admitted tonight" of a concert days away, and kept one count across concerts."""
    night = await door_night(ctx, 2)  # doors a week from now
    model = await open_door(ctx, night, tmp_path, night.stage.id)
    try:
        assert (str(model.state.night), model.state.admitted) == ("Tue 8 Dec", 0)
        assert str(model.state.next_night) == "Tue 8 Dec"
        clock.advance(DOORS_OPEN)
        await model.tick()  # the night has come: the door says so by itself
        assert (model.state.night, model.state.next_night) == (None, None)
        assert (await model.scan(night.texts[0])).result is ScanResult.ADMIT
        assert model.state.admitted == 1

        later = await door_night(ctx, 1, name="Other Hall", key="o2")  # its doors a week after tonight's
        await model.choose_concert(later.stage.id)
        assert (str(model.state.night), model.state.admitted) == ("Tue 15 Dec", 0)
        await model.choose_concert(night.stage.id)
        assert (model.state.night, model.state.admitted) == (None, 1)
        await model.undo_last()
        assert model.state.admitted == 0
    finally:
        await model.aclose()


async def test_a_door_offline_from_its_start_shows_times_by_the_venues_clock_from_its_snapshot(
    ctx, database_url, night, clock, tmp_path, expect_log
):
    """Its machine may be set to UTC and the server is away: the venue's zone comes from the offline list."""
    from tests.support.door import cuttable_door_context

    async with cuttable_door_context(database_url, clock, tmp_path) as (door_ctx, line):
        first = await open_door(door_ctx, night, tmp_path, night.stage.id)  # online: the list is stored
        await first.aclose()
        await line.cut()
        clock.advance(30 * 60)
        with (
            expect_log("kiosk.viewmodels.door", "cannot list concerts"),
            expect_log("kiosk.viewmodels.door", "details unavailable"),
            expect_log("core.client.door_station", "offline"),
        ):
            model = await open_door(door_ctx, night, tmp_path, night.stage.id, probe_interval=timedelta(0))
        try:
            assert model.state.concert is not None
            assert model.state.concert.doors_at is None, "nothing came from the server"
            assert model.state.concert.timezone == "Europe/Berlin"
            admit = await model.scan(night.texts[0])
            assert admit is not None
            assert (admit.result, admit.offline) == (ScanResult.ADMIT, True)
            berlin = ZoneInfo("Europe/Berlin")
            made = (clock.now() - timedelta(minutes=30)).astimezone(berlin)
            assert str(model.state.offline_list) == f"Offline list from {made:%H:%M} (30 min old)"
            assert model.state.recent[0].at == clock.now().astimezone(berlin).strftime("%H:%M:%S")
        finally:
            await model.aclose()
            await line.mend()
