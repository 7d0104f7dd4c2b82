"""How a device proves who it is to the venue server: sign a fresh challenge with its key, get a short token.

The server never trusts what a device says about itself: the device is found by its registered public key, the
signature over the server's own challenge proves it holds the private key, and every request's token is
checked again against the database (a revoked device's next request is refused): by the guard, or for a hold by
the hold's own statement (device_from_token_alone).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import device_keys as keys_db
from core.db import devices as devices_db
from core.db.driver import Hot
from core.domain.checkin import key_fingerprint
from core.domain.devices import Device, DeviceKind, DeviceStatus
from core.domain.errors import (
    Conflict,
    DeviceNotApproved,
    ErrorCode,
    InputError,
    NotAllowed,
    NotAuthenticated,
    NotFound,
)
from core.domain.ids import DeviceId
from core.domain.staff import DeviceActor
from core.security.tokens import TokenError, TokenKey, challenge_message
from core.services import devices
from core.services.context import ServiceContext

__all__ = [
    "CHALLENGE_TTL",
    "TOKEN_TTL",
    "AccessToken",
    "Challenge",
    "challenge_message",
    "decode_public_key",
    "device_from_token",
    "device_from_token_alone",
    "enrol_device",
    "issue_challenge",
    "sign_in_device",
]

CHALLENGE_TTL = timedelta(seconds=60)
TOKEN_TTL = timedelta(minutes=15)
_CHALLENGE = "device-challenge"
_ACCESS = "device-access"
_NAME = "dn"
"""The device's name in its token, for the words of a refusal (a rename shows at the next token, within
TOKEN_TTL); what the device is and may do never comes from it."""
_PUBLIC_KEY_BYTES = 32


@dataclass(frozen=True, slots=True)
class Challenge:
    challenge: str
    """Sign ``challenge_message(challenge)`` with the device key and send it back before ``expires_at``."""
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class AccessToken:
    access_token: str
    expires_at: datetime
    device: Device


def decode_public_key(text: object) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True) if isinstance(text, str) else b""
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != _PUBLIC_KEY_BYTES:
        raise InputError(
            "public_key",
            "send the device's Ed25519 public key: 32 bytes, base64.",
            code=ErrorCode.PUBLIC_KEY_INVALID,
        )
    return raw


def issue_challenge(ctx: ServiceContext, key: TokenKey, public_key: bytes) -> Challenge:
    """A challenge bound to this public key, good for CHALLENGE_TTL; stateless, so any replica checks it."""
    now = ctx.clock.now()
    token = key.issue(_CHALLENGE, {"pk": base64.b64encode(public_key).decode()}, now=now, ttl=CHALLENGE_TTL)
    return Challenge(token, now + CHALLENGE_TTL)


def _not_authenticated(reason: str) -> NotAllowed:
    return NotAuthenticated(
        f"This device could not be signed in: {reason}. It asks again by itself; if this goes on, check its "
        "clock and its registration with a manager.",
        code=ErrorCode.UNAUTHENTICATED,
    )


async def sign_in_device(
    ctx: ServiceContext, key: TokenKey, public_key: bytes, challenge: str, signature: bytes
) -> AccessToken:
    """The device answered our challenge: a token if it signed it with a key an approved device holds now."""
    now = ctx.clock.now()
    try:
        claims = key.check(_CHALLENGE, challenge, now=now)
    except TokenError as exc:
        raise _not_authenticated(exc.reason) from None
    if claims.get("pk") != base64.b64encode(public_key).decode():
        raise _not_authenticated("the challenge was issued for another key")
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, challenge_message(challenge))
    except (InvalidSignature, ValueError):
        raise _not_authenticated("the signature does not match the key") from None

    async def work(conn: AsyncConnection) -> Device | None:
        found = await keys_db.device_for_key(conn, public_key)
        if found is None or not found[1]:
            return None  # unknown, or a retired key: both simply "not registered"
        device = await devices_db.get_device(conn, found[0])
        if device is not None and device.status is DeviceStatus.APPROVED:
            await devices_db.touch(conn, device.id, now)  # the admin app's "last seen"
        return device

    device = await ctx.db.write(work)
    if device is None:
        raise NotFound(
            "This device's key is not registered. Enrol the device first, then ask a manager to approve it.",
            code=ErrorCode.DEVICE_NOT_FOUND,
        )
    _check_approved(device)
    claims = {"d": device.id, "k": device.kind.value, _NAME: device.name}
    token = key.issue(_ACCESS, claims, now=now, ttl=TOKEN_TTL)
    return AccessToken(token, now + TOKEN_TTL, device)


def _check_approved(device: Device) -> None:
    if device.status is DeviceStatus.PENDING:
        raise DeviceNotApproved(
            f"{device.name} is waiting for approval. Ask a manager to approve it in the admin app under Devices."
        )
    if device.status is DeviceStatus.REVOKED:
        raise DeviceNotApproved(
            f"{device.name} has been revoked and can no longer sell or check in. Ask a manager to register "
            "this machine again."
        )


def _access_claims(ctx: ServiceContext, key: TokenKey, token: str) -> tuple[DeviceId, dict[str, object]]:
    try:
        claims = key.check(_ACCESS, token, now=ctx.clock.now())
    except TokenError as exc:
        raise _not_authenticated(exc.reason) from None
    device_id = claims.get("d")
    if not isinstance(device_id, int) or isinstance(device_id, bool):
        raise _not_authenticated("the token is malformed")
    return DeviceId(device_id), claims


async def device_from_token_alone(ctx: ServiceContext, key: TokenKey, token: str) -> DeviceActor:
    """The acting device for a request whose one statement checks the device's status itself, in the same
    snapshot as its write (a hold: hold_statements reads devices.status beside the concert), so a device
    revoked a moment ago is refused by the write, atomically, and the request makes one round trip, not two.

    The token is this server's, genuine and unexpired, and says which device and what kind it is (set at
    sign-in from the database; a device's kind never changes). A token issued before its name was put in
    (an older server's, for at most TOKEN_TTL) is checked against the database as any other request's."""
    device_id, claims = _access_claims(ctx, key, token)
    name, kind = claims.get(_NAME), claims.get("k")
    if not isinstance(name, str) or kind not in _KINDS:
        return (await device_from_token(ctx, key, token))[0]
    return DeviceActor(device_id=device_id, name=name, kind=DeviceKind(kind))


_KINDS = frozenset(k.value for k in DeviceKind)


async def device_from_token(ctx: ServiceContext, key: TokenKey, token: str) -> tuple[DeviceActor, Device]:
    """The acting device for a request: a genuine unexpired token AND a device that is still approved now."""
    device_id, claims = _access_claims(ctx, key, token)

    async def work(conn: AsyncConnection | Hot) -> Device | None:
        return await devices_db.get_device(conn, device_id)

    # One statement on every device request: on PostgreSQL one round trip, through the driver alone.
    device = await ctx.db.hot(work, writes=False)
    if device is None:
        raise _not_authenticated("the device no longer exists")
    _check_approved(device)
    if device.kind.value != claims.get("k"):
        raise _not_authenticated("the token was issued for another kind of device")
    return DeviceActor(device_id=device.id, name=device.name, kind=device.kind), device


async def enrol_device(
    ctx: ServiceContext, public_key: bytes, *, kind: DeviceKind, name: str
) -> tuple[Device, str]:
    """The device that holds this key, registering it (pending) the first time; and the key's fingerprint.

    Cheap to call again while waiting for approval. The kind is the registered one: a device cannot change
    what it is by asking again.
    """
    if not isinstance(kind, DeviceKind):
        raise InputError("kind", "choose kiosk, door or box_office.", code=ErrorCode.DEVICE_KIND_INVALID)

    async def find(conn: AsyncConnection) -> tuple[Device | None, bool]:
        found = await keys_db.device_for_key(conn, public_key)
        if found is None:
            return None, True
        return await devices_db.listed_device(conn, found[0]), found[1]

    device, current = await ctx.db.read(find)
    if device is None:
        try:
            device = await devices.register_device(
                ctx, name=name, kind=kind, public_key=public_key, number_if_taken=True
            )
        except Conflict as exc:
            # Another enrolment with this same key (the machine asking twice at once) registered it between
            # our look-up and our insert; the unique key refused ours. Answer as to a repeat: its device.
            if exc.code != ErrorCode.DEVICE_EXISTS:
                raise
            device, current = await ctx.db.read(find)
            if device is None:  # not a rival's key: no free "name (n)" was left
                raise
    if not current:
        raise Conflict(
            f"This key was replaced on {device.name}; the key this machine sent is the old one. Restore the "
            "current key, or enrol the machine again with a new key under a new name.",
            code=ErrorCode.DEVICE_KEY_RETIRED,
        )
    if device.kind is not kind:
        raise Conflict(
            f"This key belongs to {device.name}, a {device.kind.value} device, not a {kind.value}. Give each "
            "mode its own key.",
            code=ErrorCode.DEVICE_KIND_MISMATCH,
        )
    return device, key_fingerprint(public_key)
