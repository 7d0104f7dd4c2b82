"""Devices' public keys: which key signed a ticket, and whether the door still trusts it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import device_keys, devices
from core.domain.devices import DeviceStatus
from core.domain.ids import DeviceId


@dataclass(frozen=True, slots=True)
class TrustedKey:
    key_id: int
    device_id: DeviceId
    public_key: bytes


async def add_key(conn: AsyncConnection, device_id: DeviceId, public_key: bytes, now: datetime) -> int:
    """Register a new key and retire the device's current one (which stays trusted for what it signed)."""
    await conn.execute(
        update(device_keys)
        .where(device_keys.c.device_id == device_id, device_keys.c.retired_at.is_(None))
        .values(retired_at=now)
    )
    return int(
        (
            await conn.execute(
                device_keys.insert()
                .values(device_id=device_id, public_key=public_key, created_at=now, trusted=True)
                .returning(device_keys.c.id)
            )
        ).scalar_one()
    )


async def current_key(conn: AsyncConnection, device_id: DeviceId) -> tuple[int, bytes] | None:
    row = (
        await conn.execute(
            select(device_keys.c.id, device_keys.c.public_key).where(
                device_keys.c.device_id == device_id, device_keys.c.retired_at.is_(None)
            )
        )
    ).first()
    return None if row is None else (int(row.id), bytes(row.public_key))


async def set_trusted(conn: AsyncConnection, device_id: DeviceId, trusted: bool) -> int:
    result = await conn.execute(
        update(device_keys).where(device_keys.c.device_id == device_id).values(trusted=trusted)
    )
    return result.rowcount


async def trusted_keys(conn: AsyncConnection) -> list[TrustedKey]:
    """Every key whose tickets the door accepts: trusted, of a device that is not pending (revoked devices'
    keys stay trusted unless a manager distrusted them with the revocation)."""
    rows = (
        await conn.execute(
            select(device_keys.c.id, device_keys.c.device_id, device_keys.c.public_key)
            .join(devices, devices.c.id == device_keys.c.device_id)
            .where(device_keys.c.trusted, devices.c.status != DeviceStatus.PENDING.value)
        )
    ).all()
    return [TrustedKey(int(r.id), DeviceId(r.device_id), bytes(r.public_key)) for r in rows]


async def trusted_key(conn: AsyncConnection, key_id: int) -> TrustedKey | None:
    row = (
        await conn.execute(
            select(device_keys.c.id, device_keys.c.device_id, device_keys.c.public_key)
            .join(devices, devices.c.id == device_keys.c.device_id)
            .where(
                device_keys.c.id == key_id,
                device_keys.c.trusted,
                devices.c.status != DeviceStatus.PENDING.value,
            )
        )
    ).first()
    return None if row is None else TrustedKey(int(row.id), DeviceId(row.device_id), bytes(row.public_key))
