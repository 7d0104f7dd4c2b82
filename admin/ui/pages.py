"""The admin screens that are built, each made for a signed-in session (the shell shows a placeholder for the rest)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from admin.ui.audit_page import AuditPage
from admin.ui.concerts_page import ConcertsPage
from admin.ui.dashboard_page import DashboardPage
from admin.ui.devices_page import DevicesPage
from admin.ui.door_page import DoorPage
from admin.ui.exports_page import ExportsPage
from admin.ui.orders_page import OrdersPage
from admin.ui.staff_page import StaffPage
from admin.ui.venues_page import VenuesPage
from admin.viewmodels.audit_log import AuditLogViewModel
from admin.viewmodels.concerts import ConcertsViewModel
from admin.viewmodels.dashboard import DashboardViewModel
from admin.viewmodels.devices import DevicesViewModel
from admin.viewmodels.door_monitor import DoorMonitorViewModel
from admin.viewmodels.exports import ExportsViewModel
from admin.viewmodels.navigation import ScreenKey
from admin.viewmodels.orders import OrdersViewModel
from admin.viewmodels.staff import StaffViewModel
from admin.viewmodels.venues import VenuesViewModel
from core.client.protocol import StaffSession


def page_builders(session: StaffSession) -> dict[ScreenKey, Callable[[], QWidget]]:
    return {
        ScreenKey.DASHBOARD: lambda: DashboardPage(DashboardViewModel(session)),
        ScreenKey.CONCERTS: lambda: ConcertsPage(ConcertsViewModel(session)),
        ScreenKey.VENUES: lambda: VenuesPage(VenuesViewModel(session)),
        ScreenKey.STAFF: lambda: StaffPage(StaffViewModel(session)),
        ScreenKey.DEVICES: lambda: DevicesPage(DevicesViewModel(session)),
        ScreenKey.AUDIT: lambda: AuditPage(AuditLogViewModel(session)),
        ScreenKey.EXPORTS: lambda: ExportsPage(ExportsViewModel(session)),
        ScreenKey.DOOR: lambda: DoorPage(DoorMonitorViewModel(session)),
        ScreenKey.ORDERS: lambda: OrdersPage(OrdersViewModel(session)),
    }
