"""Backup drills on real PostgreSQL (pg_dump/pg_restore) and SQLite (the online backup API): sell, back up, drop,
restore, find it identical; a refused file or target changes nothing; a tampered or truncated backup is caught."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from core.config import Settings
from core.db import backup as db_backup
from core.domain.errors import BackupError, ErrorCode
from core.ops import backup, nightly_backup
from tests.builders import build_stage, sell
from tests.support.context import open_context


async def _fingerprint(settings: Settings) -> dict[str, db_backup.TableFingerprint]:
    engine = (await backup.Target.of(settings)).engine()
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(db_backup.fingerprint)
    finally:
        await engine.dispose()


async def _sold(database_url: str, clock, orders: int) -> None:
    async with open_context(database_url, clock) as ctx:
        stage = await build_stage(ctx)
        for n in range(orders):
            await sell(ctx, stage, stage.kiosk, stage.seats[2 * n : 2 * n + 2], key=f"order-{n}")


async def _drop(settings: Settings) -> None:
    target = await backup.Target.of(settings)
    if target.kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            await asyncio.to_thread(Path(f"{target.sqlite_path}{suffix}").unlink, missing_ok=True)
        return
    engine = target.engine()
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def test_sell_back_up_drop_restore_and_find_it_identical(database_url, clock, tmp_path) -> None:
    await _sold(database_url, clock, orders=3)
    settings = Settings(database_url=database_url)
    before = await _fingerprint(settings)
    assert before["orders"].rows == 3
    assert before["tickets"].rows == 6

    dump = await backup.take(settings, tmp_path / "backups", clock.now())
    manifest = await backup.verify(settings, dump)
    assert manifest.tables == before

    await _drop(settings)
    assert "orders" not in await _fingerprint(settings)
    await backup.restore(settings, dump)
    assert await _fingerprint(settings) == before


async def test_restore_refuses_a_target_with_tables_unless_forced(database_url, clock, tmp_path) -> None:
    settings = Settings(database_url=database_url)
    async with open_context(database_url, clock) as ctx:  # the backup is taken while the sale goes on
        stage = await build_stage(ctx)
        await sell(ctx, stage, stage.kiosk, stage.seats[:2], key="kept")
        dump = await backup.take(settings, tmp_path, clock.now())
        backed_up = await _fingerprint(settings)
        for n in range(2):  # then a mistake: two orders that should not have been
            await sell(ctx, stage, stage.kiosk, stage.seats[2 + n : 3 + n], key=f"mistake-{n}")
    mistaken = await _fingerprint(settings)
    assert mistaken["orders"].rows == 3

    with pytest.raises(BackupError) as refused:
        await backup.restore(settings, dump)
    assert refused.value.code == ErrorCode.RESTORE_TARGET_NOT_EMPTY
    assert await _fingerprint(settings) == mistaken

    await backup.restore(settings, dump, force=True)
    assert await _fingerprint(settings) == backed_up


async def test_a_truncated_file_or_no_backup_is_refused_and_the_target_is_untouched(
    database_url, clock, tmp_path
) -> None:
    await _sold(database_url, clock, orders=1)
    settings = Settings(database_url=database_url)
    dump = await backup.take(settings, tmp_path / "good", clock.now())
    await _drop(settings)  # an empty target, which restore would write into at once
    empty = await _fingerprint(settings)

    truncated = tmp_path / dump.name
    truncated.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    shutil.copy(backup.manifest_path(dump), backup.manifest_path(truncated))
    stranger = tmp_path / "notes.pgdump"
    stranger.write_text("not a backup")
    disguised = tmp_path / "disguised.sqlite3"
    disguised.write_bytes(b"x" * dump.stat().st_size)
    shutil.copy(backup.manifest_path(dump), backup.manifest_path(disguised))

    cases = [
        (truncated, ErrorCode.BACKUP_TRUNCATED),
        (stranger, ErrorCode.BACKUP_NOT_A_BACKUP),
        (disguised, ErrorCode.BACKUP_NOT_A_BACKUP),
    ]
    for path, code in cases:
        for attempt in (backup.restore(settings, path, force=True), backup.verify(settings, path)):
            with pytest.raises(BackupError) as refused:
                await attempt
            assert (path.name, refused.value.code) == (path.name, code)
            assert refused.value.path == str(path)
        assert await _fingerprint(settings) == empty


async def test_verify_finds_a_changed_row_in_a_sqlite_backup(sqlite_url, clock, tmp_path) -> None:
    await _sold(sqlite_url, clock, orders=2)
    settings = Settings(database_url=sqlite_url)
    dump = await backup.take(settings, tmp_path, clock.now())
    with sqlite3.connect(dump) as conn:
        conn.execute("UPDATE orders SET code = 'TAMPERED01' WHERE id = (SELECT min(id) FROM orders)")
    conn.close()
    with pytest.raises(BackupError) as damaged:
        await backup.verify(settings, dump)
    assert damaged.value.code == ErrorCode.BACKUP_DAMAGED

    # The same change with the file's recorded digest brought along: the tables' checksums still catch it.
    path = backup.manifest_path(dump)
    recorded = json.loads(path.read_text())
    recorded.update(size=dump.stat().st_size, sha256=backup._sha256(dump))
    path.write_text(json.dumps(recorded))
    with pytest.raises(BackupError) as mismatch:
        await backup.verify(settings, dump)
    assert mismatch.value.code == ErrorCode.BACKUP_MISMATCH
    assert "orders has the recorded 2 rows but different content" in mismatch.value.message


@pytest.mark.postgres
async def test_verify_finds_a_postgres_backup_that_differs_from_its_manifest(
    pg_database_url, clock, tmp_path
) -> None:
    await _sold(pg_database_url, clock, orders=2)
    settings = Settings(database_url=pg_database_url)
    dump = await backup.take(settings, tmp_path, clock.now())
    path = backup.manifest_path(dump)
    recorded = json.loads(path.read_text())
    recorded["tables"]["tickets"]["rows"] = 5  # what was backed up said 5 tickets; the dump holds 4
    path.write_text(json.dumps(recorded))
    with pytest.raises(BackupError) as mismatch:
        await backup.verify(settings, dump)
    assert mismatch.value.code == ErrorCode.BACKUP_MISMATCH
    assert "tickets has 4 rows, 5 recorded" in mismatch.value.message


async def test_sqlite_backup_while_the_kiosk_sells_is_consistent(sqlite_url, clock, tmp_path) -> None:
    settings = Settings(database_url=sqlite_url)
    async with open_context(sqlite_url, clock) as ctx:
        stage = await build_stage(ctx, rows=4, seats_per_row=10)

        async def selling() -> int:
            for n in range(19):
                await sell(ctx, stage, stage.kiosk, stage.seats[2 * n : 2 * n + 2], key=f"o{n}")
            return 19

        seller = asyncio.create_task(selling())
        dumps = []
        while not seller.done():
            dumps.append(await backup.take(settings, tmp_path / f"b{len(dumps)}", datetime.now(UTC)))
        assert await seller == 19
        for dump in dumps:  # each is one state: a whole number of orders, two tickets each, all it recorded
            manifest = await backup.verify(settings, dump)
            assert manifest.tables["tickets"].rows == 2 * manifest.tables["orders"].rows

        # Control: a reader's open snapshot keeps the next sale in the write-ahead log (no checkpoint can move it
        # into the file), so copying the file as it lies misses that sale; the backup API has it.
        path = backup.Target(make_url(sqlite_url), None, False).sqlite_path
        reader = sqlite3.connect(path, isolation_level=None)
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM orders").fetchone()[0] == 19
        await sell(ctx, stage, stage.kiosk, stage.seats[38:40], key="o19")
        naive = tmp_path / "naive.sqlite3"
        shutil.copyfile(path, naive)
        last = await backup.take(settings, tmp_path / "last", datetime.now(UTC))
        reader.execute("ROLLBACK")
        reader.close()
        with sqlite3.connect(naive) as conn:
            copied = conn.execute("SELECT count(*) FROM orders").fetchone()[0]
        conn.close()
        assert copied < 20
        assert backup.Manifest.read(last).tables["orders"].rows == 20


async def test_nightly_backup_keeps_the_newest_fourteen(sqlite_url, clock, tmp_path, expect_log) -> None:
    folder = tmp_path / "nightly"
    async with open_context(sqlite_url, clock) as ctx:
        await build_stage(ctx)
        nights = []
        for _ in range(nightly_backup.RETAIN_DAILY + 3):
            assert await nightly_backup.run(ctx, folder) is True
            nights.append(clock.now())
            clock.advance(timedelta(days=1).total_seconds())
    kept = sorted(p.name for p in folder.glob("encore-*.sqlite3"))
    expected = [
        f"encore-{n.astimezone(UTC):%Y%m%dT%H%M%SZ}.sqlite3" for n in nights[-nightly_backup.RETAIN_DAILY :]
    ]
    assert kept == expected
    assert len(list(folder.glob("*.manifest.json"))) == nightly_backup.RETAIN_DAILY


def _config(tmp_path: Path, database_url: str, **extra: str) -> str:
    path = tmp_path / "encore.toml"
    lines = [f'database_url = "{database_url}"', 'log_level = "WARNING"']
    lines += [f'{k} = "{v}"' for k, v in extra.items()]
    path.write_text("[encore]\n" + "\n".join(lines) + "\n")
    return str(path)


async def test_the_commands_back_up_verify_refuse_and_restore(database_url, clock, tmp_path, capsys) -> None:
    from core.ops import cli

    await _sold(database_url, clock, orders=1)
    settings = Settings(database_url=database_url)
    before = await _fingerprint(settings)
    folder = tmp_path / "nightly"
    config = _config(tmp_path, database_url, backup_dir=str(folder))

    async def ops(*argv: str) -> int:
        return await asyncio.to_thread(cli.main, ["--config", config, *argv])

    assert await ops("backup") == 0
    [dump] = [p for p in folder.iterdir() if not p.name.endswith(backup.MANIFEST_SUFFIX)]
    assert f"Backup written to {dump}" in capsys.readouterr().out
    assert await ops("verify-backup", str(dump)) == 0
    assert "restores to what was backed up" in capsys.readouterr().out
    assert await ops("restore", str(dump)) == 2
    assert "--force" in capsys.readouterr().err
    assert await _fingerprint(settings) == before
    assert await ops("restore", "--force", str(dump)) == 0
    assert await _fingerprint(settings) == before


def test_the_password_reaches_the_tools_through_their_environment(monkeypatch) -> None:
    monkeypatch.setenv("ENCORE_TEST_DB_PW", "s3cret")
    settings = Settings(
        database_url="postgresql+asyncpg://owner@db.example:6543/encore",
        database_password_ref="env:ENCORE_TEST_DB_PW",
    )
    target = asyncio.run(backup.Target.of(settings))
    env = target.tool_env()
    assert (env["PGPASSWORD"], env["PGUSER"], env["PGHOST"], env["PGPORT"]) == (
        "s3cret",
        "owner",
        "db.example",
        "6543",
    )
    assert "s3cret" not in target.url.render_as_string(hide_password=False)


@pytest.mark.postgres
async def test_verify_says_why_when_it_cannot_make_a_scratch_database(
    pg_database_url, pg_roles, clock, tmp_path
) -> None:
    await _sold(pg_database_url, clock, orders=1)
    dump = await backup.take(Settings(database_url=pg_database_url), tmp_path, clock.now())
    engine = (await backup.Target.of(Settings(database_url=pg_database_url))).engine()
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f'CREATE ROLE "{pg_roles.reporting}" LOGIN NOCREATEDB'))
    finally:
        await engine.dispose()
    with pytest.raises(BackupError) as refused:
        await backup.verify(Settings(database_url=pg_roles.url_as(pg_roles.reporting)), dump)
    assert refused.value.code == ErrorCode.BACKUP_TOOL_FAILED
    assert "CREATEDB" in refused.value.message


@pytest.mark.postgres
async def test_the_scheduler_job_backs_up_into_the_configured_folder(
    pg_database_url, clock, tmp_path
) -> None:
    from core.ops.jobs import Runner, RunOutcome, standard_jobs
    from core.services.context import ServiceContext
    from tests.support.context import signing_key_ref

    await _sold(pg_database_url, clock, orders=2)
    folder = tmp_path / "backups"
    settings = Settings(
        database_url=pg_database_url,
        backup_dir=str(folder),
        ticket_signing_key_ref=signing_key_ref(pg_database_url),
    )
    [job] = [j for j in standard_jobs(None) if j.name == "backup"]
    async with ServiceContext.open(settings, clock=clock) as ctx:
        assert await Runner(ctx, attempts=1).run(job) is RunOutcome.RAN
    [dump] = folder.glob("encore-*.pgdump")
    assert dump.name == f"encore-{clock.now().astimezone(UTC):%Y%m%dT%H%M%SZ}.pgdump"
    assert backup.Manifest.read(dump).tables == await _fingerprint(settings)


def _pg_dump_processes(database: str) -> list[tuple[list[str], dict[str, str]]]:
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            argv = proc.joinpath("cmdline").read_bytes().split(b"\0")
            if not argv[0].endswith(b"pg_dump"):
                continue
            pairs = (
                item.partition(b"=") for item in proc.joinpath("environ").read_bytes().split(b"\0") if item
            )
            env = {k.decode(): v.decode() for k, _, v in pairs}
        except OSError:  # gone meanwhile, or not ours
            continue
        if env.get("PGDATABASE") == database:
            found.append(([a.decode() for a in argv if a], env))
    return found


@pytest.mark.postgres
async def test_pg_dump_gets_the_password_in_its_environment_not_its_command_line(
    pg_database_url, clock, tmp_path, monkeypatch
) -> None:
    await _sold(pg_database_url, clock, orders=1)
    monkeypatch.setenv("ENCORE_TEST_DB_PW", "not-on-the-command-line")
    settings = Settings(database_url=pg_database_url, database_password_ref="env:ENCORE_TEST_DB_PW")
    database = make_url(pg_database_url).database
    engine = (await backup.Target.of(Settings(database_url=pg_database_url))).engine()
    try:
        async with engine.begin() as conn:  # pg_dump waits for this lock: it is caught while it runs
            await conn.execute(text("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE"))
            taking = asyncio.create_task(backup.take(settings, tmp_path, clock.now()))
            seen: list[tuple[list[str], dict[str, str]]] = []
            while not seen and not taking.done():
                seen = await asyncio.to_thread(_pg_dump_processes, database)
                await asyncio.sleep(0.02)
        dump = await taking
    finally:
        await engine.dispose()
    [(argv, env)] = seen
    assert env["PGPASSWORD"] == "not-on-the-command-line"
    assert not any("not-on-the-command-line" in a for a in argv)
    assert backup.Manifest.read(dump).tables["orders"].rows == 1


@pytest.mark.postgres
async def test_a_nightly_backup_that_fails_to_verify_deletes_no_older_backup(
    pg_database_url, pg_roles, clock, tmp_path
) -> None:
    await _sold(pg_database_url, clock, orders=1)
    folder = tmp_path / "nightly"
    folder.mkdir()
    older = []
    for day in range(1, nightly_backup.RETAIN_DAILY + 1):
        dump = folder / f"encore-202611{day:02d}T030000Z.pgdump"
        dump.write_bytes(b"PGDMP an older night")
        backup.manifest_path(dump).write_text("{}")
        older.append(dump)
    reader = pg_roles.reporting  # may read everything, may not create a scratch database to verify in
    engine = (await backup.Target.of(Settings(database_url=pg_database_url))).engine()
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f'CREATE ROLE "{reader}" LOGIN NOCREATEDB'))
            await conn.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{reader}"'))
            await conn.execute(text(f'GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO "{reader}"'))
    finally:
        await engine.dispose()
    settings = Settings(database_url=pg_roles.url_as(reader))
    async with open_context(pg_database_url, clock) as ctx:
        ctx_as_reader = replace(ctx, settings=settings)
        with pytest.raises(BackupError) as failed:
            await nightly_backup.run(ctx_as_reader, folder)
    assert failed.value.code == ErrorCode.BACKUP_TOOL_FAILED
    assert all(p.exists() and backup.manifest_path(p).exists() for p in older)
    assert (
        len(list(folder.glob("encore-*.pgdump"))) == nightly_backup.RETAIN_DAILY + 1
    )  # tonight's, unverified
