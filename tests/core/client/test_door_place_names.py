"""A scan's place as parts (PlaceName, with the venue's names in other languages), online, offline from the door's
snapshot and after an undo, so each door says it in its staff's language; an old door file without the parts
loses its snapshot (the door refreshes it) and keeps its journal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from core.client.door_station import DoorStation
from core.client.local import LocalDoorLink
from core.db import door_local as local_db
from core.db import names as names_db
from core.domain.checkin import ScanResult
from core.domain.door import DoorSnapshot, SnapshotHeader, SnapshotTicket
from core.domain.ids import ConcertId, TicketId
from core.domain.places import PlaceName
from core.services import checkin
from core.services import tickets as tickets_service
from core.services.context import ServiceContext
from tests.builders import build_stage, door_device, sell, signing_kiosk
from tests.support.door import cuttable_door_context

DOORS_OPEN = 7 * 24 * 3600  # build_stage's doors open a week after the clock's start
STALLS = (("de", "Parkett"), ("es", "Platea"))


async def _named_night(ctx: ServiceContext):  # type: ignore[no-untyped-def]
    stage = await build_stage(ctx)

    async def name(conn) -> None:  # type: ignore[no-untyped-def]
        await names_db.put_section_names(conn, stage.concert.plan_id, {"Stalls": dict(STALLS)})

    await ctx.db.write(name)
    kiosk = await signing_kiosk(ctx, "Signing kiosk")
    door = await door_device(ctx, "North door")
    order = await sell(ctx, stage, kiosk, stage.seats[:2], "names-1")
    documents = await tickets_service.order_documents(ctx, kiosk, order.code)
    by_serial = {d.serial: d.qr_text for d in documents}
    return stage, door, [by_serial[t.serial] for t in order.tickets]  # in seat order


async def test_online_and_undone_outcomes_carry_the_place_as_parts(ctx, clock) -> None:
    stage, door, texts = await _named_night(ctx)
    clock.advance(DOORS_OPEN)
    admitted = await checkin.scan_ticket(ctx, door, texts[0], concert_id=stage.id, gate="North")
    assert admitted.result is ScanResult.ADMIT
    assert admitted.place == "Stalls, row A, seat 1"  # core's English, for logs and older clients
    assert admitted.place_name == PlaceName("Stalls", "A", 1, STALLS)
    again = await checkin.scan_ticket(ctx, door, texts[0], concert_id=stage.id, gate="North")
    assert (again.result, again.place_name) == (ScanResult.ALREADY_USED, PlaceName("Stalls", "A", 1, STALLS))
    undone = await checkin.undo_last_admit(ctx, door)
    assert undone.place_name == PlaceName("Stalls", "A", 1, STALLS)


async def test_offline_the_snapshot_names_the_place_as_parts(ctx, database_url, clock, tmp_path, expect_log):
    stage, door, texts = await _named_night(ctx)
    clock.advance(DOORS_OPEN)
    async with (
        cuttable_door_context(database_url, clock, tmp_path) as (door_ctx, line),
        DoorStation(
            LocalDoorLink(door_ctx, door),
            door_ctx.clock,
            stage.id,
            "North",
            tmp_path / "door.sqlite3",
            probe_interval=timedelta(0),
        ) as station,
    ):
        await station.refresh_snapshot()
        await line.cut()
        with expect_log("core.client.door_station", "offline"):
            offline = await station.scan(texts[1])
        assert (offline.result, offline.offline) == (ScanResult.ADMIT, True)
        assert offline.place == "Stalls, row A, seat 2"
        assert offline.place_name == PlaceName("Stalls", "A", 2, STALLS)


async def test_a_snapshot_from_a_server_without_place_parts_still_names_the_place(
    tmp_path: Path, clock
) -> None:
    """An older server sends only the English label: the door keeps it (and shows it) rather than failing."""
    db = local_db.open_local(tmp_path / "door.sqlite3")
    try:
        await db.write(local_db.create_schema)
        header = SnapshotHeader(ConcertId(1), clock.now(), "Europe/Berlin", clock.now())
        seat = SnapshotTicket(
            TicketId(5), "S5", "Stalls, row A, seat 1", place_name=PlaceName("Stalls", "A", 1)
        )
        standing = SnapshotTicket(
            TicketId(6),
            "S6",
            "Floor, standing",
            place_name=PlaceName("Floor", section_names=(("de", "Steh"),)),
        )
        label_only = SnapshotTicket(TicketId(7), "S7", "Stalls, row B, seat 3")
        snapshot = DoorSnapshot(header, (), (), (seat, standing, label_only))
        await db.write(lambda conn: local_db.replace_snapshot(conn, snapshot))
        for ticket in (seat, standing, label_only):
            assert await db.read(lambda conn, t=ticket: local_db.ticket(conn, t.ticket_id)) == ticket
    finally:
        await db.dispose()


async def test_an_old_door_file_without_place_parts_loses_its_snapshot_and_keeps_its_journal(
    tmp_path: Path, clock
) -> None:
    db = local_db.open_local(tmp_path / "door.sqlite3")
    try:
        await db.write(local_db.create_schema)
        entry = local_db.JournalEntry(
            "j-1", clock.now(), "North", None, "not_valid", offline=True, synced=False
        )
        await db.write(lambda conn: local_db.add_entry(conn, entry))
        header = SnapshotHeader(ConcertId(1), clock.now(), "Europe/Berlin", clock.now())
        snapshot = DoorSnapshot(header, (), (), ())
        await db.write(lambda conn: local_db.replace_snapshot(conn, snapshot))
        await db.write(lambda conn: conn.execute(text("ALTER TABLE tickets DROP COLUMN section_names")))

        await db.write(local_db.create_schema)
        assert await db.read(local_db.snapshot_header) is None
        assert await db.read(local_db.count_unsynced) == 1
        await db.write(lambda conn: local_db.replace_snapshot(conn, snapshot))
        assert await db.read(local_db.snapshot_header) == header
    finally:
        await db.dispose()
