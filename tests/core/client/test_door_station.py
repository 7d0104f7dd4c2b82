"""The door station over its link, on a real PostgreSQL and real local SQLite files: the door loses the server (a
closed or frozen proxy in front of the database its in-process link uses), checks tickets by signature against
its snapshot, switches back by itself, and its sync records every offline admit once; a ticket admitted at two
offline doors is one admit plus one reported conflict, whatever order the doors sync in."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.client.door_station import DoorStation
from core.client.local import LocalDoorLink
from core.db import door_local as local_db
from core.db.tables import checkin_conflicts, checkins, tickets
from core.domain.checkin import ScanResult
from core.domain.clock import ManualClock
from core.domain.door import OFFLINE_NOTE
from core.domain.errors import NotAllowed
from core.domain.ids import TicketId
from core.domain.orders import Order
from core.domain.staff import DeviceActor
from core.services import checkin, devices, orders
from core.services import tickets as tickets_service
from core.services.context import ServiceContext
from core.services.door import list_conflicts
from core.tickets.qr import b45decode, b45encode
from tests.builders import (
    Stage,
    build_stage,
    door_device,
    legacy_kiosk,
    sell,
    sell_the_old_way,
    signing_kiosk,
)
from tests.support.door import door_context
from tests.support.tcp_proxy import RestartableProxy

pytestmark = pytest.mark.postgres

DOORS_OPEN = 7 * 24 * 3600  # build_stage's doors open a week after the clock's start


@dataclass
class Night:
    stage: Stage
    door: DeviceActor
    order: Order
    texts: dict[TicketId, str]

    def text(self, n: int) -> str:
        return self.texts[self.order.tickets[n].id]


async def _night(ctx: ServiceContext, seats: int = 3, *, name: str = "Test Hall", key: str = "o1") -> Night:
    stage = await build_stage(ctx, name=name)
    kiosk = await signing_kiosk(ctx, f"{name} signing kiosk")
    door = await door_device(ctx, f"{name} door")
    order = await sell(ctx, stage, kiosk, stage.seats[:seats], key)
    documents = await tickets_service.order_documents(ctx, kiosk, order.code)
    by_serial = {d.serial: d.qr_text for d in documents}
    return Night(stage, door, order, {t.id: by_serial[t.serial] for t in order.tickets})


@pytest.fixture
async def proxy(pg_database_url: str) -> AsyncIterator[RestartableProxy]:
    started = RestartableProxy.to(pg_database_url)
    await started.start()
    yield started
    await started.close()


@pytest.fixture
async def door_ctx(proxy: RestartableProxy, pg_database_url: str, clock: ManualClock):
    async with door_context(proxy.url_for(pg_database_url), clock) as ctx:
        yield ctx


def _station(ctx: ServiceContext, night: Night, gate: str, path: Path) -> DoorStation:
    # No probe interval: a closed port fails at once, and these tests want every scan to try online first.
    return DoorStation(
        LocalDoorLink(ctx, night.door), ctx.clock, night.stage.id, gate, path, probe_interval=timedelta(0)
    )


async def _ticket_row(ctx: ServiceContext, ticket_id: TicketId):
    async def work(conn: AsyncConnection):
        return (await conn.execute(select(tickets).where(tickets.c.id == ticket_id))).one()

    return await ctx.db.read(work)


async def _count(ctx: ServiceContext, table, *where) -> int:
    async def work(conn: AsyncConnection) -> int:
        return int((await conn.execute(select(func.count()).select_from(table).where(*where))).scalar_one())

    return await ctx.db.read(work)


def _flip_bit(text: str, bit: int) -> str:
    raw = bytearray(b45decode(text))
    raw[bit // 8] ^= 1 << (bit % 8)
    return b45encode(bytes(raw))


# --- 1: offline verdicts, and the way back ---------------------------------------------------------


async def test_offline_door_checks_by_signature_and_goes_back_online_by_itself(
    pg_ctx, door_ctx, proxy, clock, tmp_path, expect_log
):
    night = await _night(pg_ctx)
    other = await _night(pg_ctx, 1, name="Other Hall", key="o2")
    refunded = night.order.tickets[2]
    await orders.refund_tickets(
        pg_ctx, night.stage.manager, night.order.code, reason="ill", ticket_ids=[refunded.id]
    )
    clock.advance(DOORS_OPEN)
    async with _station(door_ctx, night, "North", tmp_path / "door.sqlite3") as station:
        info = await station.refresh_snapshot()
        assert (info.tickets, info.void, info.concert_id) == (2, 1, night.stage.id)

        await proxy.close()
        with expect_log("core.client.door_station", "offline"):
            admit = await station.scan(night.text(0))
        assert not station.online
        assert admit.result is ScanResult.ADMIT, admit.message
        assert OFFLINE_NOTE in admit.message
        assert admit.place == "Stalls, row A, seat 1"
        again = await station.scan(night.text(0))
        assert again.result is ScanResult.ALREADY_USED
        assert (again.first_gate, again.first_scan_at) == ("North", clock.now())
        forged = await station.scan(_flip_bit(night.text(1), 13))
        assert forged.result is ScanResult.NOT_VALID
        assert OFFLINE_NOTE in forged.message
        assert (await station.scan(night.texts[refunded.id])).result is ScanResult.VOID
        assert (await station.scan(other.text(0))).result is ScanResult.WRONG_CONCERT
        assert (await station.scan("HELLO WORLD")).result is ScanResult.NOT_VALID
        assert not station.online  # garbage is refused without asking the database: no sign it is back
        assert not (
            await _ticket_row(pg_ctx, night.order.tickets[0].id)
        ).inside  # the server knows nothing yet
        assert await station.unsynced() == 5  # every offline check is journaled for the sync

        await proxy.start()  # the network is back, on the same address
        online = await station.scan(night.text(1))
        assert station.online
        assert online.result is ScanResult.ADMIT
        assert OFFLINE_NOTE not in online.message
        assert (await _ticket_row(pg_ctx, night.order.tickets[1].id)).inside
        # Back online, the door syncs its offline scans by itself (the online scan was journaled as synced).
        async with asyncio.timeout(5):
            await station.settle()
        assert await station.unsynced() == 0
        assert (
            await _ticket_row(pg_ctx, night.order.tickets[0].id)
        ).inside  # the offline admit reached the server


async def test_the_snapshot_holds_public_keys_only_and_legacy_tickets_still_admit_offline(
    pg_ctx, door_ctx, proxy, clock, tmp_path, expect_log
):
    """Server keys and the legacy keys of kiosks that signed before the server, while trusted: nothing else."""
    night = await _night(pg_ctx, 1)  # signed by the server
    old = await legacy_kiosk(pg_ctx, "Old kiosk")
    kept = await sell_the_old_way(pg_ctx, night.stage, old, night.stage.seats[1:2], "old-way")
    stolen = await legacy_kiosk(pg_ctx, "Stolen old kiosk")
    lost = await sell_the_old_way(pg_ctx, night.stage, stolen, night.stage.seats[2:3], "stolen-way")
    await signing_kiosk(pg_ctx, "New kiosk")  # approved, its key proves who it is and signed nothing
    await devices.revoke_device(pg_ctx, night.stage.manager, stolen.actor.device_id)  # distrusted by default
    texts = {}
    for order in (kept, lost):
        [document] = await tickets_service.order_documents(pg_ctx, night.stage.manager, order.code)
        texts[order.code] = document.qr_text
    clock.advance(DOORS_OPEN)
    async with _station(door_ctx, night, "North", tmp_path / "door.sqlite3") as station:
        await station.refresh_snapshot()
        keys = await station._local_read(local_db.trusted_keys)
        assert keys == {
            pg_ctx.signer.key_id: pg_ctx.signer.key.public_key_bytes,
            old.key_id: old.key.public_key_bytes,
        }
        await proxy.close()
        with expect_log("core.client.door_station", "offline"):
            assert (await station.scan(night.text(0))).result is ScanResult.ADMIT
        assert not station.online
        assert (await station.scan(texts[kept.code])).result is ScanResult.ADMIT
        assert (await station.scan(texts[lost.code])).result is ScanResult.NOT_VALID


async def test_a_silent_network_costs_one_timeout_then_scans_go_straight_offline(
    pg_ctx, door_ctx, proxy, clock, tmp_path, expect_log
):
    night = await _night(pg_ctx, 2)
    clock.advance(DOORS_OPEN)
    path = tmp_path / "door.sqlite3"
    link = LocalDoorLink(door_ctx, night.door)
    async with DoorStation(
        link, door_ctx.clock, night.stage.id, "North", path, online_timeout_s=1.5
    ) as station:
        await station.refresh_snapshot()
        proxy.freeze()
        asked = proxy.bytes_to_server
        with expect_log("core.client.door_station", "offline"):
            first = await station.scan(night.text(0))  # the guest waits online_timeout_s at most
        assert proxy.bytes_to_server > asked  # the first scan did ask, and gave up on the silent answer
        asked = proxy.bytes_to_server
        second = await station.scan(night.text(1))
        assert proxy.bytes_to_server == asked  # within the probe interval the database is not asked again
        await proxy.close()  # the frozen connections die with it, so dispose does not wait
    assert (first.result, second.result) == (ScanResult.ADMIT, ScanResult.ADMIT)
    assert (first.offline, second.offline) == (True, True)


# --- 2 and 5: sync is idempotent; online scans then know the offline admit -------------------------


async def test_sync_records_offline_admits_once_and_online_scans_see_them(
    pg_ctx, door_ctx, proxy, clock, tmp_path, expect_log
):
    night = await _night(pg_ctx)
    clock.advance(DOORS_OPEN)
    path = tmp_path / "door.sqlite3"
    async with _station(door_ctx, night, "North", path) as station:
        await station.refresh_snapshot()
        await proxy.close()
        with expect_log("core.client.door_station", "offline"):
            assert (await station.scan(night.text(0))).admitted
        clock.advance(30)
        assert (await station.scan(night.text(1))).admitted
        assert (await station.scan("HELLO WORLD")).result is ScanResult.NOT_VALID
    # The journal as it stood before the sync: replaying it again is what a lost COMMIT reply leads to.
    shutil.copy(path, tmp_path / "before-sync.sqlite3")

    await proxy.start()
    async with _station(door_ctx, night, "North", path) as station:
        report = await station.sync()
        assert (report.recorded, report.other, report.conflicts, report.pending) == (2, 0, 0, 0)
        assert (await station.sync()).recorded == 0
    first = night.order.tickets[0].id
    row = await _ticket_row(pg_ctx, first)
    assert (row.inside, row.entries, row.last_gate) == (True, 1, "North")
    assert await _count(pg_ctx, checkins, checkins.c.offline, checkins.c.journal_id.is_not(None)) == 2

    async with _station(door_ctx, night, "North", tmp_path / "before-sync.sqlite3") as replayed:
        again = await replayed.sync()
    assert (again.recorded, again.already_known, again.conflicts) == (0, 2, 0)
    assert await _count(pg_ctx, checkins) == 2
    assert await _count(pg_ctx, checkin_conflicts) == 0
    assert (await _ticket_row(pg_ctx, first)).entries == 1

    # 5: an online door now says ALREADY USED, naming the offline gate and time.
    other_door = await door_device(pg_ctx, "South door")
    online = await checkin.scan_ticket(
        pg_ctx, other_door, night.text(0), concert_id=night.stage.id, gate="South"
    )
    assert online.result is ScanResult.ALREADY_USED
    assert online.first_gate == "North"
    assert "North" in online.message


# --- 3 and 4: two offline doors admit one ticket; the outcome does not depend on the sync order ------


@pytest.mark.parametrize("sync_order", ["first scanner syncs first", "later scanner syncs first"])
async def test_two_offline_doors_one_ticket_one_admit_one_conflict(
    pg_ctx, door_ctx, proxy, clock, tmp_path, expect_log, sync_order
):
    night = await _night(pg_ctx, 1)
    ticket_id = night.order.tickets[0].id
    clock.advance(DOORS_OPEN)
    north = _station(door_ctx, night, "North", tmp_path / "north.sqlite3")
    south = _station(door_ctx, night, "South", tmp_path / "south.sqlite3")
    async with north, south:
        await north.refresh_snapshot()
        await south.refresh_snapshot()
        await proxy.close()
        first_at = clock.now()
        with expect_log("core.client.door_station", "offline"):
            assert (await north.scan(night.text(0))).admitted
            clock.advance(90)
            assert (await south.scan(night.text(0))).admitted  # it cannot know: both say ADMIT
        await proxy.start()
        doors = [north, south] if sync_order == "first scanner syncs first" else [south, north]
        reports = [await d.sync() for d in doors]

    assert sum(r.recorded for r in reports) == 1
    assert sum(r.conflicts for r in reports) == 1
    assert await _count(pg_ctx, checkin_conflicts) == 1
    row = await _ticket_row(pg_ctx, ticket_id)
    # The earlier scan is the admit whichever door came back first (scan-time order, not sync order).
    assert (row.inside, row.entries, row.last_gate, row.last_scan_at) == (True, 1, "North", first_at)
    [conflict] = await list_conflicts(pg_ctx, night.stage.manager, night.stage.id)
    assert (conflict.ticket_id, conflict.serial) == (ticket_id, night.order.tickets[0].serial)
    assert conflict.place == "Stalls, row A, seat 1"
    assert (conflict.admitted_gate, conflict.admitted_at) == ("North", first_at)
    assert (conflict.duplicate_gate, conflict.duplicate_at) == ("South", first_at + timedelta(seconds=90))
    assert conflict.admitted_offline
    assert conflict.duplicate_offline
    with pytest.raises(NotAllowed) as door_may_not:
        await list_conflicts(pg_ctx, night.door)
    assert door_may_not.value.code == "not_allowed"


async def test_one_journal_is_replayed_in_scan_time_order(
    pg_ctx, door_ctx, proxy, clock, tmp_path, expect_log
):
    """The clock was corrected backwards between two scans: the journal's write order and its scan-time
    order differ, and the server must see the scan-time order."""
    night = await _night(pg_ctx, 2)
    clock.advance(DOORS_OPEN + 600)
    async with _station(door_ctx, night, "North", tmp_path / "door.sqlite3") as station:
        await station.refresh_snapshot()
        await proxy.close()
        with expect_log("core.client.door_station", "offline"):
            assert (await station.scan(night.text(0))).admitted
        clock.advance(-300)  # e.g. NTP stepped the door's clock back
        assert (await station.scan(night.text(1))).admitted
        await proxy.start()
        assert (await station.sync()).recorded == 2

    async def replayed(conn: AsyncConnection) -> list[TicketId]:
        rows = await conn.execute(select(checkins.c.ticket_id).order_by(checkins.c.id))
        return [TicketId(r.ticket_id) for r in rows]

    assert await pg_ctx.db.read(replayed) == [night.order.tickets[1].id, night.order.tickets[0].id]
