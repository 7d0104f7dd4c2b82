"""Logical backups: take one (pg_dump custom format, or SQLite's online backup API), check one, restore one.

A backup is two files: the dump ``encore-<UTC time>.pgdump`` or ``.sqlite3``, and beside it
``<dump>.manifest.json`` with the dump's size and SHA-256 and every table's row count and content checksum, taken
from the same snapshot as the dump. The manifest is written last: a dump without one is not a backup. Every check
that can refuse a file (no manifest, truncated, not a dump, bytes changed) runs before a target is touched, and
PostgreSQL restores in one transaction, so a refused or failed restore leaves the target as it was.

Passwords come from the secret store and reach pg_dump and pg_restore through PGPASSWORD in their environment,
never on a command line (which other users of the machine can read).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from core.config import Settings, default_backup_dir
from core.db import backup as db_backup
from core.db.backup import TableFingerprint
from core.db.engine import create_engine
from core.domain.errors import BackupError, ErrorCode
from core.ops import embedded_keys
from core.security.secret_store import resolve_secret

Kind = Literal["postgresql", "sqlite"]
FORMAT = "encore-backup/1"
MAGIC: Mapping[str, bytes] = {"postgresql": b"PGDMP", "sqlite": b"SQLite format 3\x00"}
SUFFIX: Mapping[str, str] = {"postgresql": ".pgdump", "sqlite": ".sqlite3"}
MANIFEST_SUFFIX = ".manifest.json"
_E = ErrorCode


@dataclass(frozen=True, slots=True)
class Manifest:
    kind: str
    taken_at: str
    size: int
    sha256: str
    tables: dict[str, TableFingerprint]
    keys: dict[str, str] = field(default_factory=dict)
    """An embedded database's keys when it was backed up (not in the backup): name -> where they were."""

    def to_json(self) -> str:
        body = asdict(self)
        if not self.keys:
            del body["keys"]  # PostgreSQL backups (and SQLite ones with no keys yet) as they always were
        return json.dumps({"format": FORMAT, **body}, indent=1, sort_keys=True)

    @classmethod
    def read(cls, dump: Path) -> Manifest:
        path = manifest_path(dump)
        try:
            raw = json.loads(path.read_text("utf-8"))
            if raw.pop("format") != FORMAT:
                raise ValueError("unknown format")
            tables = {
                n: TableFingerprint(int(t["rows"]), str(t["checksum"])) for n, t in raw["tables"].items()
            }
            keys = {str(name): str(place) for name, place in raw.get("keys", {}).items()}
            return cls(
                str(raw["kind"]), str(raw["taken_at"]), int(raw["size"]), str(raw["sha256"]), tables, keys
            )
        except FileNotFoundError:
            raise BackupError(
                str(dump),
                f"{dump} is not an Encore backup: there is no {path.name} beside it",
                code=_E.BACKUP_NOT_A_BACKUP,
            ) from None
        except (ValueError, KeyError, TypeError, AttributeError):
            raise BackupError(
                str(dump),
                f"{dump} is not an Encore backup: {path.name} is not a backup manifest",
                code=_E.BACKUP_NOT_A_BACKUP,
            ) from None


@dataclass(frozen=True, slots=True)
class Target:
    """The database a command works on, as its owner: URL (no password) and the password from the store."""

    url: URL
    password: str | None
    tls: bool

    @property
    def kind(self) -> Kind:
        return "sqlite" if self.url.get_backend_name() == "sqlite" else "postgresql"

    @property
    def sqlite_path(self) -> Path:
        return Path(self.url.database or "")

    @classmethod
    async def of(cls, settings: Settings) -> Target:
        url, ref = settings.direct_owner_database()
        password = await asyncio.to_thread(resolve_secret, ref)
        return cls(make_url(url), password, settings.database_tls)

    def engine(self, database: str | None = None) -> Any:
        url = self.url if database is None else self.url.set(database=database)
        return create_engine(
            url.render_as_string(hide_password=False), password=self.password, tls=self.tls,
            pool_size=1, statement_timeout_s=3600.0,
        )  # fmt: skip

    def tool_env(self, database: str | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(PGHOST=self.url.host or "localhost", PGPORT=str(self.url.port or 5432))
        env["PGDATABASE"] = database or self.url.database or ""
        if self.url.username:
            env["PGUSER"] = self.url.username
        if self.password:
            env["PGPASSWORD"] = self.password
        if self.tls:
            env["PGSSLMODE"] = "require"
        return env


def manifest_path(dump: Path) -> Path:
    return dump.with_name(dump.name + MANIFEST_SUFFIX)


def backup_dir(settings: Settings) -> Path:
    return Path(settings.backup_dir) if settings.backup_dir else default_backup_dir()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


async def _tool(args: list[str], env: dict[str, str], path: str) -> None:
    proc = await asyncio.create_subprocess_exec(
        *args, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    _, err = await proc.communicate()
    if proc.returncode != 0:
        detail = err.decode(errors="replace").strip().splitlines()[-3:]
        raise BackupError(
            path, f"{args[0]} failed (exit {proc.returncode}): {' '.join(detail)}", code=_E.BACKUP_TOOL_FAILED
        )


# --- take --------------------------------------------------------------------------------------------


async def take(settings: Settings, folder: Path, now: datetime) -> Path:
    """Take a backup into ``folder``; returns the dump's path (its manifest is beside it)."""
    target = await Target.of(settings)
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    dump = folder / f"encore-{now.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}{SUFFIX[target.kind]}"
    partial = dump.with_name(dump.name + ".partial")
    try:
        keys: dict[str, str] = {}
        if target.kind == "sqlite":
            await asyncio.to_thread(db_backup.sqlite_copy, target.sqlite_path, partial)
            tables = await _sqlite_fingerprint(partial)
            keys = await asyncio.to_thread(embedded_keys.present_keys, settings)
        else:
            tables = await _pg_dump(target, partial)
        manifest = Manifest(target.kind, now.isoformat(), 0, "", tables, keys)
        await asyncio.to_thread(_seal, partial, dump, manifest)
    finally:
        await asyncio.to_thread(partial.unlink, missing_ok=True)
    return dump


def _seal(partial: Path, dump: Path, manifest: Manifest) -> None:
    """The dump under its name, then its manifest (with the dump's size and digest) beside it."""
    sealed = replace(manifest, size=partial.stat().st_size, sha256=_sha256(partial))
    partial.replace(dump)
    manifest_path(dump).write_text(sealed.to_json(), "utf-8")


async def _pg_dump(target: Target, out: Path) -> dict[str, TableFingerprint]:
    engine = target.engine()
    try:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="REPEATABLE READ")
            async with conn.begin():
                snapshot = await db_backup.export_snapshot(conn)
                args = [
                    "pg_dump",
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--no-password",
                    f"--file={out}",
                ]
                await _tool(args, target.tool_env(), str(out))
                tables: dict[str, TableFingerprint] = await conn.run_sync(db_backup.fingerprint)
                return tables
    finally:
        await engine.dispose()


async def _sqlite_fingerprint(path: Path) -> dict[str, TableFingerprint]:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.connect() as conn:
            tables: dict[str, TableFingerprint] = await conn.run_sync(db_backup.fingerprint)
            return tables
    finally:
        await engine.dispose()


# --- check -------------------------------------------------------------------------------------------


def check_file(dump: Path) -> Manifest:
    """The manifest of a dump whose bytes are what was recorded; BackupError otherwise. Reads only the file."""
    manifest = Manifest.read(dump)
    try:
        size = dump.stat().st_size
        with dump.open("rb") as f:
            head = f.read(16)
    except FileNotFoundError:
        raise BackupError(str(dump), f"{dump} does not exist", code=_E.BACKUP_NOT_A_BACKUP) from None
    if size < manifest.size:
        raise BackupError(
            str(dump), f"{dump} is truncated: {size} of {manifest.size} bytes", code=_E.BACKUP_TRUNCATED
        )
    magic = MAGIC.get(manifest.kind)
    if magic is None or not head.startswith(magic):
        raise BackupError(str(dump), f"{dump} is not a {manifest.kind} backup", code=_E.BACKUP_NOT_A_BACKUP)
    if size != manifest.size or _sha256(dump) != manifest.sha256:
        raise BackupError(
            str(dump), f"{dump} is damaged: its bytes differ from those recorded when it was taken",
            code=_E.BACKUP_DAMAGED,
        )  # fmt: skip
    return manifest


def compare(
    dump: Path, recorded: Mapping[str, TableFingerprint], found: Mapping[str, TableFingerprint]
) -> None:
    problems = []
    for name in sorted(set(recorded) | set(found)):
        was, now = recorded.get(name), found.get(name)
        if was is None or now is None:
            problems.append(f"{name} {'is missing' if now is None else 'was not recorded'}")
        elif was.rows != now.rows:
            problems.append(f"{name} has {now.rows} rows, {was.rows} recorded")
        elif was.checksum != now.checksum:
            problems.append(f"{name} has the recorded {now.rows} rows but different content")
    if problems:
        raise BackupError(
            str(dump), f"{dump} does not restore to what was backed up: {'; '.join(problems)}",
            code=_E.BACKUP_MISMATCH,
        )  # fmt: skip


async def verify(settings: Settings, dump: Path) -> Manifest:
    """Restore into a scratch database and compare every table with the manifest; the manifest if they match."""
    manifest = await asyncio.to_thread(check_file, dump)
    if manifest.kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="encore-verify-") as scratch:
            copy = Path(scratch) / "restored.sqlite3"
            await asyncio.to_thread(db_backup.sqlite_copy, dump, copy)
            integrity = await asyncio.to_thread(db_backup.sqlite_integrity, copy)
            if integrity != "ok":
                raise BackupError(str(dump), f"{dump} is damaged: {integrity}", code=_E.BACKUP_DAMAGED)
            found = await _sqlite_fingerprint(copy)
    else:
        found = await _pg_scratch_fingerprint(await Target.of(settings), dump)
    compare(dump, manifest.tables, found)
    return manifest


async def _pg_scratch_fingerprint(target: Target, dump: Path) -> dict[str, TableFingerprint]:
    if target.kind != "postgresql":
        raise BackupError(
            str(dump), f"{dump} is a PostgreSQL backup: verify it with a PostgreSQL database configured",
            code=_E.BACKUP_INVALID,
        )  # fmt: skip
    scratch = f"encore_verify_{secrets.token_hex(6)}"
    admin = target.engine()
    try:
        try:
            async with admin.connect() as conn:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                await db_backup.create_database(conn, scratch)
        except DBAPIError as error:
            raise BackupError(
                str(dump),
                f"no scratch database to verify {dump} in ({type(error.orig).__name__}): the owner role needs "
                "CREATEDB",
                code=_E.BACKUP_TOOL_FAILED,
            ) from None
        try:
            args = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--no-password"]
            await _tool([*args, f"--dbname={scratch}", str(dump)], target.tool_env(scratch), str(dump))
            engine = target.engine(scratch)
            try:
                async with engine.connect() as conn:
                    tables: dict[str, TableFingerprint] = await conn.run_sync(db_backup.fingerprint)
                    return tables
            finally:
                await engine.dispose()
        finally:
            async with admin.connect() as conn:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                await db_backup.drop_database(conn, scratch)
    finally:
        await admin.dispose()


# --- restore -----------------------------------------------------------------------------------------


async def restore(
    settings: Settings, dump: Path, *, force: bool = False, without_keys: bool = False
) -> Manifest:
    """Restore into the configured database. Refuses a target that has tables unless ``force``, and an embedded
    one whose keys folder lacks the backup's keys or holds others unless ``without_keys`` (core.ops.embedded_keys:
    the keys are not in the backup)."""
    manifest = await asyncio.to_thread(check_file, dump)
    target = await Target.of(settings)
    if manifest.kind != target.kind:
        raise BackupError(
            str(dump), f"{dump} is a {manifest.kind} backup and the database is {target.kind}",
            code=_E.BACKUP_INVALID,
        )  # fmt: skip
    held = await _tables_in(target)
    if held and not force:
        raise BackupError(
            str(dump),
            f"the database already holds {len(held)} tables: restore into an empty one, or pass --force to "
            "replace its content",
            code=_E.RESTORE_TARGET_NOT_EMPTY,
        )
    if target.kind == "sqlite" and not without_keys:
        problems = await embedded_keys.check_keys(settings, dump, manifest.keys)
        if problems:
            raise embedded_keys.refusal(dump, problems)
    if target.kind == "sqlite":
        await asyncio.to_thread(db_backup.sqlite_restore, dump, target.sqlite_path)
    else:
        args = ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
        if held:
            args += ["--clean", "--if-exists"]
        await _tool(
            [*args, "--no-password", f"--dbname={target.url.database}", str(dump)],
            target.tool_env(),
            str(dump),
        )
    return manifest


async def _tables_in(target: Target) -> list[str]:
    if target.kind == "sqlite" and not target.sqlite_path.exists():
        return []
    engine = target.engine()
    try:
        async with engine.connect() as conn:
            names: list[str] = await conn.run_sync(db_backup.table_names)
            return names
    finally:
        await engine.dispose()


# --- retention ---------------------------------------------------------------------------------------


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups in ``folder`` (by the time in their names); returns the
    deleted dumps. Only complete backups (with a manifest) count, and only they are deleted."""
    dumps = sorted(
        (
            m.with_name(m.name.removesuffix(MANIFEST_SUFFIX))
            for m in folder.glob(f"encore-*{MANIFEST_SUFFIX}")
        ),
        key=lambda p: p.name,
    )
    old = dumps[: max(len(dumps) - keep, 0)]
    for dump in old:
        dump.unlink(missing_ok=True)
        manifest_path(dump).unlink(missing_ok=True)
    return old
