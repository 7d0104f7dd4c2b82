"""Public keys that vouch for tickets: the server's, and devices' (tickets sold before the venue server)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exc as sa_exc
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.errors import is_unique_violation
from core.db.signing_keys import is_server_key
from core.db.tables import device_keys, devices, signing_keys, tickets
from core.domain.devices import DeviceKind, DeviceStatus
from core.domain.errors import Conflict, ErrorCode
from core.domain.ids import DeviceId

# Only devices that sell sign tickets; a door's key (or any other) never vouches for one.
_SELLING_KINDS = (DeviceKind.KIOSK.value, DeviceKind.BOX_OFFICE.value)


@dataclass(frozen=True, slots=True)
class TrustedKey:
    key_id: int
    device_id: DeviceId | None
    """The device whose key this is; None for the venue server's own keys."""
    public_key: bytes


async def add_key(conn: AsyncConnection, device_id: DeviceId, public_key: bytes, now: datetime) -> int:
    """Register a new key and retire the device's current one (which stays trusted for what it signed).

    A key that some device has (or had) is DEVICE_EXISTS: the unique index decides, so of two enrolments with
    one key at the same moment, the second waits for the first to commit and then gets this, not a crash (and
    its whole registration rolls back)."""
    await conn.execute(
        update(device_keys)
        .where(device_keys.c.device_id == device_id, device_keys.c.retired_at.is_(None))
        .values(retired_at=now)
    )
    try:
        inserted = await conn.execute(
            device_keys.insert()
            .values(device_id=device_id, public_key=public_key, created_at=now, trusted=False)
            .returning(device_keys.c.id)
        )
    except sa_exc.IntegrityError as exc:
        if is_unique_violation(exc, "device_keys", "public_key"):
            raise Conflict(
                "This public key is already registered to a device; a device needs a key of its own.",
                code=ErrorCode.DEVICE_EXISTS,
            ) from None
        raise
    return int(inserted.scalar_one())


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
    """Every key whose tickets the door accepts (its offline snapshot): the server's trusted keys, and the
    legacy device keys that signed tickets before the venue server existed, while still trusted (a revoked
    device's keys only if the manager kept them). Devices sign nothing now, so no other device key is sent."""
    signed_some = select(tickets.c.id).where(tickets.c.key_id == device_keys.c.id).exists()
    rows = (
        await conn.execute(
            select(device_keys.c.id, device_keys.c.device_id, device_keys.c.public_key)
            .join(devices, devices.c.id == device_keys.c.device_id)
            .where(
                device_keys.c.trusted,
                devices.c.status != DeviceStatus.PENDING.value,
                devices.c.kind.in_(_SELLING_KINDS),
                signed_some,
            )
        )
    ).all()
    server = (
        await conn.execute(select(signing_keys.c.id, signing_keys.c.public_key).where(signing_keys.c.trusted))
    ).all()
    return [TrustedKey(int(r.id), None, bytes(r.public_key)) for r in server] + [
        TrustedKey(int(r.id), DeviceId(r.device_id), bytes(r.public_key)) for r in rows
    ]


async def trusted_key(conn: AsyncConnection, key_id: int) -> TrustedKey | None:
    if is_server_key(key_id):
        found = (
            await conn.execute(
                select(signing_keys.c.public_key).where(signing_keys.c.id == key_id, signing_keys.c.trusted)
            )
        ).first()
        return None if found is None else TrustedKey(key_id, None, bytes(found.public_key))
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
