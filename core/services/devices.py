"""Kiosk and door devices: register (pending), approve, revoke, and act as an approved device."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from core.config import DEVICE_NAME_LIMIT
from core.db import audit
from core.db import device_keys as keys_db
from core.db import devices as db
from core.db.actors import ensure_active
from core.domain.devices import Device, DeviceKind, DeviceStatus
from core.domain.errors import Conflict, DeviceNotApproved, ErrorCode, InputError, NotAllowed, NotFound
from core.domain.ids import DeviceId
from core.domain.staff import Actor, DeviceActor, Permission, SystemActor
from core.domain.validation import clean_text
from core.security.device_keys import DeviceKey, default_ref
from core.security.permissions import require
from core.services.context import ServiceContext

__all__ = [
    "Enrolment",
    "approve_device",
    "device_actor",
    "enrol_this_device",
    "list_devices",
    "register_device",
    "rename_device",
    "revoke_device",
    "rotate_device_key",
]

_ENROLMENT = SystemActor("enrolment")
ED25519_PUBLIC_KEY_BYTES = 32


async def register_device(
    ctx: ServiceContext,
    *,
    name: str,
    kind: DeviceKind,
    public_key: bytes | None = None,
    number_if_taken: bool = False,
) -> Device:
    """A device announces itself; it stays PENDING (cannot sell or check in) until a manager approves it.

    A name another device has is DEVICE_EXISTS, unless ``number_if_taken`` (a machine enrolling itself): then
    it is registered as "name (2)", "name (3)"... so that the manager sees it in Devices and renames it. The
    unique name is decided by the database inside this transaction, so two enrolments at once get two names.
    """
    cleaned = clean_text(
        "name",
        name,
        limit=DEVICE_NAME_LIMIT,
        code=ErrorCode.DEVICE_NAME_INVALID,
        hint=f"give the device a name of 1 to {DEVICE_NAME_LIMIT} characters, such as 'Kiosk foyer 1'.",
    )
    if not isinstance(kind, DeviceKind):
        raise InputError("kind", "choose kiosk, door or box_office.", code=ErrorCode.DEVICE_KIND_INVALID)
    if public_key is not None:
        _check_public_key(public_key)

    async def work(conn: AsyncConnection) -> Device:
        now = ctx.clock.now()
        device = await _insert(conn, cleaned, kind, public_key, now, number_if_taken=number_if_taken)
        if public_key is not None:
            await keys_db.add_key(conn, device.id, public_key, now)
        await audit.record(
            conn,
            at=now,
            actor=_ENROLMENT,
            action="device_registered",
            subject=f"device:{device.id}",
            name=device.name,
            kind=kind.value,
        )
        return await db.listed_device(conn, device.id) or device

    return await ctx.db.write(work)


MAX_NAME_NUMBER = 999
"""How far "name (n)" counts before enrolment gives up with DEVICE_EXISTS (a venue has far fewer devices)."""


def numbered_name(name: str, number: int) -> str:
    """ "name (n)", the name shortened so that the whole fits the device name limit."""
    suffix = f" ({number})"
    return name[: DEVICE_NAME_LIMIT - len(suffix)].rstrip() + suffix


async def _insert(
    conn: AsyncConnection,
    name: str,
    kind: DeviceKind,
    public_key: bytes | None,
    now: datetime,
    *,
    number_if_taken: bool,
) -> Device:
    number = 1
    while True:
        candidate = name if number == 1 else numbered_name(name, number)
        try:
            return await db.insert_device(conn, name=candidate, kind=kind, public_key=public_key, now=now)
        except Conflict as exc:
            # The unique name index decides (not a look-up first): a rival enrolment that took this name a
            # moment ago makes this insert fail, and the next number is tried in the same transaction.
            if not number_if_taken or exc.code != ErrorCode.DEVICE_EXISTS or number >= MAX_NAME_NUMBER:
                raise
            number += 1


async def approve_device(ctx: ServiceContext, actor: Actor, device_id: DeviceId) -> Device:
    """PENDING -> APPROVED. Approving an approved device changes nothing; a revoked one stays revoked."""
    return await _decide(ctx, actor, device_id, DeviceStatus.APPROVED, "device_approved")


async def revoke_device(
    ctx: ServiceContext, actor: Actor, device_id: DeviceId, *, keep_tickets_valid: bool = False
) -> Device:
    """PENDING or APPROVED -> REVOKED, for good (a lost device registers again under a new name).

    Devices sign nothing now, but a kiosk that sold before the venue server existed signed its tickets with
    its own key. By default a revoked device's keys are no longer trusted (a lost or stolen kiosk's key could
    sign anything), and the door answers NOT VALID for tickets it signed; ``keep_tickets_valid=True`` (a
    kiosk retired in good order) keeps them valid.
    """
    return await _decide(
        ctx, actor, device_id, DeviceStatus.REVOKED, "device_revoked", distrust_keys=not keep_tickets_valid
    )


async def rename_device(ctx: ServiceContext, actor: Actor, device_id: DeviceId, name: str) -> Device:
    """A new name for a device, any status (its tokens name it by id, so it keeps working)."""
    require(actor, Permission.MANAGE_DEVICES)
    cleaned = clean_text(
        "name",
        name,
        limit=DEVICE_NAME_LIMIT,
        code=ErrorCode.DEVICE_NAME_INVALID,
        hint=f"give the device a name of 1 to {DEVICE_NAME_LIMIT} characters, such as 'Kiosk foyer 1'.",
    )

    async def work(conn: AsyncConnection) -> Device:
        await ensure_active(conn, actor)
        before = await db.get_device(conn, device_id)
        if before is None:
            raise NotFound(f"There is no device {device_id}.", code=ErrorCode.DEVICE_NOT_FOUND)
        if before.name == cleaned:
            return await db.listed_device(conn, device_id) or before
        await db.rename(conn, device_id, cleaned)
        await audit.record(
            conn,
            at=ctx.clock.now(),
            actor=actor,
            action="device_renamed",
            subject=f"device:{device_id}",
            name=cleaned,
            was=before.name,
        )
        return await db.listed_device(conn, device_id) or replace(before, name=cleaned)

    return await ctx.db.write(work)


async def rotate_device_key(ctx: ServiceContext, actor: Actor, public_key: bytes) -> int:
    """A device replaces its own key (the one that proves who it is); an old key that signed tickets before
    the venue server existed stays trusted for them. A manager approves the new key (approve_device again).
    Returns the new key's id."""
    if not isinstance(actor, DeviceActor):
        raise NotAllowed("Only a device can rotate its own key.", code=ErrorCode.NOT_ALLOWED)
    _check_public_key(public_key)

    async def work(conn: AsyncConnection) -> int:
        await ensure_active(conn, actor)
        now = ctx.clock.now()
        key_id = await keys_db.add_key(conn, actor.device_id, public_key, now)
        await audit.record(
            conn,
            at=now,
            actor=actor,
            action="device_key_rotated",
            subject=f"device:{actor.device_id}",
            key_id=key_id,
        )
        return key_id

    return await ctx.db.write(work)


def _check_public_key(public_key: object) -> None:
    if not isinstance(public_key, bytes) or len(public_key) != ED25519_PUBLIC_KEY_BYTES:
        raise InputError(
            "public_key", "an Ed25519 public key is 32 bytes.", code=ErrorCode.PUBLIC_KEY_INVALID
        )


async def _decide(
    ctx: ServiceContext,
    actor: Actor,
    device_id: DeviceId,
    new: DeviceStatus,
    action: str,
    *,
    distrust_keys: bool = False,
) -> Device:
    require(actor, Permission.MANAGE_DEVICES)
    allowed = {
        DeviceStatus.APPROVED: (DeviceStatus.PENDING,),
        DeviceStatus.REVOKED: (DeviceStatus.PENDING, DeviceStatus.APPROVED),
    }[new]

    async def work(conn: AsyncConnection) -> Device:
        await ensure_active(conn, actor)
        before = await db.get_device(conn, device_id)
        changed = await db.set_status(conn, device_id, new, allowed_from=allowed)
        if changed is None:
            current = before
            if current is None:
                raise NotFound(f"There is no device {device_id}.", code=ErrorCode.DEVICE_NOT_FOUND)
            if current.status is new:
                if new is DeviceStatus.APPROVED and await keys_db.trust_new_keys(conn, device_id):
                    # An approved device's rotated key: the manager's approval makes it trusted.
                    await audit.record(
                        conn,
                        at=ctx.clock.now(),
                        actor=actor,
                        action="device_key_approved",
                        subject=f"device:{device_id}",
                        name=current.name,
                    )
                # otherwise idempotent: nothing changed, nothing to audit
                return await db.listed_device(conn, device_id) or current
            raise Conflict(
                f"{current.name} was revoked and cannot be approved again; register the device "
                "again under a new name.",
                code=ErrorCode.DEVICE_REVOKED,
            )
        trusted = await keys_db.trust_new_keys(conn, device_id) if new is DeviceStatus.APPROVED else 0
        # A device that was never approved had no trusted keys; rejecting it must never make them trusted.
        never_approved = before is not None and before.status is DeviceStatus.PENDING
        distrust = distrust_keys or (new is DeviceStatus.REVOKED and never_approved)
        distrusted = await keys_db.set_trusted(conn, device_id, False) if distrust else 0
        await audit.record(
            conn,
            at=ctx.clock.now(),
            actor=actor,
            action=action,
            subject=f"device:{device_id}",
            name=changed.name,
            keys_trusted=trusted,
            keys_distrusted=distrusted,
        )
        return await db.listed_device(conn, device_id) or changed

    return await ctx.db.write(work)


async def device_actor(ctx: ServiceContext, device_id: DeviceId) -> DeviceActor:
    """The actor for an approved device; DeviceNotApproved says what to do when it is pending or revoked."""

    async def work(conn: AsyncConnection) -> Device | None:
        return await db.get_device(conn, device_id)

    device = await ctx.db.read(work)
    if device is None:
        raise NotFound(
            f"This machine's device {device_id} is not registered. Register it from the admin app.",
            code=ErrorCode.DEVICE_NOT_FOUND,
        )
    if device.status is DeviceStatus.PENDING:
        raise DeviceNotApproved(
            f"{device.name} is waiting for approval. Ask a manager to approve it in the admin "
            "app under Devices."
        )
    if device.status is DeviceStatus.REVOKED:
        raise DeviceNotApproved(
            f"{device.name} has been revoked and cannot sell or check in. Ask a manager to "
            "register this machine again."
        )
    return DeviceActor(device_id=device.id, name=device.name, kind=device.kind)


async def list_devices(ctx: ServiceContext, actor: Actor) -> tuple[Device, ...]:
    require(actor, Permission.MANAGE_DEVICES)

    async def work(conn: AsyncConnection) -> tuple[Device, ...]:
        await ensure_active(conn, actor)
        return await db.list_devices(conn)

    return await ctx.db.read(work)


@dataclass(frozen=True, slots=True)
class Enrolment:
    """Where this machine stands: its device record, the key fingerprint the approving manager compares, and
    the actor to sell or check in with (None until a manager approves it, and again once it is revoked)."""

    device: Device
    fingerprint: str
    actor: DeviceActor | None


async def enrol_this_device(ctx: ServiceContext, *, kind: DeviceKind, name: str) -> Enrolment:
    """Find this machine's device by its key, registering it (pending) the first time; cheap to call again
    while waiting for approval. The key proves who the device is; it signs nothing (the server signs tickets)."""
    if not isinstance(kind, DeviceKind):
        raise InputError("kind", "choose kiosk, door or box_office.", code=ErrorCode.DEVICE_KIND_INVALID)
    ref = ctx.settings.device_key_ref or default_ref(kind.value)
    # A keyring or file read may block (a keyring unlock prompt, a slow disk): off the event loop.
    key = await asyncio.to_thread(DeviceKey.load_or_create, ref)

    async def find(conn: AsyncConnection) -> tuple[Device | None, bool]:
        """(this key's device, the key is its current one); (None, True) for a key no device has."""
        found = await keys_db.device_for_key(conn, key.public_key_bytes)
        if found is None:
            return None, True
        return await db.listed_device(conn, found[0]), found[1]

    device, current = await ctx.db.read(find)
    configured = ctx.settings.device_id
    if device is not None and not current:
        raise Conflict(
            f"This machine's key was replaced on device {device.id}; the key here is the old one. Restore the "
            "current key or register the machine again under a new name.",
            code=ErrorCode.DEVICE_KEY_RETIRED,
        )
    if configured and (device is None or device.id != configured):
        raise Conflict(
            f"This machine is configured as device {configured}, but that device does not have this "
            f"machine's key ({key.fingerprint}). Fix device_id in the settings, or clear it to register "
            "this machine again.",
            code=ErrorCode.DEVICE_KEY_MISMATCH,
        )
    if device is None:
        try:
            device = await register_device(ctx, name=name, kind=kind, public_key=key.public_key_bytes)
        except Conflict as exc:
            # This machine asked twice at once (its first start): the other enrolment registered the key
            # between our look-up and our insert, and the unique key refused ours. Its device is ours.
            if exc.code != ErrorCode.DEVICE_EXISTS:
                raise
            device, _current = await ctx.db.read(find)
            if device is None:  # not the key: the name is another device's
                raise
    if device.kind is not kind:
        raise Conflict(
            f"This machine's key belongs to {device.name}, a {device.kind.value} device, not a {kind.value}. "
            f"Give this mode its own key (device_key_ref).",
            code=ErrorCode.DEVICE_KIND_MISMATCH,
        )
    if device.status is not DeviceStatus.APPROVED:
        return Enrolment(device, key.fingerprint, None)
    return Enrolment(
        device, key.fingerprint, DeviceActor(device_id=device.id, name=device.name, kind=device.kind)
    )
