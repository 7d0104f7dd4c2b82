"""Staff, roles, permissions and the actor behind every service call."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from core.domain.devices import DeviceKind
from core.domain.ids import DeviceId, StaffId


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    BOX_OFFICE = "box_office"
    DOOR = "door"


class Permission(StrEnum):
    SELL = "sell"
    REFUND = "refund"
    REPRINT = "reprint"
    CHECK_IN = "check_in"
    MANAGE_CATALOG = "manage_catalog"
    """Venues, plans, concerts, prices."""
    MANAGE_DEVICES = "manage_devices"
    MANAGE_STAFF = "manage_staff"
    VIEW_REPORTS = "view_reports"
    VIEW_ORDERS = "view_orders"
    LEAVE_KIOSK = "leave_kiosk"
    """Leave a locked-down kiosk for the desktop (a staff PIN at the hidden gesture)."""
    VIEW_AUDIT = "view_audit"
    """Read and export the audit log (admins only: it names every person's changes)."""
    RESOLVE_CONFLICTS = "resolve_conflicts"
    """Settle a ticket admitted twice while doors were offline (managers: door staff only report them)."""


_P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.MANAGER: frozenset(
        {
            _P.SELL,
            _P.REFUND,
            _P.REPRINT,
            _P.CHECK_IN,
            _P.MANAGE_CATALOG,
            _P.MANAGE_DEVICES,
            _P.VIEW_REPORTS,
            _P.VIEW_ORDERS,
            _P.LEAVE_KIOSK,
            _P.RESOLVE_CONFLICTS,
        }
    ),
    Role.BOX_OFFICE: frozenset({_P.SELL, _P.REPRINT, _P.VIEW_ORDERS, _P.LEAVE_KIOSK}),
    Role.DOOR: frozenset({_P.CHECK_IN}),
}
"""What each role may do: core.security.permissions checks it on every call; the apps hide what a role may not
do (the server refuses it anyway)."""


@dataclass(frozen=True, slots=True)
class Staff:
    id: StaffId
    email: str
    display_name: str
    role: Role
    active: bool
    staff_number: int
    """Short, unique, shown in admin: a kiosk asks for it (or offers the name) before the PIN."""


@dataclass(frozen=True, slots=True)
class SessionToken:
    """What a staff member holds after signing in; only its SHA-256 is stored. Never in a repr or a log."""

    token: str = field(repr=False)
    expires_at: datetime
    """Unless used again before then (sliding, up to a hard cap from when it was opened)."""
    remember_token: str | None = field(default=None, repr=False)
    """"Remember me": opens the next session on this desktop without the password, once."""


@dataclass(frozen=True, slots=True)
class StaffActor:
    staff_id: StaffId
    role: Role
    name: str


@dataclass(frozen=True, slots=True)
class DeviceActor:
    device_id: DeviceId
    name: str
    kind: DeviceKind | None = None
    """What the device is (a kiosk sells, a door checks in); None only for in-process callers of old."""


@dataclass(frozen=True, slots=True)
class SystemActor:
    """The scheduler and the ops command line acting on their own."""

    name: str = "system"


Actor = StaffActor | DeviceActor | SystemActor


def describe(actor: Actor) -> str:
    if isinstance(actor, StaffActor):
        return f"staff:{actor.staff_id}"
    if isinstance(actor, DeviceActor):
        return f"device:{actor.device_id}"
    return f"system:{actor.name}"
