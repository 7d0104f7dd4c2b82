"""The point-in-time drill, for real: a throwaway PostgreSQL archives its WAL with pgBackRest (the committed
server-stack/pgbackrest/ configuration) to a local repository and an encrypted one on S3 (moto behind TLS);
sell, note the time, make a mistake, lose the machine, restore to that time from the off-site copy alone, and
find the sales there and the mistake gone. About 20 s: one cluster, one full backup to S3, one restore."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from core.db import backup as db_backup
from core.db.engine import create_engine
from core.db.migrate import upgrade
from tests.builders import build_stage, sell
from tests.support import pgbackrest
from tests.support.context import open_context
from tests.support.pgbackrest import Drill


@pytest.fixture
def drill() -> Drill:
    why = pgbackrest.missing()
    if why:
        if os.environ.get("CI") == "true" and shutil.which("pgbackrest") is None:
            pytest.fail(f"{why}. Under CI=true the drill must run: make test installs pgbackrest as root.")
        pytest.skip(why)
    with pgbackrest.drill_cluster() as running:
        yield running


async def _query(url: str, sql: str) -> object:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            return (await conn.execute(text(sql))).scalar()
    finally:
        await engine.dispose()


async def _execute(url: str, sql: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


async def _fingerprint(url: str) -> dict[str, db_backup.TableFingerprint]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(db_backup.fingerprint)
    finally:
        await engine.dispose()


def _pgbackrest_time(moment: datetime) -> str:
    """pgBackRest's form (milliseconds at most): cut down, never up, so the target stays before the mistake."""
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%d %H:%M:%S}.{utc.microsecond // 1000:03d}+00"


def _backup_stop(drill: Drill) -> int:
    """When the offsite copy's newest backup stopped, in whole seconds: pgBackRest keeps no finer time."""
    info = json.loads(drill.pgbackrest("--repo=2", "--output=json", "info"))
    return max(backup["timestamp"]["stop"] for stanza in info for backup in stanza["backup"])


async def _after_the_second_of(url: str, stop: int) -> None:
    """Wait until the database's clock is past the second ``stop`` ends. A restore target finds a backup that
    stopped before it in whole seconds, and a fast run noted its target in the backup's own second (CI saw
    "unable to find backup set with stop time less than ..." about one run in four on a quiet machine)."""
    now = "SELECT extract(epoch FROM clock_timestamp()) >= :stop + 1"
    async with asyncio.timeout(10):
        while not await _query(url, now.replace(":stop", str(int(stop)))):  # noqa: ASYNC110  (its clock decides)
            await asyncio.sleep(0.05)


async def _wait_until_promoted(url: str) -> None:
    async with asyncio.timeout(60):
        while await _query(url, "SELECT pg_is_in_recovery()"):  # noqa: ASYNC110  (another process decides)
            await asyncio.sleep(0.1)


@pytest.mark.slow
@pytest.mark.postgres
async def test_restore_to_a_point_in_time_from_the_offsite_copy_undoes_a_mistake(drill: Drill, clock) -> None:
    cluster = drill.cluster
    url = cluster.url  # Encore in the cluster's one database: fewer files to back up and restore
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    await asyncio.to_thread(drill.pgbackrest, "--repo=2", "--type=full", "backup")

    # After the backup: the sales exist only in the archived WAL, so the restore must replay it.
    async with open_context(url, clock) as ctx:
        stage = await build_stage(ctx)
        for n in range(3):
            await sell(ctx, stage, stage.kiosk, stage.seats[2 * n : 2 * n + 2], key=f"order-{n}")
    good = await _fingerprint(url)
    assert good["orders"].rows == 3
    await _after_the_second_of(url, _backup_stop(drill))
    noted = await _query(url, "SELECT clock_timestamp()")
    assert isinstance(noted, datetime)

    await _execute(url, "TRUNCATE orders CASCADE")  # the mistake: the wrong script, run live
    assert (await _fingerprint(url))["orders"].rows == 0
    await asyncio.to_thread(
        drill.pgbackrest, "check"
    )  # switches to a new WAL segment and waits for its archive

    # The machine is gone: its data directory and the local repository with it. Only S3 is left.
    await asyncio.to_thread(cluster.stop)
    shutil.rmtree(cluster.data)
    shutil.rmtree(drill.repo1)
    await asyncio.to_thread(
        drill.pgbackrest, "--repo=2", "--type=time", f"--target={_pgbackrest_time(noted)}", "--target-action=promote",
        "restore",
    )  # fmt: skip
    await asyncio.to_thread(cluster.start)
    await _wait_until_promoted(cluster.url)

    restored = await _fingerprint(url)
    assert restored["orders"].rows == 3
    assert restored == good


def test_pgbackrest_env_takes_the_secrets_from_files_and_names_a_missing_one(tmp_path) -> None:
    wrapper = pgbackrest.CONFIG_DIR / "pgbackrest-env"
    secret = tmp_path / "cipher-pass"
    secret.write_text("from-the-file")
    secret.chmod(0o600)
    shows_env = tmp_path / "pgbackrest"  # in pgbackrest's place: what would it get?
    shows_env.write_text("#!/bin/sh\nenv\n")
    shows_env.chmod(0o700)
    base = {"PATH": os.environ["PATH"], "PGBACKREST": str(shows_env)}
    shown = subprocess.run(
        [str(wrapper), "--stanza=encore", "info"], env={**base, "PGBACKREST_REPO2_CIPHER_PASS_FILE": str(secret)},
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    assert "PGBACKREST_REPO2_CIPHER_PASS=from-the-file" in shown
    assert not [line for line in shown if "_FILE=" in line]  # pgbackrest warns about unknown variables

    missing = tmp_path / "nowhere"
    refused = subprocess.run(
        [str(wrapper), "info"], env={**base, "PGBACKREST_REPO2_S3_KEY_FILE": str(missing)},
        capture_output=True, text=True,
    )  # fmt: skip
    assert refused.returncode == 1
    assert f"PGBACKREST_REPO2_S3_KEY_FILE names {missing}, which cannot be read" in refused.stderr
    assert refused.stdout == ""  # pgbackrest never ran
