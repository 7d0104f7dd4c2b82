"""The scheduler's nightly backup: take one into the backup folder, verify it (restored into a scratch database,
every table compared with its manifest), seal it and copy it off-site when offsite_url is set, then keep the
newest RETAIN_DAILY. A backup that fails to verify or to go off-site raises (the job is logged and retried) and
prunes nothing, so a bad night never deletes a good backup. Off-site copies are kept by the bucket's own
lifecycle rules."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from core.ops import backup, offsite
from core.services.context import ServiceContext

log = logging.getLogger(__name__)

RETAIN_DAILY = 14
"""Nightly backups kept; older ones are deleted after a new one is verified."""


async def run(ctx: ServiceContext, folder: Path | None = None) -> bool:
    """Take tonight's backup and apply the retention. Returns whether a backup was taken."""
    folder = folder or backup.backup_dir(ctx.settings)
    dump = await backup.take(ctx.settings, folder, ctx.clock.now())
    await backup.verify(ctx.settings, dump)
    if ctx.settings.offsite_url:
        log.info(
            "nightly backup: %s sealed and copied to %s", dump.name, await offsite.upload(ctx.settings, dump)
        )
    pruned = await asyncio.to_thread(backup.prune, folder, RETAIN_DAILY)
    log.info("nightly backup: %s verified; %d older backups deleted", dump.name, len(pruned))
    return True
