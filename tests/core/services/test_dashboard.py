"""The dashboard's and door monitor's services on both databases: current concerts, sales over time, check-ins
by gate and minute from real offline replays, device health from the board, and a conflict resolved (audited)
or refused with its code and nothing changed."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db.tables import audit_log
from core.domain.clock import ManualClock
from core.domain.dashboard import ConflictResolution, cumulative_sales
from core.domain.door import OfflineAdmit, Replay
from core.domain.errors import Conflict, InputError, NotAllowed, NotFound
from core.domain.health import DeviceHealth
from core.domain.ids import ConcertId
from core.domain.staff import Role, StaffActor
from core.services import dashboard, door
from core.services.context import ServiceContext
from tests.builders import build_stage, door_device, sell
from tests.conftest import CLOCK_START
from tests.dbstate import snapshot
from tests.support.staff_api import make_staff


async def _actor(ctx: ServiceContext, role: Role, number: int) -> StaffActor:
    member = await make_staff(ctx, role, number=number)
    return StaffActor(member.id, role, member.display_name)


def _admit(ticket_id, gate, at) -> OfflineAdmit:
    return OfflineAdmit(str(uuid.uuid4()), ticket_id, gate, at)


async def test_sales_over_time_counts_valid_tickets_cumulatively(ctx, clock: ManualClock):
    stage = await build_stage(ctx)
    await sell(ctx, stage, stage.kiosk, stage.seats[:3], "dash-1")
    clock.advance(3 * 3600)
    await sell(ctx, stage, stage.kiosk, stage.seats[3:5], "dash-2")
    series = await dashboard.sales_over_time(ctx, stage.manager, stage.id)
    assert series.total == 5
    assert [p.tickets for p in series.points] == [3, 5]
    assert series.points[0].at == CLOCK_START + timedelta(hours=1)  # the first hour's end
    assert series.points[1].at == clock.now()  # the running hour ends now, not in the future
    assert series.bucket == timedelta(hours=1)


def test_a_long_sale_is_bucketed_by_day():
    start = CLOCK_START
    rows = [(start, 2), (start + timedelta(days=5), 1), (start + timedelta(days=5, hours=2), 4)]
    series = cumulative_sales(ConcertId(1), rows, now=start + timedelta(days=6))
    assert series.bucket == timedelta(days=1)
    assert [p.tickets for p in series.points] == [2, 7]


def test_the_running_hour_ends_now_not_in_the_future():
    rows = [(CLOCK_START + timedelta(minutes=5), 3), (CLOCK_START + timedelta(minutes=20), 1)]
    series = cumulative_sales(ConcertId(1), rows, now=CLOCK_START + timedelta(minutes=30))
    assert [(p.at, p.tickets) for p in series.points] == [(CLOCK_START + timedelta(minutes=30), 4)]


async def test_checkins_by_gate_and_minute_and_a_conflict_resolved(ctx, clock: ManualClock):
    stage = await build_stage(ctx)
    order = await sell(ctx, stage, stage.kiosk, stage.seats[:4], "dash-3")
    ids = [t.id for t in order.tickets]
    doors = await door_device(ctx, "North door")
    now = clock.now()
    replies = await door.replay_offline_admits(
        ctx,
        doors,
        [
            _admit(ids[0], "North", now - timedelta(minutes=3)),
            _admit(ids[1], "North", now - timedelta(minutes=3)),
            _admit(ids[2], "South", now - timedelta(minutes=1)),
            _admit(ids[0], "South", now - timedelta(seconds=30)),  # the same ticket again: a conflict
        ],
    )
    assert replies == [Replay.RECORDED, Replay.RECORDED, Replay.RECORDED, Replay.CONFLICT]
    doorman = await _actor(ctx, Role.DOOR, 7)
    activity = await dashboard.checkin_activity(ctx, doorman, stage.id)  # door staff see the monitor
    assert (activity.tickets, activity.admitted, activity.inside) == (4, 3, 3)
    assert {g.gate: g.admitted for g in activity.gates} == {"North": 2, "South": 2}
    by_gate = activity.per_gate_minutes()
    assert sum(by_gate["North"].values()) == 2
    assert sum(by_gate["South"].values()) == 2
    assert activity.rate_per_minute == pytest.approx(4 / 5)

    [conflict] = await door.list_conflicts(ctx, stage.manager, stage.id)
    with pytest.raises(NotAllowed):
        await door.list_conflicts(ctx, doorman, stage.id)
    before = await snapshot(ctx)
    with pytest.raises(NotAllowed) as refused:
        await dashboard.resolve_conflict(ctx, doorman, conflict.id, ConflictResolution.SAME_GUEST)
    assert refused.value.code == "not_allowed"
    with pytest.raises(InputError) as bad:
        await dashboard.resolve_conflict(ctx, stage.manager, conflict.id, "shrug")  # type: ignore[arg-type]
    assert bad.value.code == "value_invalid"
    with pytest.raises(NotFound) as missing:
        await dashboard.resolve_conflict(ctx, stage.manager, conflict.id + 99, ConflictResolution.SAME_GUEST)
    assert missing.value.code == "checkin_conflict_not_found"
    assert await snapshot(ctx) == before

    await dashboard.resolve_conflict(
        ctx, stage.manager, conflict.id, ConflictResolution.COPIED_TICKET, "two people, one photo"
    )
    assert await door.list_conflicts(ctx, stage.manager, stage.id) == []
    with pytest.raises(Conflict) as again:
        await dashboard.resolve_conflict(ctx, stage.manager, conflict.id, ConflictResolution.SAME_GUEST)
    assert again.value.code == "checkin_conflict_resolved"

    async def audited(conn):
        rows = await conn.execute(select(audit_log).where(audit_log.c.action == "checkin_conflict.resolve"))
        return rows.mappings().all()

    [entry] = await ctx.db.read(audited)
    assert entry["actor"] == f"staff:{stage.manager.staff_id}"
    assert entry["subject"] == f"checkin_conflict:{conflict.id}"
    assert entry["details"]["resolution"] == "copied_ticket"
    assert entry["details"]["note"] == "two people, one photo"


async def test_roles_the_dashboard_refuses(ctx):
    stage = await build_stage(ctx)
    box = await _actor(ctx, Role.BOX_OFFICE, 3)
    doorman = await _actor(ctx, Role.DOOR, 4)
    for call in (
        dashboard.list_current_concerts(ctx, box),
        dashboard.sales_over_time(ctx, doorman, stage.id),
        dashboard.get_places(ctx, doorman, stage.id),
        dashboard.device_health(ctx, doorman),
        dashboard.checkin_activity(ctx, box, stage.id),
    ):
        with pytest.raises(NotAllowed) as refused:
            await call
        assert refused.value.code == "not_allowed"
    assert [c.concert.id for c in await dashboard.list_current_concerts(ctx, doorman)] == [stage.id]


async def test_device_health_joins_the_board_with_the_devices(ctx, clock: ManualClock):
    stage = await build_stage(ctx)
    now = clock.now()
    ctx.health.note(DeviceHealth(stage.kiosk.device_id, "sales", True, True, "out_of_paper", now, now), now)
    rows = {r.device.id: r for r in await dashboard.device_health(ctx, stage.manager)}
    assert rows[stage.kiosk.device_id].health is not None
    assert rows[stage.kiosk.device_id].health.printer == "out_of_paper"
    assert rows[stage.kiosk.device_id].online(now, timedelta(minutes=2))
    assert not rows[stage.kiosk.device_id].online(now + timedelta(minutes=5), timedelta(minutes=2))
    assert rows[stage.other_kiosk.device_id].health is None
