"""Backups, restores and migrations go to PostgreSQL itself, never through PgBouncer's transaction pooling: with
database_pooler = "pgbouncer" and no database_owner_url, each command is refused with a ConfigError that says to
set database_owner_url, before it touches the database or writes a file."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from core.config import Settings
from core.domain.errors import ConfigError, ErrorCode
from core.ops import backup, cli
from tests.builders import build_stage, sell
from tests.dbstate import snapshot

pytestmark = pytest.mark.postgres


async def _revision(ctx) -> str:
    async with ctx.db.engine.connect() as conn:
        return str((await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one())


def _config(tmp_path: Path, **values: str) -> str:
    path = tmp_path / "encore.toml"
    lines = [f'{k} = "{v}"' for k, v in {"log_level": "WARNING", **values}.items()]
    path.write_text("[encore]\n" + "\n".join(lines) + "\n")
    return str(path)


async def test_backup_restore_verify_and_upgrade_refuse_pgbouncer_without_a_direct_owner_url(
    pg_database_url, pg_ctx, tmp_path, capsys
) -> None:
    stage = await build_stage(pg_ctx)
    await sell(pg_ctx, stage, stage.kiosk, stage.seats[:2], key="order-1")
    # Control: the direct connection backs up (and gives the refused commands a real backup to work on).
    direct = Settings(database_url=pg_database_url)
    dump = await backup.take(direct, tmp_path / "direct", datetime.now(UTC))
    pooled = replace(direct, database_pooler="pgbouncer")
    before, revision = await snapshot(pg_ctx), await _revision(pg_ctx)
    folder = tmp_path / "pooled"

    for refused in (
        backup.take(pooled, folder, datetime.now(UTC)),
        backup.restore(pooled, dump, force=True),
        backup.verify(pooled, dump),
        cli.db_upgrade(pooled),
    ):
        with pytest.raises(ConfigError) as caught:
            await refused
        assert caught.value.code == ErrorCode.CONFIG_INVALID
        assert caught.value.key == "database_owner_url"
        assert "set database_owner_url to PostgreSQL itself" in caught.value.problem

    # The command line says so too, with exit code 2, for each command.
    config = _config(
        tmp_path, database_url=pg_database_url, database_pooler="pgbouncer", backup_dir=str(folder)
    )
    for argv in (
        ["backup"],
        ["restore", "--force", str(dump)],
        ["verify-backup", str(dump)],
        ["db", "upgrade"],
    ):
        assert await asyncio.to_thread(cli.main, ["--config", config, *argv]) == 2
        err = capsys.readouterr().err
        assert "database_owner_url: backups, restores and migrations need a direct connection" in err, argv

    assert not folder.exists() or not any(folder.iterdir())
    assert await snapshot(pg_ctx) == before
    assert await _revision(pg_ctx) == revision

    # With the owner's direct URL beside the pooled one, the same backup goes ahead.
    owned = replace(pooled, database_owner_url=pg_database_url)
    assert (await backup.take(owned, folder, datetime.now(UTC))).exists()
