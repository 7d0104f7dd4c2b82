"""A machine enrols itself by its key on both engines: pending, then approved, then revoked; it never signs."""

from __future__ import annotations

import asyncio
import contextlib
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import device_keys as keys_db
from core.domain.devices import DeviceKind, DeviceStatus
from core.domain.errors import ConfigError, Conflict, InputError
from core.domain.staff import DeviceActor
from core.security.device_keys import DeviceKey
from core.services import devices
from core.services.context import ServiceContext
from tests.builders import ROOT
from tests.core.services.admin_support import audit_entries
from tests.dbstate import snapshot


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return tmp_path / "keys" / "kiosk.key"


@pytest.fixture
def here(ctx: ServiceContext, key_file: Path) -> ServiceContext:
    """The ctx of a machine whose key lives in a file in tmp_path (never the user's keyring or data dir)."""
    ctx.settings = replace(ctx.settings, device_key_ref=f"file:{key_file}")
    return ctx


async def test_first_call_registers_a_pending_device_with_this_machines_key(
    here: ServiceContext, key_file: Path
) -> None:
    enrolment = await devices.enrol_this_device(here, kind=DeviceKind.KIOSK, name="Kiosk foyer 1")
    key = DeviceKey.load(f"file:{key_file}")
    assert enrolment.fingerprint == key.fingerprint
    assert (enrolment.device.name, enrolment.device.kind) == ("Kiosk foyer 1", DeviceKind.KIOSK)
    assert enrolment.device.status is DeviceStatus.PENDING
    assert enrolment.actor is None
    assert _mode(key_file) == 0o600
    assert (await audit_entries(here))[-1][1] == "device_registered"


async def test_calling_again_finds_the_same_device_and_changes_nothing(here: ServiceContext) -> None:
    first = await devices.enrol_this_device(here, kind=DeviceKind.KIOSK, name="Kiosk foyer 1")
    before = await snapshot(here)
    for _ in range(3):  # the waiting screen asks every few seconds
        again = await devices.enrol_this_device(here, kind=DeviceKind.KIOSK, name="Kiosk foyer 1")
        assert again == first
    assert await snapshot(here) == before


async def test_approved_kiosk_gets_its_actor_and_signs_nothing(here: ServiceContext) -> None:
    server = here.signer
    assert server is not None
    pending = await devices.enrol_this_device(here, kind=DeviceKind.KIOSK, name="Kiosk foyer 1")
    await devices.approve_device(here, ROOT, pending.device.id)
    approved = await devices.enrol_this_device(here, kind=DeviceKind.KIOSK, name="Kiosk foyer 1")
    assert approved.device.status is DeviceStatus.APPROVED
    assert approved.actor == DeviceActor(pending.device.id, "Kiosk foyer 1", DeviceKind.KIOSK)
    assert here.signer is server, "the server's key signs; the kiosk's key only proves who it is"
    assert server.key.public_key_bytes != DeviceKey.load(here.settings.device_key_ref).public_key_bytes

    await devices.revoke_device(here, ROOT, pending.device.id)
    revoked = await devices.enrol_this_device(here, kind=DeviceKind.KIOSK, name="Kiosk foyer 1")
    assert revoked.device.status is DeviceStatus.REVOKED
    assert revoked.actor is None
    assert here.signer is server


async def test_an_approved_door_gets_its_actor(here: ServiceContext) -> None:
    server = here.signer
    pending = await devices.enrol_this_device(here, kind=DeviceKind.DOOR, name="Door north")
    await devices.approve_device(here, ROOT, pending.device.id)
    approved = await devices.enrol_this_device(here, kind=DeviceKind.DOOR, name="Door north")
    assert approved.actor == DeviceActor(pending.device.id, "Door north", DeviceKind.DOOR)
    assert here.signer is server


async def test_a_configured_device_must_own_this_key(here: ServiceContext) -> None:
    other = await devices.register_device(here, name="Someone else", kind=DeviceKind.KIOSK)
    here.settings = replace(here.settings, device_id=int(other.id))
    before = await snapshot(here)
    with pytest.raises(Conflict) as info:
        await devices.enrol_this_device(here, kind=DeviceKind.KIOSK, name="Kiosk foyer 1")
    assert info.value.code == "device_key_mismatch"
    assert f"device {other.id}" in info.value.message
    assert await snapshot(here) == before

    here.settings = replace(here.settings, device_id=0)
    mine = await devices.enrol_this_device(here, kind=DeviceKind.KIOSK, name="Kiosk foyer 1")
    here.settings = replace(here.settings, device_id=int(mine.device.id))
    assert await devices.enrol_this_device(here, kind=DeviceKind.KIOSK, name="Kiosk foyer 1") == mine


async def test_one_key_serves_one_kind_of_device(here: ServiceContext) -> None:
    await devices.enrol_this_device(here, kind=DeviceKind.KIOSK, name="Kiosk foyer 1")
    before = await snapshot(here)
    with pytest.raises(Conflict) as info:
        await devices.enrol_this_device(here, kind=DeviceKind.DOOR, name="Door north")
    assert info.value.code == "device_kind_mismatch"
    with pytest.raises(InputError):
        await devices.enrol_this_device(here, kind="kiosk", name="Kiosk foyer 1")  # type: ignore[arg-type]
    assert await snapshot(here) == before


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def damaged(key_file: Path) -> Path:
    key_file.parent.mkdir(parents=True, exist_ok=True)  # the embedded server's own key may live there too
    key_file.write_text("not a key")
    key_file.chmod(0o600)
    return key_file


def _read(path: Path) -> str:
    return path.read_text()


async def test_a_damaged_key_is_never_replaced(here: ServiceContext, damaged: Path) -> None:
    before = await snapshot(here)
    with pytest.raises(ConfigError):
        await devices.enrol_this_device(here, kind=DeviceKind.KIOSK, name="Kiosk foyer 1")
    assert _read(damaged) == "not a key"
    assert await snapshot(here) == before


async def test_a_rotated_away_key_is_refused(here: ServiceContext) -> None:
    first = await devices.enrol_this_device(here, kind=DeviceKind.KIOSK, name="Kiosk foyer 1")
    await devices.approve_device(here, ROOT, first.device.id)
    actor = (await devices.enrol_this_device(here, kind=DeviceKind.KIOSK, name="Kiosk foyer 1")).actor
    assert actor is not None
    await devices.rotate_device_key(here, actor, DeviceKey.generate().public_key_bytes)
    with pytest.raises(Conflict) as info:
        await devices.enrol_this_device(here, kind=DeviceKind.KIOSK, name="Kiosk foyer 1")
    assert info.value.code == "device_key_retired"


async def test_a_machine_enrolling_itself_many_times_at_once_gets_one_device(
    here: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its first start asks from several tasks at once. Every look-up is made to come before any registration,
    so all of them register (the race, certain) and the unique key refuses all but one: each answer is then
    that one device, not DEVICE_EXISTS."""
    tasks = 8
    looked: list[object] = []
    all_looked = asyncio.Event()
    real_lookup = keys_db.device_for_key

    async def look_then_wait_for_the_others(conn: AsyncConnection, public_key: bytes) -> object:
        found = await real_lookup(conn, public_key)
        looked.append(found)
        if len(looked) == tasks:
            all_looked.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_looked.wait(), 5)
        return found

    monkeypatch.setattr(keys_db, "device_for_key", look_then_wait_for_the_others)
    registered = 0
    real_register = devices.register_device

    async def counted(*args: object, **kwargs: object) -> object:
        nonlocal registered
        registered += 1
        return await real_register(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(devices, "register_device", counted)
    before = len(await devices.list_devices(here, ROOT))
    answers = await asyncio.gather(
        *(devices.enrol_this_device(here, kind=DeviceKind.KIOSK, name="Kiosk foyer 1") for _ in range(tasks))
    )
    assert looked[:tasks] == [None] * tasks
    assert registered == tasks  # the race happened
    assert len({a.device.id for a in answers}) == 1
    assert len({a.fingerprint for a in answers}) == 1  # one key too, created once
    assert len(await devices.list_devices(here, ROOT)) == before + 1
