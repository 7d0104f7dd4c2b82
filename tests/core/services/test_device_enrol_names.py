"""Machines enrolling under a name another device has: registered as "name (2)"..., never left invisible."""

from __future__ import annotations

import asyncio

import pytest

from core.domain.devices import DeviceKind, DeviceStatus
from core.domain.errors import Conflict
from core.security.device_keys import DeviceKey
from core.services import device_auth, devices
from core.services.context import ServiceContext
from tests.builders import ROOT


def _key() -> bytes:
    return DeviceKey.generate().public_key_bytes


async def test_a_taken_name_is_numbered_and_the_same_key_finds_its_device(ctx: ServiceContext) -> None:
    first_key, second_key = _key(), _key()
    first, _ = await device_auth.enrol_device(ctx, first_key, kind=DeviceKind.KIOSK, name="Kiosk foyer")
    second, _ = await device_auth.enrol_device(ctx, second_key, kind=DeviceKind.KIOSK, name="Kiosk foyer")
    assert (first.name, second.name) == ("Kiosk foyer", "Kiosk foyer (2)")
    assert second.status is DeviceStatus.PENDING
    again, _ = await device_auth.enrol_device(ctx, second_key, kind=DeviceKind.KIOSK, name="Kiosk foyer")
    assert (again.id, again.name) == (second.id, "Kiosk foyer (2)")  # idempotent: no third device
    listed = await devices.list_devices(ctx, ROOT)
    assert sorted(d.name for d in listed) == ["Kiosk foyer", "Kiosk foyer (2)"]


async def test_a_numbered_name_still_fits_the_limit(ctx: ServiceContext) -> None:
    name = "K" * 100
    await device_auth.enrol_device(ctx, _key(), kind=DeviceKind.DOOR, name=name)
    second, _ = await device_auth.enrol_device(ctx, _key(), kind=DeviceKind.DOOR, name=name)
    assert second.name == "K" * 96 + " (2)"


async def test_a_manager_registering_a_taken_name_is_still_refused(ctx: ServiceContext) -> None:
    await device_auth.enrol_device(ctx, _key(), kind=DeviceKind.KIOSK, name="Kiosk foyer")
    with pytest.raises(Conflict) as taken:
        await devices.register_device(ctx, name="Kiosk foyer", kind=DeviceKind.KIOSK, public_key=_key())
    assert taken.value.code == "device_exists"


@pytest.mark.postgres
async def test_concurrent_enrolments_under_one_name_get_distinct_names(pg_ctx: ServiceContext) -> None:
    # Control: without numbering, the unique name index lets only one of the simultaneous machines in.
    plain = await asyncio.gather(
        *(
            devices.register_device(ctx=pg_ctx, name="Kiosk race", kind=DeviceKind.KIOSK, public_key=_key())
            for _ in range(6)
        ),
        return_exceptions=True,
    )
    refused = [r for r in plain if isinstance(r, Conflict)]
    assert len(refused) == 5
    assert {r.code for r in refused} == {"device_exists"}

    enrolled = await asyncio.gather(
        *(
            device_auth.enrol_device(pg_ctx, _key(), kind=DeviceKind.KIOSK, name="Kiosk rush")
            for _ in range(6)
        )
    )
    names = sorted(d.name for d, _ in enrolled)
    assert names == ["Kiosk rush"] + [f"Kiosk rush ({n})" for n in range(2, 7)]
    listed = {d.name: d.status for d in await devices.list_devices(pg_ctx, ROOT)}
    assert all(listed[n] is DeviceStatus.PENDING for n in names)
