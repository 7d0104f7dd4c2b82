"""Staff accounts over the API, for the admin app's "Staff and roles" screen: role, enabled, password, PIN.

Each route acts as the session's staff member; the service checks MANAGE_STAFF (admins), keeps the last
active admin, and audits every change, so the API adds no rule of its own.
"""

from __future__ import annotations

from litestar import post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from core.api.auth import STAFF, STAFF_SESSION, WHO, api_state
from core.api.problems import STAFF_PROBLEMS
from core.domain.api_bodies import PasswordResetRequest, StaffActiveRequest, StaffPinRequest, StaffRoleRequest
from core.domain.ids import StaffId
from core.domain.staff import Staff, StaffActor
from core.services import staff

_ROUTE = {
    "status_code": 200,
    "tags": ["admin"],
    "guards": STAFF,
    "dependencies": WHO,
    "security": STAFF_SESSION,
    "responses": STAFF_PROBLEMS,
}


@post("/v1/staff/{staff_id:int}/role", **_ROUTE)  # type: ignore[arg-type]
async def set_role(
    staff_id: FromPath[int], data: JSONBody[StaffRoleRequest], who: NamedDependency[StaffActor], state: State
) -> Staff:
    """Assign a role (admins). The last active admin cannot be demoted: last_admin."""
    return await staff.set_staff_role(api_state(state).ctx, who, StaffId(staff_id), data.role)


@post("/v1/staff/{staff_id:int}/active", **_ROUTE)  # type: ignore[arg-type]
async def set_active(
    staff_id: FromPath[int],
    data: JSONBody[StaffActiveRequest],
    who: NamedDependency[StaffActor],
    state: State,
) -> Staff:
    """Disable or enable an account (admins); never your own, never the last active admin."""
    return await staff.set_staff_active(api_state(state).ctx, who, StaffId(staff_id), data.active)


@post("/v1/staff/{staff_id:int}/password", **_ROUTE)  # type: ignore[arg-type]
async def reset_password(
    staff_id: FromPath[int],
    data: JSONBody[PasswordResetRequest],
    who: NamedDependency[StaffActor],
    state: State,
) -> Staff:
    """A new password (admins): the member's other sessions end."""
    return await staff.reset_staff_password(api_state(state).ctx, who, StaffId(staff_id), data.password)


@post("/v1/staff/{staff_id:int}/pin", **_ROUTE)  # type: ignore[arg-type]
async def set_pin(
    staff_id: FromPath[int], data: JSONBody[StaffPinRequest], who: NamedDependency[StaffActor], state: State
) -> Staff:
    """A kiosk PIN (admins, or the member for themselves); it clears the lock on their staff number."""
    return await staff.set_pin(api_state(state).ctx, who, StaffId(staff_id), data.pin)


ROUTES = [set_role, set_active, reset_password, set_pin]
