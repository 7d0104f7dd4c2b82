"""The dashboard and door monitor over the API, role by role: every read and the one change are refused to the
roles without them (403 not_allowed, nothing changed), door staff reach the monitor's reads only, a device token
is no session (401), and a resolve with a bad body is refused with its code."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from core.domain.devices import DeviceKind
from core.domain.door import OfflineAdmit
from core.domain.staff import Role
from core.services import door
from tests.builders import build_stage, door_device, sell
from tests.dbstate import snapshot
from tests.support.staff_api import bearer, device_token, make_staff, session_for

READS = ("places", "sales", "checkins")


async def _night(served):  # type: ignore[no-untyped-def]
    """A concert with four tickets sold, admitted offline at two gates, one of them twice (a conflict)."""
    stage = await build_stage(served.ctx)
    order = await sell(served.ctx, stage, stage.kiosk, stage.seats[:4], "api-dash")
    gate = await door_device(served.ctx, "Door N")
    now = served.ctx.clock.now()
    ids = [t.id for t in order.tickets]
    await door.replay_offline_admits(
        served.ctx,
        gate,
        [
            OfflineAdmit(str(uuid.uuid4()), ids[0], "North", now - timedelta(minutes=2)),
            OfflineAdmit(str(uuid.uuid4()), ids[1], "South", now - timedelta(minutes=1)),
            OfflineAdmit(str(uuid.uuid4()), ids[0], "South", now),
        ],
    )
    return stage


async def test_a_manager_reads_everything_and_resolves_a_conflict(served) -> None:
    stage = await _night(served)
    manager = await make_staff(served.ctx, Role.MANAGER, number=2)
    async with served.http() as http:
        token = await session_for(http, manager)
        concerts = (await http.get("/v1/dashboard/concerts", headers=bearer(token))).json()
        assert [c["concert"]["id"] for c in concerts] == [stage.id]
        places = (await http.get(f"/v1/dashboard/concerts/{stage.id}/places", headers=bearer(token))).json()
        assert sum(1 for p in places["places"] if p["state"] == "sold") == 4
        sales = (await http.get(f"/v1/dashboard/concerts/{stage.id}/sales", headers=bearer(token))).json()
        assert sales["total"] == 4
        url = f"/v1/dashboard/concerts/{stage.id}/checkins"
        activity = (await http.get(url, params={"minutes": 10}, headers=bearer(token))).json()
        assert {g["gate"]: g["admitted"] for g in activity["gates"]} == {"North": 1, "South": 2}
        assert activity["admitted"] == 2
        bad = await http.get(url, params={"minutes": 0}, headers=bearer(token))
        assert (bad.status_code, bad.json()["code"]) == (422, "value_invalid")
        health = (await http.get("/v1/dashboard/devices", headers=bearer(token))).json()
        assert {row["device"]["name"] for row in health} >= {"Door N"}
        [conflict] = (
            await http.get("/v1/checkin-conflicts", params={"concert_id": stage.id}, headers=bearer(token))
        ).json()

        before = await snapshot(served.ctx)
        wrong = await http.post(
            f"/v1/checkin-conflicts/{conflict['id']}/resolve",
            json={"resolution": "maybe"},
            headers=bearer(token),
        )
        assert wrong.status_code in (400, 422)
        assert await snapshot(served.ctx) == before
        done = await http.post(
            f"/v1/checkin-conflicts/{conflict['id']}/resolve",
            json={"resolution": "same_guest", "note": "back from the car"},
            headers=bearer(token),
        )
        assert done.status_code == 204
        again = await http.post(
            f"/v1/checkin-conflicts/{conflict['id']}/resolve",
            json={"resolution": "same_guest"},
            headers=bearer(token),
        )
        assert (again.status_code, again.json()["code"]) == (409, "checkin_conflict_resolved")
        assert (await http.get("/v1/checkin-conflicts", headers=bearer(token))).json() == []


@pytest.mark.parametrize("role", [Role.BOX_OFFICE, Role.DOOR])
async def test_other_roles_are_refused_and_nothing_changes(served, role: Role) -> None:
    stage = await _night(served)
    member = await make_staff(served.ctx, role, number=5)
    async with served.http() as http:
        token = await session_for(http, member)
        [conflict] = await door.list_conflicts(served.ctx, stage.manager, stage.id)
        before = await snapshot(served.ctx)
        refused = [
            f"/v1/dashboard/concerts/{stage.id}/places",
            f"/v1/dashboard/concerts/{stage.id}/sales",
            "/v1/dashboard/devices",
            "/v1/checkin-conflicts",
        ]
        if role is Role.BOX_OFFICE:
            refused += ["/v1/dashboard/concerts", f"/v1/dashboard/concerts/{stage.id}/checkins"]
        for path in refused:
            answer = await http.get(path, headers=bearer(token))
            assert (answer.status_code, answer.json()["code"]) == (403, "not_allowed"), path
        resolve = await http.post(
            f"/v1/checkin-conflicts/{conflict.id}/resolve",
            json={"resolution": "same_guest"},
            headers=bearer(token),
        )
        assert (resolve.status_code, resolve.json()["code"]) == (403, "not_allowed")
        if role is Role.DOOR:  # the door monitor's own reads
            assert (await http.get("/v1/dashboard/concerts", headers=bearer(token))).status_code == 200
            monitor = await http.get(f"/v1/dashboard/concerts/{stage.id}/checkins", headers=bearer(token))
            assert monitor.json()["admitted"] == 2
        assert await snapshot(served.ctx) == before  # refusals and reads change nothing
        kiosk_token, _ = await device_token(served.ctx, http, DeviceKind.KIOSK, "Kiosk Z")
        as_device = await http.get("/v1/dashboard/concerts", headers=bearer(kiosk_token))
        assert (as_device.status_code, as_device.json()["code"]) == (401, "session_invalid")
