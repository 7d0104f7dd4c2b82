"""Staff over the API: sign in with e-mail and password for a session, and the admin app's first routes.

Each route acts as the staff member the session token belongs to; what they may do is checked by the service
(require) and audited there, so the API adds no rule of its own.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post, route
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.enums import HttpMethod
from litestar.params import FromPath, JSONBody

from core.api.auth import STAFF, STAFF_SESSION, WHO, api_state, bearer, client_address
from core.api.problems import OPEN_PROBLEMS, STAFF_PROBLEMS
from core.domain.api_bodies import (
    GoogleSignInRequest,
    NewStaffRequest,
    RememberedSignInRequest,
    RenameRequest,
    RevokeRequest,
    SignInRequest,
    SignInResult,
    StaffSummary,
)
from core.domain.devices import Device
from core.domain.ids import DeviceId
from core.domain.staff import SessionToken, Staff, StaffActor
from core.services import devices, google_sign_in, sessions, staff
from core.services.context import ServiceContext
from core.services.staff_devices import SignInDevice


@post("/v1/auth/sign-in", status_code=200, tags=["staff"], responses=OPEN_PROBLEMS)
async def sign_in(
    data: JSONBody[SignInRequest], request: Request[Any, Any, Any], state: State
) -> SignInResult:
    """E-mail and password in, a staff session out. Wrong passwords lock the address for a growing time."""
    api = api_state(state)
    api.limiter.hit("sign_in", client_address(request))
    actor = await staff.sign_in(api.ctx, email=data.email, password=data.password)
    device = SignInDevice(data.device_id, data.device_name, "password")
    return await _signed_in(api.ctx, actor, request, device, remember=data.remember)


@post("/v1/auth/google", status_code=200, tags=["staff"], responses=OPEN_PROBLEMS)
async def sign_in_google(
    data: JSONBody[GoogleSignInRequest], request: Request[Any, Any, Any], state: State
) -> SignInResult:
    """A Google ID token in (verified here against the configured issuer and client), a staff session out."""
    api = api_state(state)
    api.limiter.hit("sign_in", client_address(request))
    actor = await google_sign_in.sign_in_google(api.ctx, data.id_token)
    device = SignInDevice(data.device_id, data.device_name, "google")
    return await _signed_in(api.ctx, actor, request, device, remember=data.remember)


@post("/v1/auth/remembered", status_code=200, tags=["staff"], responses=OPEN_PROBLEMS)
async def sign_in_remembered(
    data: JSONBody[RememberedSignInRequest], request: Request[Any, Any, Any], state: State
) -> SignInResult:
    """A "remember me" token in (used up), a staff session and the next token out."""
    api = api_state(state)
    api.limiter.hit("sign_in", client_address(request))
    device = SignInDevice(data.device_id, data.device_name, "remembered")
    actor, session = await sessions.open_remembered(
        api.ctx, data.remember_token, note=_note(request), device=device
    )
    return await _result(api.ctx, actor, session)


def _note(request: Request[Any, Any, Any]) -> str:
    return f"{client_address(request)} {request.headers.get('user-agent', '')}"


async def _signed_in(
    ctx: ServiceContext,
    actor: StaffActor,
    request: Request[Any, Any, Any],
    device: SignInDevice,
    *,
    remember: bool,
) -> SignInResult:
    session = await sessions.open_session(ctx, actor, note=_note(request), device=device, remember=remember)
    return await _result(ctx, actor, session)


async def _result(ctx: ServiceContext, actor: StaffActor, session: SessionToken) -> SignInResult:
    member = await staff.get_own_account(ctx, actor)
    return SignInResult(
        session.token,
        session.expires_at,
        StaffSummary.of(member),
        session.remember_token,
        ctx.settings.redis_namespace,
    )


@post(
    "/v1/auth/sign-out",
    status_code=204,
    tags=["staff"],
    guards=STAFF,
    security=STAFF_SESSION,
    responses=STAFF_PROBLEMS,
)
async def sign_out(request: Request[Any, Any, Any], state: State) -> None:
    """End this session: its token stops working at once."""
    await sessions.close_session(api_state(state).ctx, bearer(request, "Sign-out needs the session's token."))


@get(
    "/v1/me", tags=["staff"], guards=STAFF, dependencies=WHO, security=STAFF_SESSION, responses=STAFF_PROBLEMS
)
async def me(who: NamedDependency[StaffActor], state: State) -> StaffSummary:
    """Who this session belongs to, with their role as it is now."""
    return StaffSummary.of(await staff.get_own_account(api_state(state).ctx, who))


@get(
    "/v1/devices",
    tags=["admin"],
    guards=STAFF,
    dependencies=WHO,
    security=STAFF_SESSION,
    responses=STAFF_PROBLEMS,
)
async def list_devices(who: NamedDependency[StaffActor], state: State) -> list[Device]:
    """Every device, pending, approved or revoked (managers and admins)."""
    return list(await devices.list_devices(api_state(state).ctx, who))


@post(
    "/v1/devices/{device_id:int}/approve",
    status_code=200,
    tags=["admin"],
    guards=STAFF,
    dependencies=WHO,
    security=STAFF_SESSION,
    responses=STAFF_PROBLEMS,
)
async def approve_device(device_id: FromPath[int], who: NamedDependency[StaffActor], state: State) -> Device:
    """A pending device may sell or check in from now on (compare its key fingerprint first)."""
    return await devices.approve_device(api_state(state).ctx, who, DeviceId(device_id))


@post(
    "/v1/devices/{device_id:int}/revoke",
    status_code=200,
    tags=["admin"],
    guards=STAFF,
    dependencies=WHO,
    security=STAFF_SESSION,
    responses=STAFF_PROBLEMS,
)
async def revoke_device(
    device_id: FromPath[int], data: JSONBody[RevokeRequest], who: NamedDependency[StaffActor], state: State
) -> Device:
    """For good: its next request is refused. keep_tickets_valid false distrusts everything it signed."""
    return await devices.revoke_device(
        api_state(state).ctx, who, DeviceId(device_id), keep_tickets_valid=data.keep_tickets_valid
    )


@post(
    "/v1/devices/{device_id:int}/rename",
    status_code=200,
    tags=["admin"],
    guards=STAFF,
    dependencies=WHO,
    security=STAFF_SESSION,
    responses=STAFF_PROBLEMS,
)
async def rename_device(
    device_id: FromPath[int], data: JSONBody[RenameRequest], who: NamedDependency[StaffActor], state: State
) -> Device:
    """A new name for a device (managers and admins); it keeps working under it."""
    return await devices.rename_device(api_state(state).ctx, who, DeviceId(device_id), data.name)


@get(
    "/v1/staff",
    tags=["admin"],
    guards=STAFF,
    dependencies=WHO,
    security=STAFF_SESSION,
    responses=STAFF_PROBLEMS,
)
async def list_staff(who: NamedDependency[StaffActor], state: State) -> list[Staff]:
    """Every staff account by staff number (admins)."""
    return list(await staff.list_staff(api_state(state).ctx, who))


@post(
    "/v1/staff",
    status_code=201,
    tags=["admin"],
    guards=STAFF,
    dependencies=WHO,
    security=STAFF_SESSION,
    responses=STAFF_PROBLEMS,
)
async def create_staff(
    data: JSONBody[NewStaffRequest], who: NamedDependency[StaffActor], state: State
) -> Staff:
    """A new staff account (admins), with a password to sign in and/or a PIN for the kiosks."""
    return await staff.create_staff(
        api_state(state).ctx,
        who,
        email=data.email,
        display_name=data.display_name,
        role=data.role,
        password=data.password,
        pin=data.pin,
        staff_number=data.staff_number,
    )


@route("/v1/staff", http_method=[HttpMethod.OPTIONS], include_in_schema=False, sync_to_thread=False)
def staff_options() -> Response[None]:
    """Litestar (2.25) answers OPTIONS for a path whose methods are registered one handler at a time with the
    first handler's methods only; registered before them, this one lists them all."""
    return Response(None, status_code=204, headers={"Allow": "GET, OPTIONS, POST"})


ROUTES = [
    staff_options,
    sign_in,
    sign_in_google,
    sign_in_remembered,
    sign_out,
    me,
    list_devices,
    approve_device,
    revoke_device,
    rename_device,
    list_staff,
    create_staff,
]
