"""The venue server's PostgreSQL role is enough for all of core's use cases: set-up, hold, extend, checkout,
tickets and their print record, refund, the door online and its offline snapshot, a staff PIN, undo, release.
Control: the same role cannot write the demo marker the owner writes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from core.client.door_station import DoorStation
from core.client.local import LocalDoorLink
from core.db import site as site_db
from core.domain.checkin import ScanResult
from core.domain.clock import ManualClock
from core.domain.devices import DeviceKind
from core.domain.orders import Payment
from core.domain.staff import Role
from core.services import checkin, checkout, devices, orders, sales, staff
from core.services import tickets as tickets_service
from core.services.context import ServiceContext
from tests.builders import ROOT, build_stage, door_device, signing_kiosk
from tests.support.context import open_context
from tests.support.pgroles import PgRoles, db_upgrade

DOORS_OPEN = 7 * 24 * 3600  # build_stage's doors open a week after the clock's start


@pytest.fixture
async def server_ctx(pg_roles: PgRoles, tmp_path: Path, clock: ManualClock) -> AsyncIterator[ServiceContext]:
    """A context as the venue server has it: database_url names the server role; the owner (a separate
    database_owner_url) ran `encore-ops db upgrade`."""
    assert await db_upgrade(pg_roles, tmp_path, split=True) == 0
    async with open_context(pg_roles.server_url, clock) as ctx:
        yield ctx


async def test_the_whole_sale_runs_as_the_server_role(
    server_ctx: ServiceContext, pg_roles: PgRoles, clock: ManualClock, tmp_path: Path
) -> None:
    ctx = server_ctx

    async def whoami(conn):  # type: ignore[no-untyped-def]
        from sqlalchemy import text

        return await conn.scalar(text("SELECT current_user"))

    assert await ctx.db.read(whoami) == pg_roles.server

    stage = await build_stage(ctx)  # venues, plan, concert on sale, devices, staff: the admin use cases
    kiosk = await signing_kiosk(ctx, "Signing kiosk")
    door = await door_device(ctx, "North door")
    box = await staff.create_staff(
        ctx, ROOT, email="box@hall.test", display_name="Bo Box", role=Role.BOX_OFFICE, pin="135790"
    )
    unlocked = await staff.unlock_with_pin(ctx, kiosk, box.staff_number, "135790")  # pin_attempts, audit
    assert unlocked.staff_id == box.id

    hold = await sales.hold_places(ctx, kiosk, stage.id, stage.seats[5:7])
    await sales.extend_hold(ctx, kiosk, hold.id)
    await sales.release_hold(ctx, kiosk, hold.id)
    standing = await sales.hold_standing(ctx, stage.other_kiosk, stage.id, stage.standing, 2)
    await sales.release_hold(ctx, stage.other_kiosk, standing.id)

    bought = await sales.hold_places(ctx, kiosk, stage.id, stage.seats[:3])
    payment = Payment("card", "server-role-1", bought.total)
    order = await checkout.checkout_hold(
        ctx, kiosk, bought.id, idempotency_key="server-role-1", payment=payment
    )
    assert len(order.tickets) == 3
    again = await checkout.checkout_hold(
        ctx, kiosk, bought.id, idempotency_key="server-role-1", payment=payment
    )
    assert again.code == order.code  # a retried checkout gets the same order back
    documents = await tickets_service.order_documents(ctx, kiosk, order.code)
    pdf = await tickets_service.render_order(ctx, kiosk, order.code)
    assert pdf.startswith(b"%PDF")
    await tickets_service.record_print(ctx, kiosk, [t.id for t in order.tickets], ok=True)
    refunded = order.tickets[2]
    await orders.refund_tickets(ctx, stage.manager, order.code, reason="ill", ticket_ids=[refunded.id])

    clock.advance(DOORS_OPEN)
    text_of = {d.serial: d.qr_text for d in documents}
    first = text_of[order.tickets[0].serial]
    scan = await checkin.scan_ticket(ctx, door, first, concert_id=stage.id, gate="North")
    assert scan.result is ScanResult.ADMIT, scan.message
    assert (await checkin.scan_ticket(ctx, door, first, concert_id=stage.id, gate="North")).result is (
        ScanResult.ALREADY_USED
    )
    void = await checkin.scan_ticket(ctx, door, text_of[refunded.serial], concert_id=stage.id, gate="North")
    assert void.result is ScanResult.VOID
    await checkin.undo_last_admit(ctx, door)
    link = LocalDoorLink(ctx, door)
    async with DoorStation(link, ctx.clock, stage.id, "South", tmp_path / "door.sqlite3") as station:
        info = await station.refresh_snapshot()
        assert (info.tickets, info.void) == (2, 1)
        assert (await station.scan(first)).result is ScanResult.ADMIT

    lost = await devices.register_device(ctx, name="Lost kiosk", kind=DeviceKind.KIOSK)
    await devices.revoke_device(ctx, ROOT, lost.id, keep_tickets_valid=False)


async def test_control_the_server_role_cannot_write_the_demo_marker(server_ctx: ServiceContext) -> None:
    """Inserting the demo row switched a real kiosk's terminal to the free simulated card on today's main."""
    with pytest.raises(DBAPIError, match="permission denied for table site"):
        await server_ctx.db.write(lambda conn: site_db.put(conn, site_db.DEMO, "true"))
    assert await server_ctx.db.read(lambda conn: site_db.get(conn, site_db.DEMO)) is None
