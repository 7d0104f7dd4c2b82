"""A kiosk's or door's health, as it reports it to the venue's dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.domain.ids import DeviceId


@dataclass(frozen=True, slots=True)
class DeviceHealth:
    device_id: DeviceId
    mode: str
    """What the device is doing: sales, door, waiting_for_approval, out_of_service, ..."""
    online: bool
    """The database answers."""
    live_updates: bool
    """Live updates arrive (False: polling)."""
    printer: str
    """ok, out_of_paper, offline, ... or 'none' for a door."""
    last_sale_at: datetime | None
    at: datetime
