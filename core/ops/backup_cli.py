"""`encore-ops backup [--offsite]`, `restore FILE [--from-offsite]` and `verify-backup FILE [--from-offsite]` (the
work is in core.ops.backup and core.ops.offsite)."""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.config import Settings
from core.ops import backup, offsite


@asynccontextmanager
async def _local(settings: Settings, args: argparse.Namespace) -> AsyncIterator[Path]:
    """The backup FILE names: the file itself, or fetched from off-site into a scratch folder for the while."""
    if not args.from_offsite:
        yield Path(args.file)
        return
    with tempfile.TemporaryDirectory(prefix="encore-fetched-") as scratch:
        dump = await offsite.fetch(settings, args.file, Path(scratch))
        print(f"Fetched {dump.name} from off-site; it opened under the key and matches its manifest.")
        yield dump


def _summary(manifest: backup.Manifest) -> str:
    rows = sum(t.rows for t in manifest.tables.values())
    return f"{len(manifest.tables)} tables, {rows} rows, taken {manifest.taken_at}"


def bind_backup(args: argparse.Namespace) -> Any:
    async def command(settings: Settings) -> int:
        dump = await backup.take(settings, args.to or backup.backup_dir(settings), datetime.now(UTC))
        manifest = backup.Manifest.read(dump)
        print(f"Backup written to {dump} ({_summary(manifest)}).")
        if manifest.keys:
            print(_keep_keys(manifest.keys))
        if args.offsite:
            print(f"Sealed and copied off-site to {await offsite.upload(settings, dump)}.")
        return 0

    return command


def _keep_keys(keys: dict[str, str]) -> str:
    files = "\n".join(f"  {place}" for place in keys.values())
    return (
        "The backup holds none of this database's keys (secrets are kept out of backup files). Keep a copy of "
        f"these with it, somewhere only you can read; a restore on another computer needs them:\n{files}"
    )


def bind_restore(args: argparse.Namespace) -> Any:
    async def command(settings: Settings) -> int:
        settings.direct_owner_database()  # refused before anything is fetched from off-site
        async with _local(settings, args) as dump:
            manifest = await backup.restore(settings, dump, force=args.force, without_keys=args.without_keys)
        print(f"Restored {args.file} ({_summary(manifest)}).")
        if manifest.kind == "sqlite" and args.without_keys:
            print(
                "Restored without its keys: staff PINs are refused until you run `encore-ops forget-pins --yes` "
                "and a manager sets each kiosk PIN again (Encore Admin, Staff); new tickets are signed with a new "
                "key (the old ones stay valid); turnstiles need `encore-ops gate-key` again."
            )
        elif manifest.kind == "sqlite":
            print("The keys beside the restored database are the ones it was backed up with.")
        if manifest.kind == "postgresql":
            print(
                "Run `encore-ops db upgrade` now: it grants the server and reporting roles their rights again."
            )
        return 0

    return command


def bind_verify(args: argparse.Namespace) -> Any:
    async def command(settings: Settings) -> int:
        settings.direct_owner_database()  # refused before anything is fetched from off-site
        async with _local(settings, args) as dump:
            manifest = await backup.verify(settings, dump)
        print(f"{args.file} restores to what was backed up: {_summary(manifest)}.")
        return 0

    return command
