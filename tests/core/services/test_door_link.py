"""The server side of a door on both engines: the offline snapshot it downloads (public keys only) and the replay
of its offline admits; everyone else is refused, and garbage changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from core.domain.door import OfflineAdmit, Replay
from core.domain.errors import DeviceNotApproved, InputError, NotAllowed, NotFound
from core.domain.ids import ConcertId, TicketId
from core.domain.staff import Role, StaffActor
from core.services import devices, door, staff
from core.services.context import ServiceContext
from tests.builders import ROOT, build_stage, door_device, sell, signing_kiosk
from tests.dbstate import snapshot


@pytest.fixture
async def night(ctx: ServiceContext):
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Signing kiosk")
    gate = await door_device(ctx, "North door")
    order = await sell(ctx, stage, kiosk, stage.seats[:2], "o1")
    return stage, kiosk, gate, order


def _admit(ticket_id: TicketId, at: datetime, journal_id: str = "0b9f3c5e-0000-4000-8000-000000000001"):
    return OfflineAdmit(journal_id, ticket_id, "North", at)


async def test_a_door_downloads_public_keys_the_void_list_and_the_valid_tickets(ctx, night):
    stage, _, gate, order = night
    snap = await door.download_snapshot(ctx, gate, stage.id)
    assert snap.header.concert_id == stage.id
    assert snap.header.timezone == "Europe/Berlin"
    assert snap.header.refreshed_at == ctx.clock.now()
    assert {t.ticket_id for t in snap.tickets} == {t.id for t in order.tickets}
    assert snap.void == ()
    assert [len(k.public_key) for k in snap.keys] == [32]  # an Ed25519 public key; nothing that can sign
    assert snap.info().tickets == 2


async def test_only_those_who_check_in_may_download_and_replay(ctx, night, clock):
    stage, _, gate, order = night
    member = await staff.create_staff(
        ctx, ROOT, email="bo@venue.test", display_name="Bo", role=Role.BOX_OFFICE
    )
    box_office = StaffActor(member.id, member.role, member.display_name)
    before = await snapshot(ctx)
    for call in (
        lambda: door.download_snapshot(ctx, box_office, stage.id),
        lambda: door.replay_offline_admits(ctx, box_office, [_admit(order.tickets[0].id, clock.now())]),
    ):
        with pytest.raises(NotAllowed) as refused:
            await call()
        assert refused.value.code == "not_allowed"
    assert await snapshot(ctx) == before
    # A revoked door is refused in the same transaction as the work.
    await devices.revoke_device(ctx, ROOT, gate.device_id)
    before = await snapshot(ctx)
    for call in (
        lambda: door.download_snapshot(ctx, gate, stage.id),
        lambda: door.replay_offline_admits(ctx, gate, [_admit(order.tickets[0].id, clock.now())]),
    ):
        with pytest.raises(DeviceNotApproved) as revoked:
            await call()
        assert revoked.value.code == "device_not_approved"
    assert await snapshot(ctx) == before


async def test_an_unknown_concert_is_not_found(ctx, night):
    _, _, gate, _ = night
    with pytest.raises(NotFound) as missing:
        await door.download_snapshot(ctx, gate, ConcertId(9999))
    assert missing.value.code == "concert_not_found"


async def test_replay_records_once_and_names_unknown_tickets(ctx, night, clock, expect_log):
    _, _, gate, order = night
    first = _admit(order.tickets[0].id, clock.now())
    unknown = _admit(TicketId(9999), clock.now(), "0b9f3c5e-0000-4000-8000-000000000002")
    with expect_log("core.services.door", "tickets the server does not know"):
        replayed = await door.replay_offline_admits(ctx, gate, [first, unknown])
    assert replayed == [Replay.RECORDED, Replay.UNKNOWN_TICKET]
    before = await snapshot(ctx)
    assert await door.replay_offline_admits(ctx, gate, [first]) == [Replay.ALREADY_KNOWN]
    assert await snapshot(ctx) == before
    assert await door.replay_offline_admits(ctx, gate, []) == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"journal_id": "x"}, "offline_admits_invalid"),
        ({"journal_id": "'; DROP TABLE checkins; --"}, "offline_admits_invalid"),
        ({"scanned_at": datetime(2026, 1, 1)}, "offline_admits_invalid"),
        ({"gate": "a/b"}, "gate_invalid"),
        ({"ticket_id": -1}, "id_invalid"),
    ],
    ids=["short id", "sql", "naive time", "topic gate", "bad ticket"],
)
async def test_garbage_admits_are_refused_and_change_nothing(ctx, night, clock, change, code):
    _, _, gate, order = night
    good = _admit(order.tickets[0].id, clock.now())
    bad = OfflineAdmit(**{**{f: getattr(good, f) for f in good.__slots__}, **change})
    before = await snapshot(ctx)
    with pytest.raises(InputError) as refused:
        await door.replay_offline_admits(ctx, gate, [good, bad])  # all or nothing
    assert refused.value.code == code
    assert await snapshot(ctx) == before


async def test_a_replay_is_bounded(ctx, night, clock):
    _, _, gate, order = night
    many = [
        _admit(order.tickets[0].id, clock.now() + timedelta(seconds=i), f"0b9f3c5e-0000-4000-8000-{i:012d}")
        for i in range(door.MAX_REPLAY + 1)
    ]
    before = await snapshot(ctx)
    with pytest.raises(InputError) as refused:
        await door.replay_offline_admits(ctx, gate, many)
    assert refused.value.code == "offline_admits_invalid"
    assert await snapshot(ctx) == before
