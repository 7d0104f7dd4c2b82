"""The scheduler's nightly backup: the single place that calls `encore-ops backup` and prunes old backups.

`encore-ops backup` does not exist yet (issue 13, "Backup, restore, point in time"). Whoever builds it fills in
``run`` here: take the backup into the backup directory, then keep the last RETAIN_DAILY of them. Until then the
job only says that no backup was taken, once a night, so nobody mistakes the scheduler for a backup system.
"""

from __future__ import annotations

import logging

from core.services.context import ServiceContext

log = logging.getLogger(__name__)

RETAIN_DAILY = 14
"""Nightly backups kept; older ones are deleted after a new one is verified."""


async def run(ctx: ServiceContext) -> bool:
    """Take tonight's backup and apply the retention. Returns whether a backup was taken."""
    log.warning(
        "nightly backup: not taken, `encore-ops backup` is not built yet (core/ops/nightly_backup.py)"
    )
    return False
