"""Kiosk and door devices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.domain.ids import DeviceId


class DeviceKind(StrEnum):
    KIOSK = "kiosk"
    DOOR = "door"
    BOX_OFFICE = "box_office"


class DeviceStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class Device:
    id: DeviceId
    name: str
    kind: DeviceKind
    status: DeviceStatus
    created_at: datetime
    fingerprint: str = ""
    """Of its current key, as the device's enrolment screen shows it ('' when it has none, or when not read)."""
    last_seen_at: datetime | None = None
    """When it last proved itself with its key (a device signs in at most every 15 minutes); None: never."""
