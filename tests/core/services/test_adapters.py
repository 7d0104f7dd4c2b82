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


async def test_gate_only_when_enabled():
    assert await open_gate(Settings(mqtt_url="mqtt://127.0.0.1:1883"), client_id="door-1") is None
    gate = await open_gate(
        Settings(mqtt_url="mqtt://127.0.0.1:1883", gate_open_enabled=True), client_id="door-1"
    )
    assert gate is not None
    await gate.aclose()
