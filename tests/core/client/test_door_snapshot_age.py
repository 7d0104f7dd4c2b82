"""The door's offline list has a maximum age, on both engines: within it an offline door checks by signature;
past it every scan says CHECK BY HAND (never ADMIT, never NOT VALID from stale data), journaled but never
replayed as an admit; a fresh list from the server makes the door check again. The list carries the server's
time, and a revoked device's key is not in it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from core.client.door_station import DoorStation
from core.client.local import LocalClient, LocalDoorLink
from core.db import door_local as local_db
from core.domain.checkin import ScanResult
from core.domain.door import OFFLINE_NOTE, SnapshotAge, describe_age
from core.domain.staff import DeviceActor
from core.services import checkin, devices
from core.services import tickets as tickets_service
from core.services.context import ServiceContext
from core.tickets.qr import b45decode, b45encode
from tests.builders import build_stage, door_device, legacy_kiosk, sell, sell_the_old_way, signing_kiosk
from tests.support.door import cuttable_door_context

DOORS_OPEN = 7 * 24 * 3600  # build_stage's doors open a week after the clock's start
LIMIT = timedelta(hours=2)


async def _tickets(ctx: ServiceContext, seats: int = 3):
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Signing kiosk")
    door = await door_device(ctx, "North door")
    order = await sell(ctx, stage, kiosk, stage.seats[:seats], "o1")
    documents = await tickets_service.order_documents(ctx, kiosk, order.code)
    return stage, door, [d.qr_text for d in sorted(documents, key=lambda d: d.serial)]


def _station(door_ctx: ServiceContext, door: DeviceActor, concert_id, path: Path) -> DoorStation:
    return DoorStation(
        LocalDoorLink(door_ctx, door),
        door_ctx.clock,
        concert_id,
        "North",
        path,
        probe_interval=timedelta(0),  # every scan tries the server first
        max_snapshot_age=LIMIT,
    )


def _flip_bit(text: str, bit: int) -> str:
    raw = bytearray(b45decode(text))
    raw[bit // 8] ^= 1 << (bit % 8)
    return b45encode(bytes(raw))


async def test_an_offline_door_whose_list_is_too_old_says_check_by_hand(
    ctx, database_url, clock, tmp_path, expect_log
):
    stage, door, texts = await _tickets(ctx)
    clock.advance(DOORS_OPEN)
    async with (
        cuttable_door_context(database_url, clock, tmp_path) as (door_ctx, line),
        _station(door_ctx, door, stage.id, tmp_path / "door.sqlite3") as station,
    ):
        made = clock.now()
        assert (await station.refresh_snapshot()).refreshed_at == made  # the server's time, in the snapshot
        await line.cut()
        clock.advance(LIMIT.total_seconds())  # exactly at the limit: still checked
        with expect_log("core.client.door_station", "offline"):
            admit = await station.scan(texts[0])
        assert (admit.result, station.online) == (ScanResult.ADMIT, False)
        assert await station.snapshot_age() == SnapshotAge(made, LIMIT, LIMIT, "Europe/Berlin")

        clock.advance(60)
        forged = _flip_bit(texts[2], 13)
        for text in (texts[1], texts[0], forged):  # a good ticket, one inside already, a forgery
            stale = await station.scan(text)
            assert stale.result is ScanResult.UNCHECKED, stale.message
            assert stale.message.startswith("CHECK BY HAND: This door's offline list is too old")
            assert "2 h 01 min ago; the limit is 2 h 00 min" in stale.message
            assert "Connect the door to the network, or check tickets by hand." in stale.message
            assert stale.message.endswith(OFFLINE_NOTE)
            assert (stale.ticket_id, stale.place) == (None, None)  # nothing from the stale list is shown
        age = await station.snapshot_age()
        assert age is not None
        assert age.too_old
        assert describe_age(age.age) == "2 h 01 min"
        assert await station.unsynced() == 4  # every scan journaled

        await line.mend()
        refreshed = await station.refresh_snapshot()  # the server is back: a fresh list
        assert refreshed.refreshed_at == clock.now()
        assert not (await station.snapshot_age()).too_old  # type: ignore[union-attr]
        await station.settle()  # back online, the door synced its journal by itself
        assert await station.unsynced() == 0
        await line.cut()
        with expect_log("core.client.door_station", "offline"):
            again = await station.scan(texts[1])
        assert again.result is ScanResult.ADMIT  # checked again, by the fresh list
    # Only the one admit within the limit reached the server: the stale refusals were never replayed.
    on_server = await checkin.scan_ticket(ctx, door, texts[1], concert_id=stage.id, gate="South")
    assert on_server.result is ScanResult.ADMIT
    first = await checkin.scan_ticket(ctx, door, texts[0], concert_id=stage.id, gate="South")
    assert (first.result, first.first_gate) == (ScanResult.ALREADY_USED, "North")


async def test_the_clients_take_the_maximum_age_from_the_devices_settings(ctx, clock, tmp_path):
    stage, door, _ = await _tickets(ctx, 1)
    client = LocalClient.over(ctx, actor=door)
    async with await client.open_door_station(stage.id, "North", tmp_path / "door.sqlite3") as station:
        assert station.max_snapshot_age == timedelta(seconds=ctx.settings.door_snapshot_max_age_s)
        assert station.max_snapshot_age == timedelta(hours=6)  # the default
        assert await station.snapshot_age() is None  # no list yet


async def test_a_revoked_kiosks_key_leaves_the_list_and_its_tickets_are_not_valid_offline(
    ctx, database_url, clock, tmp_path, expect_log
):
    """Distrusted by default: revoking a kiosk that signed tickets before the venue server removes its key."""
    stage, door, texts = await _tickets(ctx, 1)
    stolen = await legacy_kiosk(ctx, "Stolen old kiosk")
    lost = await sell_the_old_way(ctx, stage, stolen, stage.seats[1:2], "stolen-way")
    [lost_doc] = await tickets_service.order_documents(ctx, stage.manager, lost.code)
    clock.advance(DOORS_OPEN)
    async with (
        cuttable_door_context(database_url, clock, tmp_path) as (door_ctx, line),
        _station(door_ctx, door, stage.id, tmp_path / "door.sqlite3") as station,
    ):
        await station.refresh_snapshot()
        assert stolen.key_id in await station._local_read(local_db.trusted_keys)  # trusted while approved
        await devices.revoke_device(ctx, stage.manager, stolen.actor.device_id)
        await station.refresh_snapshot()
        keys = await station._local_read(local_db.trusted_keys)
        assert stolen.key_id not in keys
        assert all(len(public) == 32 for public in keys.values())  # raw Ed25519 public keys, nothing else
        await line.cut()
        with expect_log("core.client.door_station", "offline"):
            refused = await station.scan(lost_doc.qr_text)
        assert refused.result is ScanResult.NOT_VALID
        assert (await station.scan(texts[0])).result is ScanResult.ADMIT
