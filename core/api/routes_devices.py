"""Enrolment and device sign-in: the only device routes that need no token (and so are rate-limited)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from litestar import Request, post
from litestar.datastructures import State
from litestar.params import JSONBody

from core.api.auth import api_state, client_address
from core.api.problems import OPEN_PROBLEMS
from core.domain.api_bodies import ChallengeRequest, EnrolRequest, EnrolResult, TokenRequest, TokenResult
from core.domain.devices import DeviceKind, DeviceStatus
from core.domain.errors import ErrorCode, InputError
from core.services import device_auth, payments
from core.services.device_auth import Challenge


@post("/v1/devices/enrol", status_code=200, tags=["devices"], responses=OPEN_PROBLEMS)
async def enrol(data: JSONBody[EnrolRequest], request: Request[Any, Any, Any], state: State) -> EnrolResult:
    """Register this device's public key (pending until a manager approves it), or find it again."""
    api = api_state(state)
    api.limiter.hit("enrol", client_address(request))
    public_key = device_auth.decode_public_key(data.public_key)
    device, fingerprint = await device_auth.enrol_device(api.ctx, public_key, kind=data.kind, name=data.name)
    return EnrolResult(device, fingerprint, device.status is DeviceStatus.APPROVED)


@post("/v1/auth/challenge", status_code=200, tags=["devices"], responses=OPEN_PROBLEMS)
async def challenge(
    data: JSONBody[ChallengeRequest], request: Request[Any, Any, Any], state: State
) -> Challenge:
    """A fresh challenge for this key, to be signed with the device key within a minute."""
    api = api_state(state)
    api.limiter.hit("challenge", client_address(request))
    public_key = device_auth.decode_public_key(data.public_key)
    return device_auth.issue_challenge(api.ctx, api.token_key, public_key)


@post("/v1/auth/token", status_code=200, tags=["devices"], responses=OPEN_PROBLEMS)
async def token(data: JSONBody[TokenRequest], request: Request[Any, Any, Any], state: State) -> TokenResult:
    """The signed challenge in, a short-lived access token out (only for an approved device)."""
    api = api_state(state)
    api.limiter.hit("challenge", client_address(request))
    public_key = device_auth.decode_public_key(data.public_key)
    try:
        signature = base64.b64decode(data.signature, validate=True)
    except (binascii.Error, ValueError):
        raise InputError(
            "signature",
            "send the Ed25519 signature of the challenge, base64.",
            code=ErrorCode.SIGNATURE_INVALID,
        ) from None
    issued = await device_auth.sign_in_device(api.ctx, api.token_key, public_key, data.challenge, signature)
    selling = issued.device.kind in (DeviceKind.KIOSK, DeviceKind.BOX_OFFICE)
    terminal = payments.open_terminal(api.ctx).kind if selling else None
    return TokenResult(
        issued.access_token,
        issued.expires_at,
        issued.device,
        terminal,
        api.ctx.settings.demo_mode,
        api.ctx.settings.redis_namespace,
    )


ROUTES = [enrol, challenge, token]
