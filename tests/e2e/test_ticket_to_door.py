"""End to end at core level: sell at a kiosk (the server signs) -> PDF -> rasterise -> decode the QR with zxing-cpp ->
check in: ADMIT, then ALREADY USED; forged, refunded, wrong-concert and revoked-key tickets are refused; two
gates scanning one ticket at once admit it exactly once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from core.db.signing_keys import is_server_key
from core.domain.checkin import ScanResult
from core.domain.devices import DeviceKind
from core.domain.errors import Conflict, NotAllowed
from core.domain.orders import Payment
from core.domain.staff import Role, StaffActor
from core.security.device_keys import DeviceKey
from core.services import catalog, checkin, checkout, devices, orders, sales, signing_keys, tickets
from core.tickets.payload import TicketPayload, encode
from core.tickets.qr import b45decode, b45encode, parse_text, to_text
from core.tickets.signing import verify
from tests.builders import (
    build_stage,
    decode_qr_texts,
    door_device,
    legacy_kiosk,
    sell,
    sell_the_old_way,
    signing_kiosk,
)


async def test_printed_ticket_admits_once_and_forgeries_are_refused(ctx, clock):
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Signing kiosk")
    door = await door_device(ctx, "North door")
    order = await sell(ctx, stage, kiosk, stage.seats[:2], "e2e-1")
    pdf = await tickets.render_order(ctx, kiosk, order.code, tickets.Layout.TICKET80)
    texts = decode_qr_texts(pdf)
    assert len(texts) == 2

    clock.advance(7 * 24 * 3600)  # the concert night: doors are open
    first = await checkin.scan_ticket(ctx, door, texts[0], concert_id=stage.id, gate="North")
    assert first.result is ScanResult.ADMIT, first.message
    assert first.place == "Stalls, row A, seat 1"
    again = await checkin.scan_ticket(ctx, door, texts[0], concert_id=stage.id, gate="South")
    assert again.result is ScanResult.ALREADY_USED
    assert again.first_gate == "North"
    assert "North" in again.message

    # One flipped bit anywhere in the signed payload: NOT VALID.
    raw = bytearray(b45decode(texts[1]))
    for bit in (0, 13, 70, 8 * (len(raw) - 65)):
        forged = bytearray(raw)
        forged[bit // 8] ^= 1 << (bit % 8)
        result = await checkin.scan_ticket(
            ctx, door, b45encode(bytes(forged)), concert_id=stage.id, gate="North"
        )
        assert result.result is ScanResult.NOT_VALID, bit
    garbage = await checkin.scan_ticket(ctx, door, "HELLO WORLD", concert_id=stage.id, gate="North")
    assert garbage.result is ScanResult.NOT_VALID

    # Another concert's door: WRONG CONCERT (and the ticket stays unused for its own door).
    other = await build_stage(ctx, name="Other Hall")
    wrong = await checkin.scan_ticket(ctx, door, texts[1], concert_id=other.id, gate="North")
    assert wrong.result is ScanResult.WRONG_CONCERT
    # Refunded: VOID.
    await orders.refund_tickets(
        ctx, stage.manager, order.code, reason="guest ill", ticket_ids=[order.tickets[1].id]
    )
    void = await checkin.scan_ticket(ctx, door, texts[1], concert_id=stage.id, gate="North")
    assert void.result is ScanResult.VOID


async def test_too_early_before_doors(ctx):
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Early kiosk")
    door = await door_device(ctx, "Early door")
    order = await sell(ctx, stage, kiosk, stage.seats[:1], "early")
    text = decode_qr_texts(await tickets.render_order(ctx, kiosk, order.code, tickets.Layout.A4))[0]
    early = await checkin.scan_ticket(ctx, door, text, concert_id=stage.id, gate="Main")
    assert early.result is ScanResult.TOO_EARLY
    assert "TOO EARLY" in early.message


async def test_the_server_signs_and_devices_sign_nothing(ctx, clock):
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Plain kiosk")
    door = await door_device(ctx, "Server door")
    order = await sell(ctx, stage, kiosk, stage.seats[:1], "server-signed")
    key_id = order.tickets[0].key_id
    assert key_id == ctx.signer.key_id
    assert is_server_key(key_id)
    text = decode_qr_texts(await tickets.render_order(ctx, kiosk, order.code))[0]
    payload, signed, signature = parse_text(text)
    assert payload.key_id == key_id
    assert verify(ctx.signer.key.public_key_bytes, signed, signature)
    # Revoking the kiosk that sold it (the default distrusts the device's own keys) leaves it valid.
    await devices.revoke_device(ctx, stage.manager, kiosk.device_id)
    clock.advance(7 * 24 * 3600)
    assert (await checkin.scan_ticket(ctx, door, text, concert_id=stage.id, gate="Main")).admitted


async def test_revoked_kiosk_tickets_keep_or_lose_validity(ctx, clock):
    """Tickets a kiosk signed itself before the venue server: a revoked kiosk's are refused by default, kept
    valid when the manager says so."""
    stage = await build_stage(ctx)
    kiosk = await legacy_kiosk(ctx, "Retired kiosk")
    door = await door_device(ctx, "Main door")
    kept = await sell_the_old_way(ctx, stage, kiosk, stage.seats[:1], "kept")
    kept_text = decode_qr_texts(await tickets.render_order(ctx, kiosk.actor, kept.code))[0]
    stolen = await legacy_kiosk(ctx, "Stolen kiosk")
    lost = await sell_the_old_way(ctx, stage, stolen, stage.seats[1:2], "lost")
    lost_text = decode_qr_texts(await tickets.render_order(ctx, stolen.actor, lost.code))[0]
    assert parse_text(lost_text)[0].key_id == stolen.key_id  # signed the old way, by the kiosk's key

    await devices.revoke_device(ctx, stage.manager, kiosk.actor.device_id, keep_tickets_valid=True)
    await devices.revoke_device(ctx, stage.manager, stolen.actor.device_id)  # the default: distrust
    clock.advance(7 * 24 * 3600)
    good = await checkin.scan_ticket(ctx, door, kept_text, concert_id=stage.id, gate="Main")
    assert good.result is ScanResult.ADMIT
    bad = await checkin.scan_ticket(ctx, door, lost_text, concert_id=stage.id, gate="Main")
    assert bad.result is ScanResult.NOT_VALID


async def test_tickets_signed_by_a_kiosk_before_the_server_stay_valid(ctx, clock):
    stage = await build_stage(ctx)
    kiosk = await legacy_kiosk(ctx, "Old kiosk")
    door = await door_device(ctx, "Old door")
    old = await sell_the_old_way(ctx, stage, kiosk, stage.seats[:1], "old-way")
    new = await sell(ctx, stage, kiosk.actor, stage.seats[1:2], "new-way")
    old_text = decode_qr_texts(await tickets.render_order(ctx, kiosk.actor, old.code))[0]
    new_text = decode_qr_texts(await tickets.render_order(ctx, kiosk.actor, new.code))[0]
    assert (await orders.find_order(ctx, stage.manager, old.code)).tickets[0].key_id == kiosk.key_id
    assert parse_text(new_text)[0].key_id == ctx.signer.key_id != kiosk.key_id
    clock.advance(7 * 24 * 3600)
    assert (await checkin.scan_ticket(ctx, door, old_text, concert_id=stage.id, gate="A")).admitted
    assert (await checkin.scan_ticket(ctx, door, new_text, concert_id=stage.id, gate="A")).admitted


@pytest.mark.postgres
async def test_two_gates_scanning_at_once_admit_exactly_once(pg_ctx, clock):
    ctx = pg_ctx
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Race kiosk")
    doors = [await door_device(ctx, f"Gate {n}") for n in range(8)]
    order = await sell(ctx, stage, kiosk, stage.seats[:1], "race")
    text = decode_qr_texts(await tickets.render_order(ctx, kiosk, order.code))[0]
    clock.advance(7 * 24 * 3600)
    results = await asyncio.gather(
        *(checkin.scan_ticket(ctx, d, text, concert_id=stage.id, gate=f"G{n}") for n, d in enumerate(doors))
    )
    assert [r.result for r in results].count(ScanResult.ADMIT) == 1
    assert [r.result for r in results].count(ScanResult.ALREADY_USED) == 7


async def test_the_door_can_undo_its_last_admit_within_minutes(ctx, clock):
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Undo kiosk")
    door = await door_device(ctx, "Undo door")
    order = await sell(ctx, stage, kiosk, stage.seats[:1], "undo")
    text = decode_qr_texts(await tickets.render_order(ctx, kiosk, order.code))[0]
    clock.advance(7 * 24 * 3600)
    assert (await checkin.scan_ticket(ctx, door, text, concert_id=stage.id, gate="A")).admitted
    undone = await checkin.undo_last_admit(ctx, door)
    assert undone.ticket_id == order.tickets[0].id
    assert (await checkin.scan_ticket(ctx, door, text, concert_id=stage.id, gate="A")).admitted
    clock.advance(timedelta(minutes=6).total_seconds())
    with pytest.raises(Conflict) as late:
        await checkin.undo_last_admit(ctx, door)
    assert late.value.code == "nothing_to_undo"
    door_staff = StaffActor(stage.manager.staff_id, Role.DOOR, "Dora")
    with pytest.raises(NotAllowed) as not_device:
        await checkin.undo_last_admit(ctx, door_staff)
    assert not_device.value.code == "not_allowed"


async def test_exit_and_re_entry_where_the_concert_allows_it(ctx, clock):
    from sqlalchemy import update

    from core.db.tables import concerts

    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Re-entry kiosk")
    door = await door_device(ctx, "Re-entry door")
    order = await sell(ctx, stage, kiosk, stage.seats[:1], "reentry")
    text = decode_qr_texts(await tickets.render_order(ctx, kiosk, order.code))[0]
    clock.advance(7 * 24 * 3600)
    with pytest.raises(Conflict) as refused:  # re-entry is off by default
        await checkin.scan_ticket(ctx, door, text, concert_id=stage.id, gate="A", direction="out")
    assert refused.value.code == "reentry_not_allowed"

    async def allow(conn):
        await conn.execute(update(concerts).where(concerts.c.id == stage.id).values(reentry_allowed=True))

    await ctx.db.write(allow)
    not_in = await checkin.scan_ticket(ctx, door, text, concert_id=stage.id, gate="A", direction="out")
    assert not_in.result is ScanResult.NOT_INSIDE
    assert (await checkin.scan_ticket(ctx, door, text, concert_id=stage.id, gate="A")).admitted
    out = await checkin.scan_ticket(ctx, door, text, concert_id=stage.id, gate="A", direction="out")
    assert out.result is ScanResult.EXITED
    back = await checkin.scan_ticket(ctx, door, text, concert_id=stage.id, gate="B")
    assert back.admitted
    twice = await checkin.scan_ticket(ctx, door, text, concert_id=stage.id, gate="B")
    assert twice.result is ScanResult.ALREADY_USED


async def test_a_rotated_server_key_keeps_old_tickets_valid(ctx, clock):
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Rotation kiosk")
    door = await door_device(ctx, "Rotation door")
    before = await sell(ctx, stage, kiosk, stage.seats[:1], "before-rotation")
    old_key = ctx.signer.key
    rotated = await signing_keys.rotate_signing_key(ctx)
    assert rotated.key_id == ctx.signer.key_id == before.tickets[0].key_id + 1
    after = await sell(ctx, stage, kiosk, stage.seats[1:2], "after-rotation")
    assert after.tickets[0].key_id == rotated.key_id  # the new key signs from now on
    listed = await signing_keys.list_signing_keys(ctx)
    assert [(k.key_id, k.current, k.trusted) for k in listed] == [
        (before.tickets[0].key_id, False, True),
        (rotated.key_id, True, True),
    ]
    old_text = decode_qr_texts(await tickets.render_order(ctx, kiosk, before.code))[0]
    new_text = decode_qr_texts(await tickets.render_order(ctx, kiosk, after.code))[0]
    clock.advance(7 * 24 * 3600)
    assert (await checkin.scan_ticket(ctx, door, old_text, concert_id=stage.id, gate="A")).admitted
    assert (await checkin.scan_ticket(ctx, door, new_text, concert_id=stage.id, gate="A")).admitted
    # The old key, still trusted, cannot vouch for a ticket the new key signed.
    forged = await _forge(ctx, after.tickets[0], old_key, before.tickets[0].key_id)
    refused = await checkin.scan_ticket(ctx, door, forged, concert_id=stage.id, gate="B")
    assert refused.result is ScanResult.NOT_VALID


async def test_a_rotated_legacy_device_key_keeps_its_old_tickets_valid(ctx, clock):
    stage = await build_stage(ctx)
    kiosk = await legacy_kiosk(ctx, "Rotating kiosk")
    door = await door_device(ctx, "Legacy rotation door")
    before = await sell_the_old_way(ctx, stage, kiosk, stage.seats[:1], "legacy-before-rotation")
    await devices.rotate_device_key(ctx, kiosk.actor, DeviceKey.generate().public_key_bytes)
    text = decode_qr_texts(await tickets.render_order(ctx, kiosk.actor, before.code))[0]
    clock.advance(7 * 24 * 3600)
    assert (await checkin.scan_ticket(ctx, door, text, concert_id=stage.id, gate="A")).admitted


async def test_tickets_sold_on_the_demo_database_carry_the_demo_mark(sqlite_url):
    import pypdfium2

    from core.config import Settings
    from core.ops.seed import seed_demo
    from core.services.context import ServiceContext

    async with ServiceContext.open(Settings(database_url=sqlite_url)) as plain:
        assert not plain.settings.demo_mode
        await seed_demo(plain)
    async with ServiceContext.open(Settings(database_url=sqlite_url)) as ctx:
        assert ctx.settings.demo_mode  # the database says it is the demo, whatever the config says
        summary = (await catalog.list_on_sale(ctx))[0]
        seat_map = await catalog.get_seat_map(ctx, summary.concert.id)
        standing = next(s for s in seat_map.sections if s.kind.value == "standing")
        kiosk = await signing_kiosk(ctx, "Demo signing kiosk")
        hold = await sales.hold_standing(ctx, kiosk, summary.concert.id, standing.id, 1)
        order = await checkout.checkout_hold(
            ctx, kiosk, hold.id, idempotency_key="demo", payment=Payment("demo", "d", hold.total)
        )
        pdf = await tickets.render_order(ctx, kiosk, order.code)
    text = pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_range()
    assert "DEMO" in text


async def _forge(ctx, ticket, key: DeviceKey, key_id: int) -> str:
    """A ticket text correctly signed by ``key`` for a real ticket: what someone holding any key could make."""
    payload = TicketPayload(ticket.id, ticket.concert_id, ticket.issued_at, key_id)
    return to_text(payload, key.sign(encode(payload)))


async def test_a_valid_signature_by_the_wrong_key_is_not_valid(ctx, clock):
    """Only the key that signed the ticket at checkout vouches for it: not a legacy kiosk's trusted key, not
    a door's, not a pending or rejected device's, not the server's own retired key."""
    from core.db.device_keys import current_key

    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Honest kiosk")
    first = await sell(ctx, stage, kiosk, stage.seats[1:2], "first-key")
    retired = (ctx.signer.key, first.tickets[0].key_id)
    await signing_keys.rotate_signing_key(ctx)
    order = await sell(ctx, stage, kiosk, stage.seats[:1], "honest")
    ticket = order.tickets[0]
    genuine = decode_qr_texts(await tickets.render_order(ctx, kiosk, order.code))[0]
    door = await door_device(ctx, "Forgery door")

    async def key_id_of(device_id):
        return (await ctx.db.read(lambda conn: current_key(conn, device_id)))[0]

    legacy = await legacy_kiosk(ctx, "Other trusted kiosk")
    await sell_the_old_way(ctx, stage, legacy, stage.seats[2:3], "legacy")  # its key vouches for that one
    forgers = [retired, (legacy.key, legacy.key_id)]
    for name, kind, approve, reject in [
        ("Pending kiosk", DeviceKind.KIOSK, False, False),
        ("Rejected kiosk", DeviceKind.KIOSK, False, True),
        ("Door with a key", DeviceKind.DOOR, True, False),
    ]:
        key = DeviceKey.generate()
        device = await devices.register_device(ctx, name=name, kind=kind, public_key=key.public_key_bytes)
        if approve:
            await devices.approve_device(ctx, stage.manager, device.id)
        if reject:
            await devices.revoke_device(ctx, stage.manager, device.id)
        forgers.append((key, await key_id_of(device.id)))
    clock.advance(7 * 24 * 3600)
    for key, key_id in forgers:
        forged = await _forge(ctx, ticket, key, key_id)
        result = await checkin.scan_ticket(ctx, door, forged, concert_id=stage.id, gate="A")
        assert result.result is ScanResult.NOT_VALID, (key_id, result.message)
    assert (await checkin.scan_ticket(ctx, door, genuine, concert_id=stage.id, gate="A")).admitted


async def test_a_kiosk_prints_its_own_order_soon_after_the_sale_and_staff_reprint(ctx, clock):
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Printing kiosk")
    order = await sell(ctx, stage, kiosk, stage.seats[:1], "print")
    assert decode_qr_texts(await tickets.render_order(ctx, kiosk, order.code))  # right after the sale
    await tickets.record_print(ctx, kiosk, [order.tickets[0].id], ok=False, reason="paper jam")
    clock.advance(20 * 60)
    assert decode_qr_texts(await tickets.render_order(ctx, kiosk, order.code))  # the reprint after the jam
    await tickets.record_print(ctx, kiosk, [order.tickets[0].id], ok=True)
    clock.advance(15 * 60)  # later, anyone at the kiosk with the order code: no copies
    with pytest.raises(NotAllowed) as late:
        await tickets.render_order(ctx, kiosk, order.code)
    assert late.value.code == "not_allowed"
    door = await door_device(ctx, "Print door")
    with pytest.raises(NotAllowed):
        await tickets.record_print(ctx, door, [order.tickets[0].id], ok=True)
    assert decode_qr_texts(await tickets.render_order(ctx, stage.manager, order.code))  # staff reprint
    reprinted = await orders.find_order(ctx, stage.manager, order.code)
    assert reprinted.tickets[0].print_count == 1
