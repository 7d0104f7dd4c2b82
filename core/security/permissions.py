"""Which role may do what, and the check every service makes first."""

from __future__ import annotations

from core.domain.devices import DeviceKind
from core.domain.errors import NotAllowed
from core.domain.staff import ROLE_PERMISSIONS, Actor, DeviceActor, Permission, Role, StaffActor, SystemActor

P = Permission
# An approved device may sell (kiosk) and check in (door); whether it is approved is checked in the database,
# in the same transaction as the work, so a revocation takes effect at once.
DEVICE_PERMISSIONS = frozenset({P.SELL, P.CHECK_IN})
KIND_PERMISSIONS: dict[DeviceKind, frozenset[Permission]] = {
    DeviceKind.KIOSK: frozenset({P.SELL}),
    DeviceKind.BOX_OFFICE: frozenset({P.SELL}),
    DeviceKind.DOOR: frozenset({P.CHECK_IN}),
}
"""A device whose kind is known may do only its kind's work: a kiosk sells, a door checks in."""

CONFIRM_PAYMENT = P.SELL
"""Confirming with a PIN at a kiosk that cash or card was taken is part of selling: box office, manager, admin."""

LEAVE_KIOSK = P.LEAVE_KIOSK
"""Leaving a locked-down kiosk for the desktop, with a staff PIN: the people who run the box office (box office,
manager, admin), never door staff, never a device."""


def roles_with(permission: Permission) -> frozenset[Role]:
    """Every role that has ``permission``."""
    return frozenset(role for role, granted in ROLE_PERMISSIONS.items() if permission in granted)


_ACTION_WORDS = {
    P.SELL: "sell tickets",
    P.REFUND: "refund orders",
    P.REPRINT: "reprint tickets",
    P.CHECK_IN: "check tickets in",
    P.MANAGE_CATALOG: "change venues, plans, concerts or prices",
    P.MANAGE_DEVICES: "approve or revoke devices",
    P.MANAGE_STAFF: "manage staff accounts",
    P.VIEW_REPORTS: "see reports",
    P.VIEW_ORDERS: "look up orders",
    P.LEAVE_KIOSK: "leave kiosk mode",
    P.VIEW_AUDIT: "read the audit log",
    P.RESOLVE_CONFLICTS: "resolve door conflicts",
}


def allowed(actor: Actor, permission: Permission) -> bool:
    if isinstance(actor, StaffActor):
        return permission in ROLE_PERMISSIONS[actor.role]
    if isinstance(actor, DeviceActor):
        granted = DEVICE_PERMISSIONS if actor.kind is None else KIND_PERMISSIONS[actor.kind]
        return permission in granted
    return isinstance(actor, SystemActor)


def require(actor: Actor, permission: Permission) -> None:
    if not allowed(actor, permission):
        who = actor.name
        raise NotAllowed(
            f"{who} may not {_ACTION_WORDS[permission]}. Ask a manager or an admin to do it, or to change the role."
        )
