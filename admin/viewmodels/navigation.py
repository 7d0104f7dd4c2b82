"""The admin app's screens and which of them a role sees (core's role table; the server refuses the rest)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.domain.staff import ROLE_PERMISSIONS, Permission, Role

__all__ = ["SCREENS", "Screen", "ScreenKey", "screens_for"]


class ScreenKey(StrEnum):
    DASHBOARD = "dashboard"
    CONCERTS = "concerts"
    VENUES = "venues"
    ORDERS = "orders"
    STAFF = "staff"
    DEVICES = "devices"
    DOOR = "door"
    AUDIT = "audit"
    EXPORTS = "exports"


@dataclass(frozen=True, slots=True)
class Screen:
    key: ScreenKey
    title: str
    permission: Permission
    """Who may use it: a role without it does not see the entry."""
    summary: str
    """What the screen is for, in one line (the placeholder says it until the screen is built)."""


SCREENS: tuple[Screen, ...] = (
    Screen(ScreenKey.DASHBOARD, "Dashboard", Permission.VIEW_REPORTS,
           "Today's and upcoming concerts with sold, held and free places, sales over time and door health."),
    Screen(ScreenKey.CONCERTS, "Concerts", Permission.MANAGE_CATALOG,
           "Create and edit concerts, their prices and sales windows; put on sale, close sales, cancel."),
    Screen(ScreenKey.VENUES, "Venues", Permission.MANAGE_CATALOG,
           "Venues and seating plans: a grid generator or a CSV import, blocked and accessible seats."),
    Screen(ScreenKey.ORDERS, "Orders", Permission.VIEW_ORDERS,
           "Find an order by code, e-mail or date; refund, reprint, resend its e-mail."),
    Screen(ScreenKey.STAFF, "Staff", Permission.MANAGE_STAFF,
           "Staff accounts and roles: create, disable, reset a password, set a kiosk PIN."),
    Screen(ScreenKey.DEVICES, "Devices", Permission.MANAGE_DEVICES,
           "Kiosks and doors: approve a pending device after comparing its key, revoke, rename."),
    Screen(ScreenKey.DOOR, "Door", Permission.CHECK_IN,
           "Live check-ins per concert and gate, and offline conflicts to resolve."),
    Screen(ScreenKey.AUDIT, "Audit log", Permission.VIEW_AUDIT,
           "Who did what and when, filtered by person, device, action and date; export."),
    Screen(ScreenKey.EXPORTS, "Exports", Permission.VIEW_REPORTS,
           "Orders, tickets and check-ins as CSV; a sales report PDF per concert."),
)  # fmt: skip


def screens_for(role: Role) -> tuple[Screen, ...]:
    """The screens this role may use, in menu order: a door account sees the door monitor only, box office
    sees orders (not prices or staff)."""
    granted = ROLE_PERMISSIONS[role]
    return tuple(screen for screen in SCREENS if screen.permission in granted)
