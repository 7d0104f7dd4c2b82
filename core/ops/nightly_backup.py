"""The scheduler's nightly backup: take one into the backup folder, verify it (restored into a scratch database,
every table compared with its manifest), then keep the newest RETAIN_DAILY. A backup that fails to verify
raises (the job is logged and retried) and prunes nothing, so a bad night never deletes a good backup."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from core.ops import backup
from core.services.context import ServiceContext

log = logging.getLogger(__name__)

RETAIN_DAILY = 14
"""Nightly backups kept; older ones are deleted after a new one is verified."""


async def run(ctx: ServiceContext, folder: Path | None = None) -> bool:
    """Take tonight's backup and apply the retention. Returns whether a backup was taken."""
    folder = folder or backup.backup_dir(ctx.settings)
    dump = await backup.take(ctx.settings, folder, ctx.clock.now())
    await backup.verify(ctx.settings, dump)
    pruned = await asyncio.to_thread(backup.prune, folder, RETAIN_DAILY)
    log.info("nightly backup: %s verified; %d older backups deleted", dump.name, len(pruned))
    return True
