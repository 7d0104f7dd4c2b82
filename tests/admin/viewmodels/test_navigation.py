"""Which screens each role sees in the admin app: core's role table decides (the server refuses the rest)."""

from __future__ import annotations

from admin.viewmodels.navigation import SCREENS, ScreenKey, screens_for
from core.domain.staff import Role


def _keys(role: Role) -> list[ScreenKey]:
    return [s.key for s in screens_for(role)]


def test_a_door_account_sees_only_the_door_monitor() -> None:
    assert _keys(Role.DOOR) == [ScreenKey.DOOR]


def test_box_office_sees_orders_but_not_prices_or_staff() -> None:
    assert _keys(Role.BOX_OFFICE) == [ScreenKey.ORDERS]


def test_a_manager_runs_the_venue_but_not_staff_or_the_audit_log() -> None:
    assert _keys(Role.MANAGER) == [
        ScreenKey.DASHBOARD,
        ScreenKey.CONCERTS,
        ScreenKey.VENUES,
        ScreenKey.ORDERS,
        ScreenKey.DEVICES,
        ScreenKey.DOOR,
        ScreenKey.EXPORTS,
    ]


def test_an_admin_sees_every_screen_in_menu_order() -> None:
    assert _keys(Role.ADMIN) == [s.key for s in SCREENS]
    assert len(SCREENS) == len(ScreenKey)
