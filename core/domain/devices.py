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
