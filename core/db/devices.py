"""Kiosk and door devices: SQL in, domain types out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.driver import Hot
from core.db.errors import is_unique_violation
from core.db.tables import device_keys, devices
from core.domain.checkin import key_fingerprint
from core.domain.devices import Device, DeviceKind, DeviceStatus
from core.domain.errors import Conflict, ErrorCode
from core.domain.ids import DeviceId


def _device(row: Any) -> Device:
    """From a row mapping or a driver record (both read by column name)."""
    key = row.get("current_key")
    return Device(
        id=DeviceId(row["id"]),
        name=row["name"],
        kind=DeviceKind(row["kind"]),
        status=DeviceStatus(row["status"]),
        created_at=row["created_at"],
        fingerprint=key_fingerprint(key) if key else "",
        last_seen_at=row["last_seen_at"],
    )


_COLUMNS = (
    devices.c.id,
    devices.c.name,
    devices.c.kind,
    devices.c.status,
    devices.c.created_at,
    devices.c.last_seen_at,
)
_CURRENT_KEY = (
    select(device_keys.c.public_key)
    .where(device_keys.c.device_id == devices.c.id, device_keys.c.retired_at.is_(None))
    .order_by(device_keys.c.id.desc())
    .limit(1)
    .scalar_subquery()
    .label("current_key")
)
"""The key a device proves itself with now (rotation retires the old one); the fingerprint a manager compares."""


async def insert_device(
    conn: AsyncConnection, *, name: str, kind: DeviceKind, public_key: bytes | None, now: datetime
) -> Device:
    try:  # in a savepoint: enrolment tries the next free name after a clash, in the same transaction
        async with conn.begin_nested():
            result = await conn.execute(
                devices.insert()
                .values(
                    name=name,
                    kind=kind.value,
                    status=DeviceStatus.PENDING.value,
                    public_key=public_key,
                    created_at=now,
                )
                .returning(*_COLUMNS)
            )
            row = result.mappings().one()
    except sa_exc.IntegrityError as exc:
        if is_unique_violation(exc, "devices", "name"):
            raise Conflict(
                f"A device called {name!r} is already registered; give this one another name.",
                code=ErrorCode.DEVICE_EXISTS,
            ) from None
        raise
    return _device(row)


_GET_DEVICE = select(*_COLUMNS).where(devices.c.id == bindparam("device_id"))


async def get_device(conn: AsyncConnection | Hot, device_id: DeviceId) -> Device | None:
    # On every device request (core.services.device_auth): no key lookup here, list_devices has the fingerprint.
    # A ``Hot`` connection sends it precompiled through the driver alone (core/db/driver.py).
    params = {"device_id": device_id}
    if isinstance(conn, Hot):
        rows = await conn.query(_GET_DEVICE, params)
        row = rows[0] if rows else None
    else:
        row = (await conn.execute(_GET_DEVICE, params)).mappings().first()
    return None if row is None else _device(row)


async def listed_device(conn: AsyncConnection, device_id: DeviceId) -> Device | None:
    """As list_devices shows it: with its key's fingerprint (what the admin app gets back from a change)."""
    query = select(*_COLUMNS, _CURRENT_KEY).where(devices.c.id == device_id)
    row = (await conn.execute(query)).mappings().first()
    return None if row is None else _device(row)


async def list_devices(conn: AsyncConnection) -> tuple[Device, ...]:
    rows = (await conn.execute(select(*_COLUMNS, _CURRENT_KEY).order_by(devices.c.name))).mappings()
    return tuple(_device(r) for r in rows)


async def set_status(
    conn: AsyncConnection, device_id: DeviceId, new: DeviceStatus, *, allowed_from: Iterable[DeviceStatus]
) -> Device | None:
    """Change the status only from one of ``allowed_from``; None when the device was not in such a state."""
    row = (
        (
            await conn.execute(
                update(devices)
                .where(devices.c.id == device_id, devices.c.status.in_([s.value for s in allowed_from]))
                .values(status=new.value)
                .returning(*_COLUMNS)
            )
        )
        .mappings()
        .first()
    )
    return None if row is None else _device(row)


async def touch(conn: AsyncConnection, device_id: DeviceId, now: datetime) -> None:
    await conn.execute(update(devices).where(devices.c.id == device_id).values(last_seen_at=now))


async def rename(conn: AsyncConnection, device_id: DeviceId, name: str) -> bool:
    """False when there is no such device; a name another device has is DEVICE_EXISTS."""
    try:
        async with conn.begin_nested():
            result = await conn.execute(update(devices).where(devices.c.id == device_id).values(name=name))
    except sa_exc.IntegrityError as exc:
        if is_unique_violation(exc, "devices", "name"):
            raise Conflict(
                f"A device called {name!r} is already registered; choose another name.",
                code=ErrorCode.DEVICE_EXISTS,
            ) from None
        raise
    return bool(result.rowcount)
