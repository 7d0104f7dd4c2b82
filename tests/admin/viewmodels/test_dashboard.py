"""The dashboard's and door monitor's view-models, without Qt, over the in-process staff client and real services
(both databases): sold / held / free move by themselves when a kiosk sells, sales are read again when the sold
count moves, check-ins by gate, a conflict resolved, and door staff kept to the monitor."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from admin.viewmodels.dashboard import DashboardViewModel
from admin.viewmodels.door_monitor import DoorMonitorViewModel
from core.client.staff_local import LocalStaffClient
from core.domain.dashboard import ConflictResolution
from core.domain.door import OfflineAdmit
from core.domain.staff import Role
from core.services import door, sales
from core.services.context import ServiceContext
from tests.builders import build_stage, door_device, sell
from tests.support.staff_api import PASSWORD, make_staff


async def _session(ctx: ServiceContext, role: Role, number: int = 11):  # type: ignore[no-untyped-def]
    member = await make_staff(ctx, role, number=number)
    return await LocalStaffClient.over(ctx).sign_in(member.email, PASSWORD)


async def _until(vm: Any, check: Callable[[], bool], limit_s: float = 10.0) -> None:
    """Wait for the view-model's state to pass ``check``, woken by each state it publishes."""
    changed = asyncio.Event()

    def wake(_state: object) -> None:
        changed.set()

    vm.changed.connect(wake)
    try:
        async with asyncio.timeout(limit_s):
            while not check():
                changed.clear()
                await changed.wait()
    finally:
        vm.changed.disconnect(wake)


async def test_counts_move_by_themselves_when_a_kiosk_sells(ctx: ServiceContext) -> None:
    stage = await build_stage(ctx)
    await sell(ctx, stage, stage.kiosk, stage.seats[:2], "vm-dash-1")
    vm = DashboardViewModel(await _session(ctx, Role.MANAGER), poll_s=0.2)
    vm.request_load()
    try:
        await _until(vm, lambda: bool(vm.state.concerts) and vm.state.concerts[0].watching)
        first = vm.state.concerts[0]
        assert (first.sold, first.held, first.free) == (2, 0, 38)  # 20 seats and 20 standing places
        await _until(vm, lambda: vm.state.sales is not None and vm.state.sales.total == 2)

        await sales.hold_places(ctx, stage.kiosk, stage.id, stage.seats[5:7])
        await _until(vm, lambda: vm.state.concerts[0].held == 2)
        await sell(ctx, stage, stage.other_kiosk, stage.seats[2:5], "vm-dash-2")
        await _until(vm, lambda: vm.state.concerts[0].sold == 5)
        await _until(
            vm, lambda: vm.state.sales is not None and vm.state.sales.total == 5
        )  # read again by itself
        assert vm.state.devices  # the kiosks, with no health report here
        assert all(row.health is None for row in vm.state.devices)
    finally:
        await vm.aclose()


async def test_the_door_monitor_shows_gates_and_resolves_a_conflict(ctx: ServiceContext) -> None:
    stage = await build_stage(ctx)
    order = await sell(ctx, stage, stage.kiosk, stage.seats[:3], "vm-door")
    ids = [t.id for t in order.tickets]
    now = ctx.clock.now()
    await door.replay_offline_admits(
        ctx,
        await door_device(ctx, "Door W"),
        [
            OfflineAdmit(str(uuid.uuid4()), ids[0], "West", now - timedelta(minutes=2)),
            OfflineAdmit(str(uuid.uuid4()), ids[1], "East", now - timedelta(minutes=1)),
            OfflineAdmit(str(uuid.uuid4()), ids[0], "East", now),
        ],
    )
    vm = DoorMonitorViewModel(await _session(ctx, Role.MANAGER, 12), poll_s=60)
    await vm.load()
    assert vm.state.activity is not None
    assert {g.gate: g.admitted for g in vm.state.activity.gates} == {"West": 1, "East": 2}
    [conflict] = vm.state.conflicts
    assert vm.state.conflict_id == conflict.id
    await vm.resolve(ConflictResolution.SAME_GUEST, "went back for a coat")
    assert vm.state.conflicts == ()
    assert "resolved" in vm.state.notice
    assert vm.state.error == ""

    doorman = DoorMonitorViewModel(await _session(ctx, Role.DOOR, 13), poll_s=60)
    assert not doorman.state.sees_conflicts
    await doorman.load()
    assert doorman.state.activity is not None
    assert doorman.state.activity.admitted == 2
    assert doorman.state.error == ""  # conflicts are not asked for, so nothing is refused


async def test_a_box_office_account_is_refused_the_dashboard(ctx: ServiceContext) -> None:
    await build_stage(ctx)
    vm = DashboardViewModel(await _session(ctx, Role.BOX_OFFICE, 14), poll_s=60)
    await vm.load()
    assert vm.state.error_code == "not_allowed"
    assert vm.state.concerts == ()
    await vm.aclose()
