"""Report this device's health (online, printer, last sale) to MQTT every minute and as soon as it changes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from core.domain.health import DeviceHealth
from kiosk.viewmodels.tasks import TaskOwner

if TYPE_CHECKING:  # the client's protocol names every domain type: not loaded before Welcome
    from core.client import DeviceClient, HealthSink

log = logging.getLogger(__name__)

CHECK_SECONDS = 1.0
"""How often the snapshot is compared with what was last sent: a change reaches the dashboard this fast."""


class HealthLoop:
    def __init__(
        self,
        reporter: HealthSink,
        snapshot: Callable[[], DeviceHealth],
        *,
        interval_s: float,
        check_s: float = CHECK_SECONDS,
    ) -> None:
        self._reporter = reporter
        self._snapshot = snapshot
        self._interval = interval_s
        self._check = check_s
        self._tasks = TaskOwner("health")
        self._sent: DeviceHealth | None = None
        self._since_sent = 0.0
        self.reports = 0
        """Reports the broker accepted (for the staff screen and tests)."""

    def start(self) -> None:
        self._tasks.start(self._run(), name="health")

    async def _run(self) -> None:
        while True:
            health = self._snapshot()
            changed = self._sent is None or _comparable(health) != _comparable(self._sent)
            due = changed or self._since_sent >= self._interval
            # A failed report is retried on the next check; the reporter never raises.
            if due and await self._reporter.report(health):
                self._sent, self._since_sent = health, 0.0
                self.reports += 1
            await asyncio.sleep(self._check)
            self._since_sent += self._check

    async def aclose(self) -> None:
        await self._tasks.aclose()
        await self._reporter.aclose()


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _comparable(health: DeviceHealth) -> DeviceHealth:
    """Everything but the time stamp, which differs on every snapshot."""
    return replace(health, at=_EPOCH)


async def start_health(
    client: DeviceClient, snapshot: Callable[[], DeviceHealth], *, interval_s: float
) -> HealthLoop | None:
    """A running health loop for this (enrolled) device, or None when the venue has no MQTT broker."""
    reporter = await client.open_health_sink()
    if reporter is None:
        return None
    loop = HealthLoop(reporter, snapshot, interval_s=interval_s)
    loop.start()
    return loop
