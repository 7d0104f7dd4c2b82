"""The demo seed and the encore-ops command line: counts, idempotence, printed passwords that work."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from core.config import Settings
from core.db import device_keys
from core.db.migrate import head_revision
from core.domain.clock import ManualClock, SystemClock
from core.domain.concerts import ConcertStatus
from core.domain.devices import DeviceKind, DeviceStatus
from core.domain.errors import ConfigError, NotAllowed
from core.domain.ids import DeviceId
from core.domain.staff import DeviceActor, Role
from core.ops import cli, seed
from core.security.device_keys import DeviceKey
from core.services import devices, staff
from core.services.context import ServiceContext
from tests.core.services.admin_support import audit_entries, snapshot
from tests.support.context import open_context


async def test_seed_creates_the_demo_once(ctx: ServiceContext, clock: ManualClock) -> None:
    summary = await seed.seed_demo(ctx)
    assert summary is not None
    sections = {s.name: (s.kind.value, s.capacity) for s in summary.plan.sections}
    assert sections == {
        "Stalls": ("seated", 600),
        "Circle": ("seated", 400),
        "Balcony": ("seated", 200),
        "Floor": ("standing", 800),
    }
    assert len(summary.concerts) == 4
    for concert in summary.concerts:
        assert concert.status is ConcertStatus.ON_SALE
        assert concert.sales_problem(clock.now()) is None, "the sales window is open now"
        assert concert.currency == "EUR"
    starts = [c.starts_at for c in summary.concerts]
    assert starts == sorted(starts)
    assert clock.now() < starts[0]
    assert {s.role for s in summary.staff} == set(Role)
    assert {(d.kind.value, d.status) for d in summary.devices} == {
        ("kiosk", DeviceStatus.APPROVED),
        ("door", DeviceStatus.APPROVED),
    }
    counts = await snapshot(ctx)
    assert (counts["seats"], counts["places"], counts["concerts"]) == (1200, 4 * 2000, 4)
    assert (await audit_entries(ctx))[-1][1] == "demo_seeded"

    assert await seed.seed_demo(ctx) is None
    assert await snapshot(ctx) == counts, "a second run changes nothing"


async def test_demo_staff_can_sign_in(ctx: ServiceContext) -> None:
    summary = await seed.seed_demo(ctx)
    assert summary is not None
    kiosk = next(d for d in summary.devices if d.kind is DeviceKind.KIOSK)
    at_kiosk = DeviceActor(kiosk.id, kiosk.name)
    assert [(s.email, s.staff_number) for s in summary.staff] == [
        (a.email, n) for a, n in zip(seed.DEMO_ACCOUNTS, (1, 2, 3, 4), strict=True)
    ]
    for account in seed.DEMO_ACCOUNTS:
        assert len(account.pin) == 6
        actor = await staff.sign_in(ctx, email=account.email, password=account.password)
        assert actor.role is account.role
        if account.role is Role.DOOR:  # the right PIN, of a role that may not leave kiosk mode
            with pytest.raises(NotAllowed) as door:
                await staff.unlock_with_pin(ctx, at_kiosk, account.staff_number, account.pin)
            assert door.value.code == "pin_not_allowed"
        else:
            assert await staff.unlock_with_pin(ctx, at_kiosk, account.staff_number, account.pin) == actor


@pytest.fixture(autouse=True)
def _never_the_users_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """A guard, not a stand-in: these tests pass file: refs in tmp_path, and must never reach the user's keyring
    or data directory through a default reference."""

    def refuse(name: str, **_: object) -> str:
        raise AssertionError(f"a test reached for the default {name} key; pass a file: ref in tmp_path")

    monkeypatch.setattr(cli, "default_ref", refuse)


def _config(tmp_path: Path, url: str, **extra: str) -> str:
    path = tmp_path / "encore.toml"
    lines = [f'database_url = "{url}"', 'log_level = "WARNING"'] + [f'{k} = "{v}"' for k, v in extra.items()]
    path.write_text("[encore]\n" + "\n".join(lines) + "\n")
    return str(path)


def _keys(tmp_path: Path, tag: str = "") -> list[str]:
    return [
        "--kiosk-key-ref",
        f"file:{tmp_path / f'kiosk{tag}.key'}",
        "--door-key-ref",
        f"file:{tmp_path / f'door{tag}.key'}",
    ]


def test_cli_seed_prints_passwords_that_work(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, sqlite_url)
    assert cli.main(["--config", config, "seed-demo", *_keys(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Created the demo: Encore Hall" in out
    printed = re.findall(r"(\S+@\S+)\s+password (\S+)\s+staff no\. (\d+)\s+PIN (\d+)", out)
    assert len(printed) == 4
    assert [(int(number), len(pin)) for _, _, number, pin in printed] == [(1, 6), (2, 6), (3, 6), (4, 6)]

    async def sign_in_all() -> None:
        async with open_context(sqlite_url, SystemClock()) as context:
            for email, password, _, _ in printed:
                await staff.sign_in(context, email=email, password=password)

    asyncio.run(sign_in_all())
    assert cli.main(["--config", config, "seed-demo", *_keys(tmp_path)]) == 0
    assert "already exists (Encore Hall); nothing was changed" in capsys.readouterr().out


def test_cli_run_demo_prepares_an_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh' / 'encore.sqlite3'}"
    config = _config(tmp_path, url)
    assert cli.main(["--config", config, "run-demo", *_keys(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Seeded the demo" in out
    assert len(re.findall(r"2000 places left", out)) == 4
    assert cli.main(["--config", config, "run-demo", *_keys(tmp_path)]) == 0
    again = capsys.readouterr().out
    assert "Seeded" not in again
    assert len(re.findall(r"2000 places left", again)) == 4
    assert cli.main(["--config", config, "db", "current"]) == 0
    assert capsys.readouterr().out.strip() == head_revision()


def test_cli_show_config_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path, "sqlite+aiosqlite:////tmp/x.sqlite3")
    assert cli.main(["--config", config, "show-config"]) == 0
    out = capsys.readouterr().out
    assert "database_url = 'sqlite+aiosqlite:////tmp/x.sqlite3'" in out
    assert cli.main(["--config", str(tmp_path / "missing.toml"), "show-config"]) == 2
    err = capsys.readouterr().err
    assert "missing.toml" in err
    assert "does not exist" in err
    (tmp_path / "bad.toml").write_text("[encore]\ndatabase_pool_size = 0\n")
    assert cli.main(["--config", str(tmp_path / "bad.toml"), "show-config"]) == 2
    assert "database_pool_size: must be at least 1" in capsys.readouterr().err


async def test_seed_with_keys_registers_this_machines_devices(ctx: ServiceContext, tmp_path: Path) -> None:
    kiosk, door = DeviceKey.generate(), DeviceKey.generate()
    summary = await seed.seed_demo(ctx, kiosk_key=kiosk, door_key=door)
    assert summary is not None
    ids = {d.kind: d.id for d in summary.devices}
    for kind, key in ((DeviceKind.KIOSK, kiosk), (DeviceKind.DOOR, door)):
        found = await ctx.db.read(lambda conn, key=key: _device_for(conn, key))
        assert found == (ids[kind], True)
    assert await seed.adopt_demo_device(ctx, DeviceKind.KIOSK, kiosk) is None, (
        "already approved: nothing to do"
    )


async def _device_for(conn: AsyncConnection, key: DeviceKey) -> tuple[DeviceId, bool] | None:
    return await device_keys.device_for_key(conn, key.public_key_bytes)


def _enrol(url: str, ref: str, kind: DeviceKind) -> devices.Enrolment:
    async def run() -> devices.Enrolment:
        async with open_context(url, SystemClock()) as context:
            context.settings = replace(context.settings, device_key_ref=ref)
            server = context.signer
            enrolment = await devices.enrol_this_device(context, kind=kind, name="unused")
            assert context.signer is server, "devices sign nothing"
            return enrolment

    return asyncio.run(run())


def test_cli_demo_devices_carry_this_machines_keys(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kiosk_ref = f"file:{tmp_path / 'kiosk.key'}"
    config = _config(tmp_path, sqlite_url, device_key_ref=kiosk_ref)
    door = ["--door-key-ref", f"file:{tmp_path / 'door.key'}"]  # the kiosk's comes from device_key_ref
    assert cli.main(["--config", config, "seed-demo", *door]) == 0
    out = capsys.readouterr().out
    assert DeviceKey.load(kiosk_ref).fingerprint in out
    kiosk = _enrol(sqlite_url, kiosk_ref, DeviceKind.KIOSK)
    assert (kiosk.device.name, kiosk.actor is not None) == ("Demo kiosk", True)
    door_enrolment = _enrol(sqlite_url, door[1], DeviceKind.DOOR)
    assert (door_enrolment.device.name, door_enrolment.actor is not None) == ("Demo door", True)


def test_cli_run_demo_adopts_another_machines_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}"
    config = _config(tmp_path, url)
    assert cli.main(["--config", config, "run-demo", *_keys(tmp_path, "-a")]) == 0
    capsys.readouterr()
    # A second machine (other keys) runs the demo on the same database: its keys become approved demo devices.
    assert cli.main(["--config", config, "run-demo", *_keys(tmp_path, "-b")]) == 0
    out = capsys.readouterr().out
    assert "Registered this machine's keys as demo devices" in out
    kiosk_ref = f"file:{tmp_path / 'kiosk-b.key'}"
    fingerprint = DeviceKey.load(kiosk_ref).fingerprint
    assert f"Demo kiosk {fingerprint} (kiosk, approved)" in out
    assert _enrol(url, kiosk_ref, DeviceKind.KIOSK).actor is not None
    assert cli.main(["--config", config, "run-demo", *_keys(tmp_path, "-b")]) == 0
    assert "Registered" not in capsys.readouterr().out, "adopting twice changes nothing"


def test_demo_key_refs_follow_the_kiosk_mode(tmp_path: Path) -> None:
    door_ref = f"file:{tmp_path / 'door.key'}"
    keys = cli.DemoKeys.of(Settings(kiosk_mode="door", device_key_ref=door_ref), f"file:{tmp_path / 'k.key'}")
    assert (keys.kiosk_ref, keys.door_ref) == (f"file:{tmp_path / 'k.key'}", door_ref)
    with pytest.raises(ConfigError) as info:
        cli.DemoKeys.of(Settings(device_key_ref=door_ref), None, door_ref)
    assert "different keys" in info.value.problem
