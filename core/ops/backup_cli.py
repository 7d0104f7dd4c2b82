"""`encore-ops backup`, `restore FILE` and `verify-backup FILE` (the work is in core.ops.backup)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.config import Settings
from core.ops import backup


def add_parser(sub: Any) -> None:
    take = sub.add_parser(
        "backup", help="take a logical backup (pg_dump, or SQLite's online backup) with a manifest"
    )
    take.add_argument("--to", type=Path, metavar="DIR", help="folder (default: backup_dir from the settings)")
    take.set_defaults(bind=_bind_backup)
    restore = sub.add_parser("restore", help="restore a backup into the configured (empty) database")
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.add_argument(
        "--force", action="store_true", help="replace the content of a database that has tables"
    )
    restore.set_defaults(bind=_bind_restore)
    verify = sub.add_parser(
        "verify-backup", help="restore into a scratch database and compare with the manifest"
    )
    verify.add_argument("file", type=Path, metavar="FILE")
    verify.set_defaults(bind=_bind_verify)


def _summary(manifest: backup.Manifest) -> str:
    rows = sum(t.rows for t in manifest.tables.values())
    return f"{len(manifest.tables)} tables, {rows} rows, taken {manifest.taken_at}"


def _bind_backup(args: argparse.Namespace) -> Any:
    async def command(settings: Settings) -> int:
        dump = await backup.take(settings, args.to or backup.backup_dir(settings), datetime.now(UTC))
        print(f"Backup written to {dump} ({_summary(backup.Manifest.read(dump))}).")
        return 0

    return command


def _bind_restore(args: argparse.Namespace) -> Any:
    async def command(settings: Settings) -> int:
        manifest = await backup.restore(settings, args.file, force=args.force)
        print(f"Restored {args.file} ({_summary(manifest)}).")
        if manifest.kind == "postgresql":
            print(
                "Run `encore-ops db upgrade` now: it grants the server and reporting roles their rights again."
            )
        return 0

    return command


def _bind_verify(args: argparse.Namespace) -> Any:
    async def command(settings: Settings) -> int:
        manifest = await backup.verify(settings, args.file)
        print(f"{args.file} restores to what was backed up: {_summary(manifest)}.")
        return 0

    return command
