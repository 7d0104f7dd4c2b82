"""An embedded (SQLite) backup and its keys folder, through the real `encore-ops` commands: the backup says
which key files to keep with it (it holds none of them); a restore on another laptop refuses, writing nothing,
while those keys are not beside the new database or are other keys, says what to copy where, and restores
once they are there (staff PINs and the ticket-signing key work as before); --without-keys restores anyway,
with PINs refused as it warned. PostgreSQL backups are as they were."""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import shutil
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from core.config import Settings
from core.domain.errors import BackupError, ConfigError, ErrorCode
from core.domain.staff import Role
from core.ops import backup, cli
from core.services import staff
from tests.builders import ROOT, build_stage, sell
from tests.support import sqlite
from tests.support.context import open_context

PIN = "246810"
KEYS = ("pin", "ticket-signing")


def _config(folder: Path, database: Path) -> str:
    path = folder / "encore.toml"
    path.write_text(f'[encore]\ndatabase_url = "{sqlite.url_for(database)}"\nlog_level = "WARNING"\n')
    return str(path)


async def _ops(config: str, *argv: str) -> int:
    return await asyncio.to_thread(cli.main, ["--config", config, *argv])


def _key(database: Path, name: str) -> Path:
    """Where embedded mode keeps a key: keys/<database name>-<key>.key beside the database file."""
    return database.parent / "keys" / f"{database.stem}-{name}.key"


@pytest.fixture
async def laptop_a(sqlite_url: str, clock, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A venue's laptop: a PIN set, a ticket sold (so its PIN key and ticket-signing key are in use)."""
    database = Path(make_url(sqlite_url).database or "")
    async with open_context(sqlite_url, clock) as ctx:
        stage = await build_stage(ctx)
        member = await staff.create_staff(
            ctx, ROOT, email="bo@venue.test", display_name="Bo", role=Role.BOX_OFFICE, pin=PIN
        )
        await sell(ctx, stage, stage.kiosk, stage.seats[:2], key="order-1")
        signing = ctx.signer.key.public_key_bytes if ctx.signer else b""
    return database, stage.kiosk, member, signing


async def test_a_restore_on_another_laptop_needs_the_keys_and_says_which(
    laptop_a, clock, tmp_path: Path, capsys
) -> None:
    database, kiosk, member, signing = laptop_a
    config_a = _config(database.parent, database)
    assert await _ops(config_a, "backup", "--to", str(tmp_path / "backups")) == 0
    out = capsys.readouterr().out
    [dump] = [p for p in (tmp_path / "backups").iterdir() if p.suffix == ".sqlite3"]
    assert "holds none of this database's keys" in out
    for name in KEYS:
        assert str(_key(database, name)) in out
    assert set(backup.Manifest.read(dump).keys) == set(KEYS)
    # None of the secrets is in the backup's files.
    for name in KEYS:
        secret = _key(database, name).read_bytes().strip()
        assert secret not in dump.read_bytes()
        assert secret not in backup.manifest_path(dump).read_bytes()

    # Laptop B, its database under another name: no keys there yet. Refused, nothing written, and told what to do.
    b = tmp_path / "laptop-b"
    b.mkdir()
    restored = b / "box-office.sqlite3"
    config_b = _config(b, restored)
    assert await _ops(config_b, "restore", str(dump)) == 2
    err = capsys.readouterr().err
    for name in KEYS:
        assert (
            f"copy {_key(database, name)} from the computer the backup was taken on to {_key(restored, name)}"
            in err
        )
    assert "--without-keys" in err
    assert "every staff PIN is refused" in err
    assert not restored.exists()
    assert not (b / "keys").exists()
    with pytest.raises(BackupError) as refused:
        await backup.restore(Settings(database_url=sqlite.url_for(restored)), dump)
    assert refused.value.code == ErrorCode.RESTORE_KEYS_MISSING

    # Another PIN key there (a fresh one): refused as another key, nothing written.
    (b / "keys").mkdir(mode=0o700)
    shutil.copy(_key(database, "ticket-signing"), _key(restored, "ticket-signing"))
    _key(restored, "pin").write_text(base64.b64encode(secrets.token_bytes(32)).decode())
    with pytest.raises(ConfigError) as open_to_all:  # copied with the wrong mode: said before anything else
        await backup.restore(Settings(database_url=sqlite.url_for(restored)), dump)
    assert f"run: chmod 600 {_key(restored, 'pin')}" in open_to_all.value.message
    _key(restored, "pin").chmod(0o600)
    with pytest.raises(BackupError) as other:
        await backup.restore(Settings(database_url=sqlite.url_for(restored)), dump)
    assert other.value.code == ErrorCode.RESTORE_KEYS_DISAGREE
    assert f"{_key(restored, 'pin')} is another key than the backup's" in other.value.message
    assert not restored.exists()

    # The backup's keys beside it: restored, and the PIN and the signing key work as on laptop A.
    shutil.copy(_key(database, "pin"), _key(restored, "pin"))
    assert await _ops(config_b, "restore", str(dump)) == 0
    assert "are the ones it was backed up with" in capsys.readouterr().out
    async with open_context(sqlite.url_for(restored), clock) as ctx:
        who = await staff.unlock_with_pin(ctx, kiosk, member.staff_number, PIN)
        assert who.staff_id == member.id
        assert ctx.signer is not None
        assert ctx.signer.key.public_key_bytes == signing


async def test_without_keys_restores_and_the_pins_are_refused_as_it_said(
    laptop_a, clock, tmp_path: Path, capsys, expect_log
) -> None:
    database, kiosk, member, _ = laptop_a
    dump = await backup.take(
        Settings(database_url=sqlite.url_for(database)), tmp_path / "backups", clock.now()
    )
    c = tmp_path / "laptop-c"
    c.mkdir()
    restored = c / "encore.sqlite3"
    assert await _ops(_config(c, restored), "restore", "--without-keys", str(dump)) == 0
    assert "encore-ops forget-pins --yes" in capsys.readouterr().out
    with expect_log("core.services.pin_key", "staff PINs cannot be used"):
        opened = open_context(sqlite.url_for(restored), clock)
        ctx = await opened.__aenter__()
    try:
        with pytest.raises(ConfigError) as refused:
            await staff.unlock_with_pin(ctx, kiosk, member.staff_number, PIN)
        assert refused.value.key == "pin_key_ref"
    finally:
        await opened.__aexit__(None, None, None)


@pytest.mark.postgres
async def test_a_postgres_backup_manifest_is_as_it_was(pg_database_url: str, clock, tmp_path: Path) -> None:
    async with open_context(pg_database_url, clock) as ctx:
        await build_stage(ctx)
    dump = await backup.take(Settings(database_url=pg_database_url), tmp_path, clock.now())
    raw = json.loads(backup.manifest_path(dump).read_text())
    assert sorted(raw) == ["format", "kind", "sha256", "size", "tables", "taken_at"]
    assert backup.Manifest.read(dump).keys == {}
