"""The database keeps a check value of the PIN key its PINs were set with. A server (or a copied embedded
database) with another key used to refuse every PIN as wrong, counting lock-outs; now PINs are refused with a
clear ConfigError that says what to do, nothing is counted, and `encore-ops forget-pins --yes` starts afresh."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

import pytest
from sqlalchemy import select

from core.config import Settings
from core.db.tables import audit_log
from core.domain.devices import DeviceKind
from core.domain.errors import ConfigError, WrongPin
from core.domain.staff import DeviceActor, Role
from core.ops import cli
from core.services import devices, staff
from core.services.context import ServiceContext
from tests.builders import ROOT
from tests.dbstate import snapshot
from tests.support import aio
from tests.support.logfail import ExpectLog

PIN = "246810"


def _key_file(folder: Path, name: str) -> str:
    path = folder / f"{name}.key"
    path.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
    path.chmod(0o600)
    return f"file:{path}"


def _settings(database_url: str, key_ref: str) -> Settings:
    return Settings(database_url=database_url, pin_key_ref=key_ref)


async def _venue_with_a_pin(settings: Settings) -> tuple[DeviceActor, int]:
    async with ServiceContext.open(settings) as ctx:
        assert ctx.pin_key_agrees is True  # the first key a database sees becomes its own
        device = await devices.register_device(ctx, name="Foyer", kind=DeviceKind.KIOSK)
        await devices.approve_device(ctx, ROOT, device.id)
        member = await staff.create_staff(
            ctx, ROOT, email="bo@venue.test", display_name="Bo", role=Role.BOX_OFFICE, pin=PIN
        )
        assert await staff.unlock_with_pin(ctx, DeviceActor(device.id, device.name), member.staff_number, PIN)
    return DeviceActor(device.id, device.name), member.staff_number


async def test_another_key_refuses_pins_clearly_and_counts_nothing(
    database_url: str, tmp_path: Path, expect_log: ExpectLog
) -> None:
    kiosk, number = await _venue_with_a_pin(_settings(database_url, _key_file(tmp_path, "first")))
    with expect_log("core.services.pin_key", "staff PINs cannot be used"):
        async with ServiceContext.open(_settings(database_url, _key_file(tmp_path, "other"))) as other:
            assert other.pin_key_agrees is False
            before = await snapshot(other)
            for attempt in (
                staff.unlock_with_pin(other, kiosk, number, PIN),
                staff.set_pin(other, ROOT, (await staff.list_staff(other, ROOT))[0].id, "135791"),
            ):
                with pytest.raises(ConfigError) as refused:
                    await attempt
                assert (refused.value.code, refused.value.key) == ("config_invalid", "pin_key_ref")
                assert "not the one this database's PINs were set with" in refused.value.message
                assert "encore-ops forget-pins" in refused.value.message
            assert await snapshot(other) == before  # no wrong try counted against Bo or the kiosk


async def test_the_right_key_still_works_after_another_was_refused(
    database_url: str, tmp_path: Path, expect_log: ExpectLog
) -> None:
    first = _settings(database_url, _key_file(tmp_path, "first"))
    kiosk, number = await _venue_with_a_pin(first)
    with expect_log("core.services.pin_key", "staff PINs cannot be used"):
        async with ServiceContext.open(_settings(database_url, _key_file(tmp_path, "other"))):
            pass
    async with ServiceContext.open(first) as ctx:
        assert (await staff.unlock_with_pin(ctx, kiosk, number, PIN)) is not None


def test_forget_pins_starts_afresh_with_this_key(
    database_url: str, tmp_path: Path, expect_log: ExpectLog, capsys: pytest.CaptureFixture[str]
) -> None:
    kiosk, number = aio.run(_venue_with_a_pin(_settings(database_url, _key_file(tmp_path, "lost"))))
    new_key = _key_file(tmp_path, "new")
    config = tmp_path / "encore.toml"
    config.write_text(f'database_url = "{database_url}"\npin_key_ref = "{new_key}"\n')
    with expect_log("core.services.pin_key", "staff PINs cannot be used"):
        assert cli.main(["--config", str(config), "forget-pins"]) == 2  # not without --yes
        assert "--yes" in capsys.readouterr().err
        assert cli.main(["--config", str(config), "forget-pins", "--yes"]) == 0
    assert "Forgot 1 staff PIN(s)" in capsys.readouterr().out
    aio.run(_set_again_and_unlock(_settings(database_url, new_key), kiosk, number))


async def _set_again_and_unlock(settings: Settings, kiosk: DeviceActor, number: int) -> None:
    async with ServiceContext.open(settings) as ctx:
        assert ctx.pin_key_agrees is True
        member = (await staff.list_staff(ctx, ROOT))[0]
        assert member.staff_number == number
        with pytest.raises(WrongPin):  # the old PIN went with the old key
            await staff.unlock_with_pin(ctx, kiosk, number, PIN)
        await staff.set_pin(ctx, ROOT, member.id, PIN)  # a manager sets it again
        assert (await staff.unlock_with_pin(ctx, kiosk, number, PIN)).staff_id == member.id

        async def forgotten(conn):  # type: ignore[no-untyped-def]
            query = select(audit_log.c.actor, audit_log.c.details).where(
                audit_log.c.action == "staff_pins_forgotten"
            )
            return [tuple(r) for r in (await conn.execute(query)).all()]

        assert await ctx.db.read(forgotten) == [("system:encore-ops", {"count": 1})]
