"""A DEMO ticket (sold while the database was a demo) is NOT VALID at the door of a real database, online and
offline (the snapshot carries whether the database is a demo); on the demo database itself it is admitted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text

from core.client.door_station import DoorStation
from core.client.local import LocalDoorLink
from core.db import door_local as local_db
from core.db import site as site_db
from core.db.tables import checkins, site, tickets
from core.domain.checkin import ScanResult
from core.domain.clock import ManualClock
from core.domain.door import OFFLINE_NOTE, DoorSnapshot, SnapshotHeader
from core.domain.ids import ConcertId
from core.domain.scan_reasons import REASONS, ScanReason
from core.services import checkin
from core.services import tickets as tickets_service
from core.services.context import ServiceContext
from tests.builders import build_stage, door_device, sell, signing_kiosk
from tests.support.door import door_context
from tests.support.tcp_proxy import RestartableProxy

DOORS_OPEN = 7 * 24 * 3600  # build_stage's doors open a week after the clock's start
DEMO_WORDS = "DEMO ticket from a test system"
assert DEMO_WORDS in REASONS[ScanReason.DEMO_TICKET].sentence


@pytest.fixture
async def proxy(pg_database_url: str) -> AsyncIterator[RestartableProxy]:
    started = RestartableProxy.to(pg_database_url)
    await started.start()
    yield started
    await started.close()


@pytest.fixture
async def door_ctx(
    proxy: RestartableProxy, pg_database_url: str, clock: ManualClock
) -> AsyncIterator[ServiceContext]:
    """The door's own context, through a proxy the test can cut (offline)."""
    async with door_context(proxy.url_for(pg_database_url), clock) as ctx:
        yield ctx


async def _demo_night(ctx: ServiceContext):  # type: ignore[no-untyped-def]
    """Tickets sold while the database was the demo: the marker is set, and sales carry the DEMO mark (as
    ServiceContext.open would set demo_mode on a demo database)."""
    await ctx.db.write(lambda conn: site_db.put(conn, site_db.DEMO, "true"))
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Demo signing kiosk")
    door = await door_device(ctx, "Door")
    ctx.settings = replace(ctx.settings, demo_mode=True)
    order = await sell(ctx, stage, kiosk, stage.seats[:4], "demo-1")
    ctx.settings = replace(ctx.settings, demo_mode=False)
    documents = await tickets_service.order_documents(ctx, kiosk, order.code)
    texts = [d.qr_text for d in sorted(documents, key=lambda d: d.serial)]
    return stage, kiosk, door, texts


async def _go_real(ctx: ServiceContext) -> None:
    await ctx.db.write(lambda conn: conn.execute(delete(site).where(site.c.key == site_db.DEMO)))


async def _entries(ctx: ServiceContext) -> tuple[int, int]:
    async def work(conn):  # type: ignore[no-untyped-def]
        inside = (await conn.execute(select(func.count()).where(tickets.c.inside.is_(True)))).scalar_one()
        scans = (await conn.execute(select(func.count()).select_from(checkins))).scalar_one()
        return int(inside), int(scans)

    return await ctx.db.read(work)


async def test_online_a_demo_ticket_is_not_valid_on_a_real_database(
    database_url: str, ctx: ServiceContext, clock: ManualClock
) -> None:
    stage, kiosk, door, texts = await _demo_night(ctx)
    real = await sell(ctx, stage, kiosk, stage.seats[10:11], "real-1")  # no DEMO mark (demo_mode is off)
    [document] = await tickets_service.order_documents(ctx, kiosk, real.code)
    clock.advance(DOORS_OPEN)
    control = await checkin.scan_ticket(ctx, door, texts[0], concert_id=stage.id, gate="North")
    assert control.result is ScanResult.ADMIT, "on the demo database its own DEMO tickets are admitted"

    await _go_real(ctx)
    before = await _entries(ctx)
    refused = await checkin.scan_ticket(ctx, door, texts[1], concert_id=stage.id, gate="North")
    assert (refused.result, refused.reason, refused.offline) == (
        ScanResult.NOT_VALID,
        ScanReason.DEMO_TICKET,
        False,
    )
    assert DEMO_WORDS in refused.message
    assert refused.ticket_id is not None
    assert (refused.place or "").startswith("Stalls, row A, seat ")
    assert await _entries(ctx) == before, "nothing was recorded"

    admitted = await checkin.scan_ticket(ctx, door, document.qr_text, concert_id=stage.id, gate="North")
    assert admitted.result is ScanResult.ADMIT, admitted.message


async def test_offline_the_snapshot_knows_the_database_is_real(
    pg_ctx: ServiceContext,
    door_ctx: ServiceContext,
    proxy: RestartableProxy,
    clock: ManualClock,
    tmp_path: Path,
    expect_log,
) -> None:  # type: ignore[no-untyped-def]
    stage, _, door, texts = await _demo_night(pg_ctx)
    clock.advance(DOORS_OPEN)
    path = tmp_path / "door.sqlite3"
    station = DoorStation(
        LocalDoorLink(door_ctx, door), door_ctx.clock, stage.id, "North", path, probe_interval=timedelta(0)
    )
    async with station:
        await station.refresh_snapshot()  # while the database is the demo
        await proxy.close()
        with expect_log("core.client.door_station", "offline"):
            control = await station.scan(texts[0])
        assert control.result is ScanResult.ADMIT, control.message
        assert control.offline
        assert OFFLINE_NOTE in control.message

        await _go_real(pg_ctx)
        await proxy.start()
        await station.refresh_snapshot()  # now the snapshot says: a real database
        await station.settle()
        await proxy.close()
        with expect_log("core.client.door_station", "offline"):
            refused = await station.scan(texts[1])
    assert (refused.result, refused.reason, refused.offline) == (
        ScanResult.NOT_VALID,
        ScanReason.DEMO_TICKET,
        True,
    )
    assert DEMO_WORDS in refused.message
    assert OFFLINE_NOTE in refused.message


async def test_an_old_door_file_loses_its_snapshot_and_keeps_its_journal(
    tmp_path: Path, clock: ManualClock
) -> None:
    """A door file from before the demo marks: its snapshot cannot say which tickets are DEMO, so it goes (the
    door refreshes it); the journal of what the door did stays."""
    path = tmp_path / "door.sqlite3"
    db = local_db.open_local(path)
    try:
        await db.write(local_db.create_schema)
        entry = local_db.JournalEntry(
            "j-1", clock.now(), "North", None, "not_valid", offline=True, synced=False
        )
        await db.write(lambda conn: local_db.add_entry(conn, entry))
        header = SnapshotHeader(ConcertId(1), clock.now(), "Europe/Berlin", clock.now(), demo_database=True)
        snapshot = DoorSnapshot(header, (), (), ())
        await db.write(lambda conn: local_db.replace_snapshot(conn, snapshot))
        await db.write(lambda conn: conn.execute(text("ALTER TABLE snapshot DROP COLUMN demo_database")))
        await db.write(lambda conn: conn.execute(text("ALTER TABLE tickets DROP COLUMN demo")))

        await db.write(local_db.create_schema)
        assert await db.read(local_db.snapshot_header) is None
        assert await db.read(local_db.count_unsynced) == 1
        await db.write(lambda conn: local_db.replace_snapshot(conn, snapshot))
        assert await db.read(local_db.snapshot_header) == header
    finally:
        await db.dispose()
