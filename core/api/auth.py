"""Who is calling: the acting device or staff member is derived from the bearer token on every request, never
from the body."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import Provide
from litestar.handlers import BaseRouteHandler
from litestar.types import Guard

from core.api.state import ApiState
from core.domain.devices import Device, DeviceKind
from core.domain.errors import ErrorCode, NotAllowed, NotAuthenticated
from core.domain.staff import DeviceActor, StaffActor
from core.services import device_auth, sessions

__all__ = [
    "AUTHENTICATE",
    "CALLER",
    "DEVICE",
    "DOOR",
    "KIOSK",
    "KIOSK_HOLD",
    "STAFF",
    "WHO",
    "Caller",
    "bearer",
    "client_address",
]

DEVICE_TOKEN: list[dict[str, list[str]]] = [{"deviceToken": []}]
"""The OpenAPI security requirement of every route that acts as a device."""
STAFF_SESSION: list[dict[str, list[str]]] = [{"staffSession": []}]
"""The OpenAPI security requirement of every route that acts as a signed-in staff member."""
SELLING_KINDS = frozenset({DeviceKind.KIOSK, DeviceKind.BOX_OFFICE})


@dataclass(frozen=True, slots=True)
class Caller:
    actor: DeviceActor
    device: Device | None
    """The device as the database has it now; None for a route whose statement checks it (KIOSK_HOLD)."""


def api_state(state: State) -> ApiState:
    found = state["api"]
    assert isinstance(found, ApiState)
    return found


def client_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    client = connection.client
    return client.host if client is not None else "unknown"


_NEEDS_DEVICE = (
    "This request needs a device token (Authorization: Bearer ...). The device signs in by itself; if this "
    "goes on, enrol it again."
)
_NEEDS_STAFF = (
    "This request needs a staff session (Authorization: Bearer ...). Sign in with e-mail and password."
)


def bearer(connection: ASGIConnection[Any, Any, Any, Any], needs: str = _NEEDS_DEVICE) -> str:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated(needs, code=ErrorCode.UNAUTHENTICATED)
    return token.strip()


# Authentication runs as route guards: Litestar runs guards before it reads, parses or validates the body,
# query or path, so an anonymous caller learns nothing from a bad body (401, never 400, 413 or 422). Each
# guard leaves who is calling in the request's state, where the route's dependency picks it up.
_CALLER = "encore_caller"
_STAFF = "encore_staff"


async def _device(connection: ASGIConnection[Any, Any, Any, Any]) -> Caller:
    api = api_state(connection.app.state)
    actor, device = await device_auth.device_from_token(api.ctx, api.token_key, bearer(connection))
    return Caller(actor, device)


def _require_kind(caller: Caller, kinds: frozenset[DeviceKind], what: str) -> Caller:
    kind = caller.actor.kind
    if kind not in kinds:
        described = f"a {kind.value} device" if kind is not None else "not a known kind of device"
        raise NotAllowed(
            f"{caller.actor.name} is {described} and may not {what}.", code=ErrorCode.NOT_ALLOWED
        )
    return caller


async def authenticate_device(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Any approved device."""
    connection.state[_CALLER] = await _device(connection)


async def authenticate_kiosk(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """A device that sells: a kiosk or a box office."""
    connection.state[_CALLER] = _require_kind(await _device(connection), SELLING_KINDS, "sell")


async def authenticate_kiosk_hold(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """A selling device making a hold: the token alone says who (device_auth.device_from_token_alone), and the
    hold's one statement refuses a device that is not approved now, in the same snapshot as its write."""
    api = api_state(connection.app.state)
    actor = await device_auth.device_from_token_alone(api.ctx, api.token_key, bearer(connection))
    connection.state[_CALLER] = _require_kind(Caller(actor, None), SELLING_KINDS, "sell")


async def authenticate_door(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    connection.state[_CALLER] = _require_kind(
        await _device(connection), frozenset({DeviceKind.DOOR}), "check tickets in"
    )


async def authenticate_staff(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """The signed-in staff member, with their role as it is now. A device token is no session (it never
    matches a stored session's hash), so a device cannot reach a staff route; what the staff member may do is
    checked by each service (require), not here."""
    token = bearer(connection, _NEEDS_STAFF)
    connection.state[_STAFF] = await sessions.resolve_session(api_state(connection.app.state).ctx, token)


def _caller(request: Request[Any, Any, Any]) -> Caller:
    found = request.state.get(_CALLER)
    if not isinstance(found, Caller):  # a route that names a caller without a device guard: a bug, not a 401
        raise RuntimeError(f"{request.url.path} has no device guard")
    return found


def _who(request: Request[Any, Any, Any]) -> StaffActor:
    found = request.state.get(_STAFF)
    if not isinstance(found, StaffActor):
        raise RuntimeError(f"{request.url.path} has no staff guard")
    return found


AUTHENTICATE = frozenset(
    {authenticate_device, authenticate_kiosk, authenticate_kiosk_hold, authenticate_door, authenticate_staff}
)
"""Every guard that authenticates (a test checks that each route with a security requirement has one)."""
DEVICE: list[Guard] = [authenticate_device]
KIOSK: list[Guard] = [authenticate_kiosk]
KIOSK_HOLD: list[Guard] = [authenticate_kiosk_hold]
"""Only for a route whose service checks the device's status in its own statement (a hold)."""
DOOR: list[Guard] = [authenticate_door]
STAFF: list[Guard] = [authenticate_staff]
CALLER = {"caller": Provide(_caller, sync_to_thread=False)}
"""The dependency of a device route: the Caller its guard authenticated."""
WHO = {"who": Provide(_who, sync_to_thread=False)}
"""The dependency of a staff route: the StaffActor its guard authenticated."""
