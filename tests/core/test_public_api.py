"""The apps' view of core: what core.services exports is pinned, and core imports without Qt."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import core
import core.services

ROOT = Path(__file__).resolve().parents[2]


def test_services_surface_is_pinned():
    # Changing what the apps can reach is a decision: update this list on purpose.
    assert core.services.__all__ == [
        "ServiceContext",
        "adapters",
        "catalog",
        "checkin",
        "checkout",
        "concert_admin",
        "concerts",
        "dashboard",
        "devices",
        "door",
        "health",
        "live",
        "mail",
        "order_desk",
        "orders",
        "payments",
        "purchase",
        "sales",
        "sessions",
        "staff",
        "tickets",
        "venues",
    ]
    for name in core.services.__all__:
        assert hasattr(core.services, name)


def test_service_modules_pin_their_functions():
    from core.services import catalog, checkout, orders, sales

    assert sales.__all__ == [
        "extend_hold",
        "hold_best_available",
        "hold_places",
        "hold_standing",
        "release_hold",
    ]
    assert checkout.__all__ == ["checkout_hold"]
    assert orders.__all__ == ["find_order", "refund_tickets"]
    assert catalog.__all__ == ["get_availability", "get_seat_map", "list_door_concerts", "list_on_sale"]


def test_staff_and_session_modules_pin_their_names():
    # The API server calls these for sign-in, sessions and PINs.
    from core.services import google_sign_in, sessions, staff, staff_devices

    assert staff.__all__ == [
        "PASSWORD_LOCKOUT",
        "create_staff",
        "forget_all_pins",
        "get_own_account",
        "list_staff",
        "reset_staff_password",
        "set_pin",
        "set_staff_active",
        "set_staff_role",
        "sign_in",
        "unlock_with_pin",
    ]
    assert sessions.__all__ == [
        "SESSION_IDLE",
        "SESSION_MAX",
        "close_session",
        "open_remembered",
        "open_session",
        "resolve_session",
    ]
    assert google_sign_in.__all__ == ["sign_in_google"]
    assert staff_devices.__all__ == ["SignInDevice", "note_device", "sign_in_notice_message"]


def test_kiosk_facing_modules_pin_their_names():
    # The kiosk app codes against exactly these names.
    from core.services import devices, health, payments

    assert payments.__all__ == [
        "LOCKOUT",
        "MAX_WRONG_PINS",
        "AttendedTerminal",
        "DemoTerminal",
        "PaymentInput",
        "PaymentTerminal",
        "SimulatedCard",
        "StaffPin",
        "TerminalKind",
        "open_terminal",
    ]
    assert health.__all__ == ["DeviceHealth", "HealthReporter", "open_health_reporter"]
    assert {"Enrolment", "enrol_this_device"} <= set(devices.__all__)


def test_every_core_module_imports_without_qt():
    """After napari's headless check: with PySide6 made unimportable, every core module still imports."""
    modules = [m.name for m in pkgutil.walk_packages(core.__path__, "core.") if ".migrations" not in m.name]
    assert "core.services.sales" in modules
    script = (
        "import importlib, sys\n"
        "for blocked in ('PySide6', 'qasync', 'shiboken6'):\n"
        "    sys.modules[blocked] = None\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print('ok', len(sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")
