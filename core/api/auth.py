"""Who is calling: the acting device or staff member is derived from the bearer token on every request, never
from the body."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.datastructures import State

from core.api.state import ApiState
from core.domain.devices import Device, DeviceKind
from core.domain.errors import ErrorCode, NotAllowed, NotAuthenticated
from core.domain.staff import DeviceActor, StaffActor
from core.services import device_auth, sessions

__all__ = [
    "Caller",
    "bearer",
    "client_address",
    "device_caller",
    "door_caller",
    "kiosk_caller",
    "staff_caller",
]

DEVICE_TOKEN: list[dict[str, list[str]]] = [{"deviceToken": []}]
"""The OpenAPI security requirement of every route that acts as a device."""
STAFF_SESSION: list[dict[str, list[str]]] = [{"staffSession": []}]
"""The OpenAPI security requirement of every route that acts as a signed-in staff member."""
SELLING_KINDS = frozenset({DeviceKind.KIOSK, DeviceKind.BOX_OFFICE})


@dataclass(frozen=True, slots=True)
class Caller:
    actor: DeviceActor
    device: Device


def api_state(state: State) -> ApiState:
    found = state["api"]
    assert isinstance(found, ApiState)
    return found


def client_address(request: Request[Any, Any, Any]) -> str:
    client = request.client
    return client.host if client is not None else "unknown"


_NEEDS_DEVICE = (
    "This request needs a device token (Authorization: Bearer ...). The device signs in by itself; if this "
    "goes on, enrol it again."
)
_NEEDS_STAFF = (
    "This request needs a staff session (Authorization: Bearer ...). Sign in with e-mail and password."
)


def bearer(request: Request[Any, Any, Any], needs: str = _NEEDS_DEVICE) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated(needs, code=ErrorCode.UNAUTHENTICATED)
    return token.strip()


async def device_caller(request: Request[Any, Any, Any], state: State) -> Caller:
    api = api_state(state)
    actor, device = await device_auth.device_from_token(api.ctx, api.token_key, bearer(request))
    return Caller(actor, device)


async def staff_caller(request: Request[Any, Any, Any], state: State) -> StaffActor:
    """The signed-in staff member, with their role as it is now. A device token is no session (it never matches
    a stored session's hash), so a device cannot reach a staff route; what the staff member may do is checked
    by each service (require), not here."""
    return await sessions.resolve_session(api_state(state).ctx, bearer(request, _NEEDS_STAFF))


def _require_kind(caller: Caller, kinds: frozenset[DeviceKind], what: str) -> Caller:
    if caller.device.kind not in kinds:
        raise NotAllowed(
            f"{caller.device.name} is a {caller.device.kind.value} device and may not {what}.",
            code=ErrorCode.NOT_ALLOWED,
        )
    return caller


async def kiosk_caller(request: Request[Any, Any, Any], state: State) -> Caller:
    return _require_kind(await device_caller(request, state), SELLING_KINDS, "sell")


async def door_caller(request: Request[Any, Any, Any], state: State) -> Caller:
    return _require_kind(
        await device_caller(request, state), frozenset({DeviceKind.DOOR}), "check tickets in"
    )
