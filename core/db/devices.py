"""Kiosk and door devices: SQL in, domain types out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import exc as sa_exc
from sqlalchemy import select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.errors import is_unique_violation
from core.db.tables import devices
from core.domain.devices import Device, DeviceKind, DeviceStatus
from core.domain.errors import Conflict, ErrorCode
from core.domain.ids import DeviceId


def _device(row: RowMapping) -> Device:
    return Device(
        id=DeviceId(row["id"]),
        name=row["name"],
        kind=DeviceKind(row["kind"]),
        status=DeviceStatus(row["status"]),
        created_at=row["created_at"],
    )


_COLUMNS = (devices.c.id, devices.c.name, devices.c.kind, devices.c.status, devices.c.created_at)


async def insert_device(
    conn: AsyncConnection, *, name: str, kind: DeviceKind, public_key: bytes | None, now: datetime
) -> Device:
    try:
        row = (
            (
                await conn.execute(
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
            )
            .mappings()
            .one()
        )
    except sa_exc.IntegrityError as exc:
        if is_unique_violation(exc, "devices", "name"):
            raise Conflict(
                f"A device called {name!r} is already registered; give this one another name.",
                code=ErrorCode.DEVICE_EXISTS,
            ) from None
        raise
    return _device(row)


async def get_device(conn: AsyncConnection, device_id: DeviceId) -> Device | None:
    row = (await conn.execute(select(*_COLUMNS).where(devices.c.id == device_id))).mappings().first()
    return None if row is None else _device(row)


async def list_devices(conn: AsyncConnection) -> tuple[Device, ...]:
    rows = (await conn.execute(select(*_COLUMNS).order_by(devices.c.name))).mappings()
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
