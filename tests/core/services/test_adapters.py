"""Adapters come from the settings, with their passwords from the secret store and never in sight."""

from __future__ import annotations

import pytest

from core.config import Settings
from core.domain.errors import ConfigError
from core.services.adapters import open_gate, open_mailer


async def test_no_mail_server_means_no_mailer_and_a_configured_one_gets_its_secret(monkeypatch):
    assert await open_mailer(Settings()) is None
    monkeypatch.setenv("ENCORE_TEST_SMTP_SECRET", "s3cret-never-shown")
    settings = Settings(
        smtp_host="mail.venue.example",
        smtp_username="box",
        smtp_password_ref="env:ENCORE_TEST_SMTP_SECRET",
        mail_from="tickets@venue.example",
    )
    mailer = await open_mailer(settings)
    assert mailer is not None
    assert "s3cret" not in repr(mailer)


async def test_a_missing_secret_is_a_config_error_naming_the_reference():
    settings = Settings(
        smtp_host="mail.venue.example",
        smtp_username="box",
        smtp_password_ref="env:ENCORE_NOPE_X",
        mail_from="tickets@venue.example",
    )
    with pytest.raises(ConfigError) as err:
        await open_mailer(settings)
    assert err.value.code == "config_invalid"
    assert err.value.key == "env:ENCORE_NOPE_X"


async def test_gate_only_when_enabled(tmp_path):
    assert await open_gate(Settings(mqtt_url="mqtt://127.0.0.1:1883"), client_id="door-1") is None
    ref = f"file:{tmp_path / 'gate-master.key'}"
    gate = await open_gate(
        Settings(mqtt_url="mqtt://127.0.0.1:1883", gate_open_enabled=True, gate_key_ref=ref),
        client_id="door-1",
    )
    assert gate is not None
    assert (tmp_path / "gate-master.key").stat().st_mode & 0o777 == 0o600  # created on first use
    await gate.aclose()


async def test_a_server_database_needs_a_gate_key_to_send_gate_commands():
    settings = Settings(
        database_url="postgresql+asyncpg://encore@db.venue.example/encore",
        mqtt_url="mqtt://127.0.0.1:1883",
        gate_open_enabled=True,
    )
    with pytest.raises(ConfigError) as err:
        await open_gate(settings, client_id="server-1")
    assert err.value.key == "gate_key_ref"


async def test_embedded_mode_keeps_its_gate_master_beside_the_database(tmp_path):
    db = tmp_path / "box.sqlite3"
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{db}", mqtt_url="mqtt://127.0.0.1:1883", gate_open_enabled=True
    )
    gate = await open_gate(settings, client_id="laptop")
    assert gate is not None
    await gate.aclose()
    master = tmp_path / "keys" / "box-gate-master.key"
    assert master.stat().st_mode & 0o777 == 0o600
    first = master.read_text()
    again = await open_gate(settings, client_id="laptop")  # the same secret next time, never a new one
    assert again is not None
    await again.aclose()
    assert master.read_text() == first


async def test_a_damaged_gate_master_is_a_config_error_and_never_replaced(tmp_path):
    master = tmp_path / "gate.key"
    master.write_text("not base64 at all!")
    master.chmod(0o600)
    settings = Settings(
        mqtt_url="mqtt://127.0.0.1:1883", gate_open_enabled=True, gate_key_ref=f"file:{master}"
    )
    with pytest.raises(ConfigError) as err:
        await open_gate(settings, client_id="door-1")
    assert "gate master secret" in err.value.problem
    assert "not base64" not in str(err.value)
    assert master.read_text() == "not base64 at all!"
