"""Off-site copies of the logical backups: each dump and its manifest sealed (core.ops.sealed_file) under the
key that offsite_key_ref names, then put on S3-compatible object storage; fetched and opened again before a
restore or a verify, which then check them as any local backup (core.ops.backup.check_file).

Nothing unsealed leaves the machine, and nothing fetched is used before it opened under the key and matched its
manifest: a changed, cut or foreign object is refused before the database is touched. The object store's keys
come from the secret store; boto3 is loaded only here, when a copy goes off-site or comes back.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from core.config import Settings
from core.domain.errors import BackupError, ConfigError, ErrorCode
from core.ops import backup, sealed_file
from core.security.secret_store import resolve_secret

SEALED = ".sealed"
LATEST = "latest"
_SOURCE = "settings"
_E = ErrorCode
_T = TypeVar("_T")


@dataclass(frozen=True)
class Offsite:
    """Where the copies go and the key that seals them (resolved from the settings and the secret store)."""

    url: str
    bucket: str
    prefix: str
    region: str
    access_key: str
    secret_key: str
    key: bytes
    ca_file: str

    @classmethod
    def of(cls, settings: Settings) -> Offsite:
        if not settings.offsite_url or not settings.offsite_bucket:
            missing = "offsite_url" if not settings.offsite_url else "offsite_bucket"
            raise ConfigError(
                _SOURCE, missing, "is empty; set offsite_url and offsite_bucket for off-site copies"
            )
        parts = urlsplit(settings.offsite_url)
        if parts.scheme != "https" or not parts.hostname:
            raise ConfigError(
                _SOURCE,
                "offsite_url",
                "must be an https:// URL of the object store (backups cross the internet)",
            )
        if settings.offsite_ca_file and not Path(settings.offsite_ca_file).is_file():
            raise ConfigError(
                _SOURCE,
                "offsite_ca_file",
                f"names {settings.offsite_ca_file}, which is not a file (PEM certificates)",
            )
        refs = {
            "offsite_access_key_ref": settings.offsite_access_key_ref,
            "offsite_secret_key_ref": settings.offsite_secret_key_ref,
            "offsite_key_ref": settings.offsite_key_ref,
        }
        values: dict[str, str] = {}
        for name, ref in refs.items():
            value = resolve_secret(ref)
            if not value:
                raise ConfigError(
                    _SOURCE, name, "is empty; off-site copies need it (a secret-store reference)"
                )
            values[name] = value
        key = sealed_file.parse_key(values["offsite_key_ref"], source=_SOURCE, key="offsite_key_ref")
        return cls(
            settings.offsite_url, settings.offsite_bucket, settings.offsite_prefix, settings.offsite_region,
            values["offsite_access_key_ref"], values["offsite_secret_key_ref"], key, settings.offsite_ca_file,
        )  # fmt: skip

    def object_name(self, file_name: str) -> str:
        return f"{self.prefix}{file_name}{SEALED}"

    def where(self, file_name: str) -> str:
        return f"s3://{self.bucket}/{self.object_name(file_name)}"

    def client(self) -> Any:
        import boto3  # only off-site copies need it (start-up time)
        from botocore.config import Config

        return boto3.client(
            "s3", endpoint_url=self.url, region_name=self.region, verify=self.ca_file or True,
            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
            config=Config(connect_timeout=10, read_timeout=60, retries={"max_attempts": 4, "mode": "standard"}),
        )  # fmt: skip


def _store_call(what: str, call: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """Run one object-store call; its failures (network, refusal, no such object) become BackupError."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return call(*args, **kwargs)
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", "error"))
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in {"404", "NoSuchKey", "NotFound"}:
            problem = "it is not there: check offsite_bucket and offsite_prefix, or restore 'latest'"
        else:
            problem = f"the object store answered {code} ({status}): check the bucket and the access keys"
        raise BackupError(what, f"{what}: {problem}", code=_E.BACKUP_OFFSITE_FAILED) from None
    except BotoCoreError as error:  # no connection, TLS refused, timed out: only the type, never a key
        raise BackupError(
            what, f"{what}: the object store cannot be reached ({type(error).__name__}): check offsite_url",
            code=_E.BACKUP_OFFSITE_FAILED,
        ) from None  # fmt: skip


async def upload(settings: Settings, dump: Path) -> str:
    """Seal a local backup (dump and manifest, checked first) and put both off-site; returns where."""
    await asyncio.to_thread(backup.check_file, dump)
    offsite = await asyncio.to_thread(Offsite.of, settings)
    return await asyncio.to_thread(_upload, offsite, dump)


def _upload(offsite: Offsite, dump: Path) -> str:
    client = offsite.client()
    with tempfile.TemporaryDirectory(prefix="encore-offsite-") as scratch:
        # The manifest last, as locally: a dump whose manifest is there is complete.
        for path in (dump, backup.manifest_path(dump)):
            sealed = Path(scratch) / (path.name + SEALED)
            sealed_file.seal(path, sealed, offsite.key)
            where = offsite.where(path.name)
            _store_call(
                where, client.upload_file, str(sealed), offsite.bucket, offsite.object_name(path.name)
            )
    return offsite.where(dump.name)


async def fetch(settings: Settings, name: str, folder: Path) -> Path:
    """Fetch the off-site backup ``name`` (a dump's file name, or 'latest') into ``folder``, open it and check
    it against its manifest; returns the local dump. BackupError, and nothing left in ``folder``, otherwise."""
    offsite = await asyncio.to_thread(Offsite.of, settings)
    return await asyncio.to_thread(_fetch, offsite, name, folder)


def _fetch(offsite: Offsite, name: str, folder: Path) -> Path:
    client = offsite.client()
    if name == LATEST:
        name = _latest(offsite, client)
    if Path(name).name != name or not name.startswith("encore-"):
        raise BackupError(
            name, f"{name} is not the name of an Encore backup (encore-<time>.pgdump or .sqlite3)",
            code=_E.BACKUP_NOT_A_BACKUP,
        )  # fmt: skip
    dump = folder / name
    with tempfile.TemporaryDirectory(prefix="encore-offsite-") as scratch:
        try:
            for local in (backup.manifest_path(dump), dump):
                sealed = Path(scratch) / (local.name + SEALED)
                where = offsite.where(local.name)
                _store_call(
                    where, client.download_file, offsite.bucket, offsite.object_name(local.name), str(sealed)
                )
                sealed_file.open_sealed(sealed, local, offsite.key, name=where)
            backup.check_file(dump)
        except BaseException:
            dump.unlink(missing_ok=True)
            backup.manifest_path(dump).unlink(missing_ok=True)
            raise
    return dump


def _latest(offsite: Offsite, client: Any) -> str:
    suffix = backup.MANIFEST_SUFFIX + SEALED
    where = f"s3://{offsite.bucket}/{offsite.prefix}"
    names: list[str] = []
    token: dict[str, str] = {}
    while True:
        page = _store_call(
            where, client.list_objects_v2, Bucket=offsite.bucket, Prefix=f"{offsite.prefix}encore-", **token
        )
        keys = [str(o["Key"]) for o in page.get("Contents", [])]
        names += [k[len(offsite.prefix) : -len(suffix)] for k in keys if k.endswith(suffix)]
        if not page.get("IsTruncated"):
            break
        token = {"ContinuationToken": page["NextContinuationToken"]}
    if not names:
        raise BackupError(where, f"there is no backup in {where}", code=_E.BACKUP_OFFSITE_FAILED)
    return max(names)  # names carry the UTC time they were taken: the greatest is the newest
