"""Devices' public keys: which key signed a ticket, and whether the door still trusts it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import device_keys, devices
from core.domain.devices import DeviceKind, DeviceStatus
from core.domain.ids import DeviceId

# Only devices that sell sign tickets; a door's key (or any other) never vouches for one.
_SELLING_KINDS = (DeviceKind.KIOSK.value, DeviceKind.BOX_OFFICE.value)


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
                .values(device_id=device_id, public_key=public_key, created_at=now, trusted=False)
                .returning(device_keys.c.id)
            )
        ).scalar_one()
    )


async def current_key(conn: AsyncConnection, device_id: DeviceId) -> tuple[int, bytes, bool] | None:
    """(key id, public key, trusted) of the device's current key."""
    row = (
        await conn.execute(
            select(device_keys.c.id, device_keys.c.public_key, device_keys.c.trusted).where(
                device_keys.c.device_id == device_id, device_keys.c.retired_at.is_(None)
            )
        )
    ).first()
    return None if row is None else (int(row.id), bytes(row.public_key), bool(row.trusted))


async def trust_new_keys(conn: AsyncConnection, device_id: DeviceId) -> int:
    """A manager's approval: the device's keys not yet trusted become trusted (only selling devices' keys)."""
    result = await conn.execute(
        update(device_keys)
        .where(
            device_keys.c.device_id == device_id,
            device_keys.c.trusted.is_(False),
            device_keys.c.retired_at.is_(None),
            device_keys.c.device_id.in_(select(devices.c.id).where(devices.c.kind.in_(_SELLING_KINDS))),
        )
        .values(trusted=True)
    )
    return result.rowcount


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
            .where(
                device_keys.c.trusted,
                devices.c.status != DeviceStatus.PENDING.value,
                devices.c.kind.in_(_SELLING_KINDS),
            )
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
                devices.c.kind.in_(_SELLING_KINDS),
            )
        )
    ).first()
    return None if row is None else TrustedKey(int(row.id), DeviceId(row.device_id), bytes(row.public_key))


async def device_for_key(conn: AsyncConnection, public_key: bytes) -> tuple[DeviceId, bool] | None:
    """The device that has (or had) this public key, and whether it is still the device's current key."""
    row = (
        await conn.execute(
            select(device_keys.c.device_id, device_keys.c.retired_at).where(
                device_keys.c.public_key == public_key
            )
        )
    ).first()
    return None if row is None else (DeviceId(row.device_id), row.retired_at is None)
