"""Off-site copies of the logical backups, on a real S3 (moto's server behind TLS): sell, back up off-site,
lose the machine's backups and database, restore from off-site and find it identical; a copy sealed under
another key, changed or cut short in the bucket is refused with its code and the database is untouched."""

from __future__ import annotations

import asyncio
import base64
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from core.config import Settings
from core.domain.errors import BackupError, ConfigError, ErrorCode
from core.ops import backup, offsite, sealed_file
from tests.core.ops.test_backup import _config, _drop, _fingerprint, _sold
from tests.support import s3

BUCKET = "venue-offsite"

pytestmark = pytest.mark.skipif(bool(s3.missing()), reason=str(s3.missing()))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[s3.S3Server]:
    with s3.s3_server(tmp_path_factory.mktemp("s3")) as server:
        server.create_bucket(BUCKET)
        yield server


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture
def offsite_settings(store: s3.S3Server, monkeypatch: pytest.MonkeyPatch, request) -> Settings:
    """Off-site settings with the secrets behind env: references, under a prefix of this test's own."""
    monkeypatch.setenv("ENCORE_TEST_S3_KEY", s3.ACCESS_KEY)
    monkeypatch.setenv("ENCORE_TEST_S3_SECRET", s3.SECRET_KEY)
    monkeypatch.setenv("ENCORE_TEST_SEAL_KEY", _key())
    return Settings(
        offsite_url=store.endpoint_url, offsite_bucket=BUCKET, offsite_prefix=f"{secrets.token_hex(4)}/",
        offsite_region=s3.REGION, offsite_access_key_ref="env:ENCORE_TEST_S3_KEY",
        offsite_secret_key_ref="env:ENCORE_TEST_S3_SECRET", offsite_key_ref="env:ENCORE_TEST_SEAL_KEY",
        offsite_ca_file=str(store.ca_file),
    )  # fmt: skip


def _objects(store: s3.S3Server, settings: Settings) -> dict[str, bytes]:
    client = store.client()
    listed = client.list_objects_v2(Bucket=BUCKET, Prefix=settings.offsite_prefix).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in listed}


async def test_sell_back_up_offsite_lose_everything_restore_from_offsite_and_find_it_identical(
    database_url, clock, tmp_path, offsite_settings, store, capsys
) -> None:
    from core.ops import cli

    await _sold(database_url, clock, orders=3)
    settings = replace(offsite_settings, database_url=database_url)
    before = await _fingerprint(settings)
    folder = tmp_path / "backups"
    fields = {k: getattr(settings, k) for k in ("offsite_url", "offsite_bucket", "offsite_prefix",
              "offsite_region", "offsite_access_key_ref", "offsite_secret_key_ref", "offsite_key_ref",
              "offsite_ca_file")}  # fmt: skip
    config = _config(tmp_path, database_url, backup_dir=str(folder), **fields)

    async def ops(*argv: str) -> int:
        return await asyncio.to_thread(cli.main, ["--config", config, *argv])

    assert await ops("backup", "--offsite") == 0
    [dump] = [p for p in folder.iterdir() if not p.name.endswith(backup.MANIFEST_SUFFIX)]
    assert f"s3://{BUCKET}/{settings.offsite_prefix}{dump.name}.sealed" in capsys.readouterr().out
    stored = _objects(store, settings)
    assert sorted(stored) == sorted(
        f"{settings.offsite_prefix}{n}.sealed" for n in (dump.name, backup.manifest_path(dump).name)
    )
    sealed_dump = stored[f"{settings.offsite_prefix}{dump.name}.sealed"]
    assert sealed_dump.startswith(sealed_file.MAGIC)
    assert dump.read_bytes()[:16] not in sealed_dump  # nothing readable left the machine
    assert b'"tables"' not in stored[f"{settings.offsite_prefix}{backup.manifest_path(dump).name}.sealed"]

    shutil.rmtree(folder)  # the machine is gone: its backups and its database
    await _drop(settings)
    assert await ops("verify-backup", "--from-offsite", "latest") == 0
    assert "restores to what was backed up" in capsys.readouterr().out
    assert await ops("restore", "--from-offsite", "latest") == 0
    assert f"Fetched {dump.name} from off-site" in capsys.readouterr().out
    assert await _fingerprint(settings) == before


@pytest.fixture
async def uploaded(sqlite_url, clock, tmp_path, offsite_settings) -> tuple[Settings, Path]:
    """A sold database, backed up off-site; the local backup deleted and the database emptied. (SQLite: the
    seal and the store do not care which database the dump came from, and the drill above runs on both.)"""
    await _sold(sqlite_url, clock, orders=1)
    settings = replace(offsite_settings, database_url=sqlite_url)
    dump = await backup.take(settings, tmp_path / "local", clock.now())
    await offsite.upload(settings, dump)
    shutil.rmtree(dump.parent)
    await _drop(settings)
    return settings, dump


async def _refused(settings: Settings, name: str, folder: Path) -> BackupError:
    """Fetching ``name`` fails with a BackupError; the database and the fetch folder are as they were."""
    empty = await _fingerprint(settings)
    await asyncio.to_thread(folder.mkdir, exist_ok=True)
    with pytest.raises(BackupError) as refused:
        await offsite.fetch(settings, name, folder)
    assert await asyncio.to_thread(lambda: list(folder.iterdir())) == []
    assert await _fingerprint(settings) == empty
    return refused.value


async def test_a_copy_sealed_under_another_key_is_refused_and_changes_nothing(
    uploaded, tmp_path, monkeypatch
) -> None:
    settings, dump = uploaded
    monkeypatch.setenv("ENCORE_TEST_SEAL_KEY", _key())
    refused = await _refused(settings, dump.name, tmp_path / "fetched")
    assert refused.code == ErrorCode.BACKUP_KEY_WRONG
    assert "another key" in refused.message


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda b: b[:-200] + bytes([b[-200] ^ 1]) + b[-199:], ErrorCode.BACKUP_DAMAGED),
        (lambda b: b[: len(b) // 2], ErrorCode.BACKUP_TRUNCATED),
        (lambda b: b + b"\x00" * 8, ErrorCode.BACKUP_DAMAGED),
        (lambda b: b"PGDMP" + b[5:], ErrorCode.BACKUP_NOT_A_BACKUP),
    ],
    ids=["a-byte-flipped", "cut-in-half", "bytes-appended", "header-replaced"],
)
async def test_a_copy_changed_in_the_bucket_is_refused_and_changes_nothing(
    uploaded, tmp_path, store, change, code
) -> None:
    settings, dump = uploaded
    name = f"{settings.offsite_prefix}{dump.name}.sealed"
    client = store.client()
    original = client.get_object(Bucket=BUCKET, Key=name)["Body"].read()
    client.put_object(Bucket=BUCKET, Key=name, Body=change(original))
    refused = await _refused(settings, dump.name, tmp_path / "fetched")
    assert refused.code == code


async def test_a_missing_copy_or_a_stranger_name_is_refused(uploaded, tmp_path) -> None:
    settings, _ = uploaded
    missing = await _refused(settings, "encore-20200101T000000Z.pgdump", tmp_path / "a")
    assert missing.code == ErrorCode.BACKUP_OFFSITE_FAILED
    assert "not there" in missing.message
    stranger = await _refused(settings, "../etc/passwd", tmp_path / "b")
    assert stranger.code == ErrorCode.BACKUP_NOT_A_BACKUP
    empty_prefix = replace(settings, offsite_prefix="nothing-here/")
    none = await _refused(empty_prefix, offsite.LATEST, tmp_path / "c")
    assert none.code == ErrorCode.BACKUP_OFFSITE_FAILED


async def test_wrong_access_keys_or_an_unreachable_store_say_so(uploaded, tmp_path, monkeypatch) -> None:
    settings, dump = uploaded
    monkeypatch.setenv("ENCORE_TEST_S3_KEY", "someone-else")
    # moto accepts any key id: an unknown bucket stands in for what a store answers to the wrong account.
    refused = await _refused(replace(settings, offsite_bucket="not-our-bucket"), dump.name, tmp_path / "a")
    assert refused.code == ErrorCode.BACKUP_OFFSITE_FAILED
    assert "not-our-bucket" in refused.message
    from tests.support.probes import free_port

    gone = replace(settings, offsite_url=f"https://localhost:{free_port()}")
    refused = await _refused(gone, dump.name, tmp_path / "b")
    assert refused.code == ErrorCode.BACKUP_OFFSITE_FAILED
    assert "cannot be reached" in refused.message


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"offsite_url": ""}, "offsite_url"),
        ({"offsite_url": "http://s3.example.net"}, "offsite_url"),
        ({"offsite_bucket": ""}, "offsite_bucket"),
        ({"offsite_ca_file": "/nonexistent/ca.pem"}, "offsite_ca_file"),
        ({"offsite_key_ref": ""}, "offsite_key_ref"),
        ({"offsite_key_ref": "env:ENCORE_TEST_SHORT_KEY"}, "offsite_key_ref"),
    ],
)
async def test_offsite_settings_that_cannot_work_are_named(
    offsite_settings, tmp_path, monkeypatch, changes, key
) -> None:
    monkeypatch.setenv("ENCORE_TEST_SHORT_KEY", base64.b64encode(b"sixteen byte key").decode())
    with pytest.raises(ConfigError) as refused:
        await offsite.fetch(replace(offsite_settings, **changes), "latest", tmp_path)
    assert refused.value.key == key
    assert "sixteen" not in str(refused.value)


async def test_the_nightly_backup_goes_off_site_when_configured(
    sqlite_url, clock, tmp_path, offsite_settings, store
) -> None:
    from core.ops import nightly_backup
    from core.services.context import ServiceContext

    await _sold(sqlite_url, clock, orders=1)
    settings = replace(offsite_settings, database_url=sqlite_url)
    async with ServiceContext.open(settings, clock=clock) as ctx:
        assert await nightly_backup.run(ctx, tmp_path / "nightly") is True
    [dump] = (tmp_path / "nightly").glob("encore-*.sqlite3")
    assert sorted(_objects(store, settings)) == sorted(
        f"{settings.offsite_prefix}{n}.sealed" for n in (dump.name, backup.manifest_path(dump).name)
    )
    fetched = await offsite.fetch(settings, offsite.LATEST, tmp_path)
    assert fetched.read_bytes() == dump.read_bytes()
