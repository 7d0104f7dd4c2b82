"""Render the admin app's screens offscreen to resources/screenshots/admin-<screen>-<WxH>.png, at 1920x1080 and
1366x768 (a common office laptop), each window at that real geometry.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.admin.screenshots [--out DIR]

Every state is reached for real: the in-process staff client over a fresh migrated SQLite file with demo-like
staff, wrong passwords until the lock-out, a Google sign-in left waiting for its browser, and each role's window.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from admin.ui.concerts_page import ConcertsPage
from admin.ui.dashboard_page import DashboardPage
from admin.ui.door_page import DoorPage
from admin.ui.orders_page import OrdersPage
from admin.ui.theme import apply_theme
from admin.ui.venues_page import VenuesPage
from admin.ui.window import AdminWindow
from admin.viewmodels.navigation import ScreenKey
from admin.viewmodels.sign_in import SignInViewModel
from core.client.staff_local import LocalStaffClient
from core.domain.clock import SystemClock
from core.domain.concert_spec import NewCategory
from core.domain.money import Money
from core.domain.order_desk import OrderQuery
from core.domain.orders import Payment
from core.domain.staff import Role
from core.domain.venues import SeatMark, SectionKind
from core.services import checkout, concerts, sales
from core.services.staff import PASSWORD_LOCKOUT
from tests.admin.report_screens import report_concert, shoot_reports
from tests.builders import ROOT as ROOT_ACTOR
from tests.builders import build_stage, sell
from tests.support import sqlite
from tests.support.context import open_context
from tests.support.qt_settings import own_settings
from tests.support.screens import OFFSCREEN, fill_screen
from tests.support.staff_api import PASSWORD, make_staff

ROOT = Path(__file__).resolve().parents[2]
SIZES = ((1920, 1080), (1366, 768))
WHERE = "Venue server https://encore.venue.example:8443"


# A few marked seats and a choice, so the preview shows each look of its legend (undone after the shot).
SHOWN_MARKS = (
    (SeatMark.RESTRICTED_VIEW, (("A", 1), ("A", 24), ("B", 1), ("B", 24)), ""),
    (SeatMark.ACCESSIBLE, (("N", 1), ("N", 2), ("N", 23), ("N", 24)), ""),
    (SeatMark.COMPANION, (("N", 3), ("N", 22)), ""),
    (SeatMark.BLOCKED, tuple((row, n) for row in "MN" for n in (11, 12, 13, 14)), "Sound desk"),
)
SHOWN_CHOICE = tuple(("F", n) for n in range(5, 9))


async def _mark_shown_seats(venues: VenuesPage, *, on: bool) -> None:
    layout = venues.vm.state.layout
    assert layout is not None
    seat = {(s.row, s.number): s.id for s in layout.seats}
    for mark, picks, reason in SHOWN_MARKS:
        venues.vm.select_seats([seat[p] for p in picks if p in seat])
        await venues.vm.mark(mark, on=on, reason=reason)
    venues.vm.select_seats([seat[p] for p in SHOWN_CHOICE if p in seat] if on else [])


class WaitingForBrowser:
    """A Google sign-in whose browser never comes back: the screen waits until the view-model is closed."""

    async def id_token(self) -> str:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def _settle(app: Any, until: Any = None) -> None:
    """Let Qt lay out and paint (the qasync loop runs Qt's events while this task sleeps; calling
    processEvents inside a task would run other tasks inside it)."""
    for _ in range(200):
        await asyncio.sleep(0.02)
        if until is None or until():
            break
    await asyncio.sleep(0.1)


async def render(out: Path) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    saved: list[Path] = []

    def shoot(window: AdminWindow, name: str, size: tuple[int, int]) -> None:
        path = out / f"admin-{name}-{size[0]}x{size[1]}.png"
        window.grab().save(str(path))
        saved.append(path)

    shoot.out = out  # type: ignore[attr-defined]
    shoot.saved = saved  # type: ignore[attr-defined]

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "admin.sqlite3"
        await sqlite.create_template(db)
        async with open_context(sqlite.url_for(db), SystemClock()) as ctx:
            members = {role: await make_staff(ctx, role, number=n) for n, role in enumerate(Role, start=1)}
            stage = await _concerts(ctx)
            await _orders(ctx, stage)
            health = await _devices(ctx)
            await report_concert(ctx)
            await _door_night(sqlite.url_for(db), ctx)
            for size in SIZES:
                google = WaitingForBrowser()
                vm = SignInViewModel(LocalStaffClient.over(ctx), google=google)
                window = AdminWindow(vm, WHERE)
                fill_screen(window, size)
                window.show()
                await _settle(app)
                shoot(window, "sign-in", size)

                vm.request_google()
                await _settle(app, lambda vm=vm: vm.state.busy)
                shoot(window, "sign-in-google", size)
                await vm.aclose()

                form = window.sign_in
                form.email.setText(members[Role.MANAGER].email)
                for attempt in range(PASSWORD_LOCKOUT.max_failures):
                    await vm.sign_in(form.email.text(), f"wrong {size} {attempt}")
                await _settle(app)
                shoot(window, "sign-in-locked", size)

                for role in (Role.ADMIN, Role.BOX_OFFICE, Role.DOOR):
                    _report_health(ctx, health)  # lately, as the server would have heard them
                    await vm.sign_in(members[role].email, PASSWORD)
                    await _settle(app, lambda w=window: w.shell is not None)
                    await _settle(app, lambda w=window: _first_page_ready(w))
                    shoot(window, f"{role.value.replace('_', '-')}", size)
                    if role is Role.ADMIN:
                        await _shoot_screens(app, window, size, shoot)
                    if role is Role.BOX_OFFICE:
                        await _shoot_orders(app, window, size, shoot, "orders-box-office")
                    await vm.sign_out()
                    await _settle(app, lambda w=window: w.shell is None)
                window.close()
                window.deleteLater()
                await _settle(app)
    return saved


async def _devices(ctx: Any) -> dict[str, Any]:
    """A kiosk waiting for approval, two that sell (one seen lately), a door, and a revoked kiosk."""
    from core.db import devices as devices_db
    from core.domain.devices import DeviceKind
    from core.security.device_keys import DeviceKey
    from core.services import devices
    from tests.builders import ROOT

    made = {}
    for name, kind in (
        ("Kiosk foyer 1", DeviceKind.KIOSK),
        ("Kiosk foyer 2", DeviceKind.KIOSK),
        ("Door north", DeviceKind.DOOR),
        ("Kiosk bar (lost)", DeviceKind.KIOSK),
        ("Kiosk balcony", DeviceKind.KIOSK),
    ):
        key = DeviceKey.generate()
        made[name] = await devices.register_device(ctx, name=name, kind=kind, public_key=key.public_key_bytes)
    for name in ("Kiosk foyer 1", "Kiosk foyer 2", "Door north", "Kiosk bar (lost)"):
        await devices.approve_device(ctx, ROOT, made[name].id)
    for name in ("Kiosk foyer 1", "Door north"):
        await ctx.db.write(lambda conn, d=made[name]: devices_db.touch(conn, d.id, ctx.clock.now()))
    await devices.revoke_device(ctx, ROOT, made["Kiosk bar (lost)"].id, keep_tickets_valid=False)
    return made


def _report_health(ctx: Any, made: dict[str, Any]) -> None:
    """Health reports as the server hears them on MQTT: one kiosk fine, one out of paper, the door fine, and
    one kiosk silent for a while."""
    from core.domain.health import DeviceHealth

    now = ctx.clock.now()
    for name, mode, printer, sale, heard in (
        ("Kiosk foyer 1", "sales", "ok", timedelta(minutes=4), timedelta(seconds=20)),
        ("Kiosk foyer 2", "sales", "out_of_paper", timedelta(minutes=38), timedelta(seconds=35)),
        ("Door north", "door", "none", None, timedelta(seconds=10)),
        ("Kiosk balcony", "sales", "ok", timedelta(hours=2), timedelta(minutes=26)),
    ):
        device = made[name]
        last_sale = None if sale is None else now - sale
        report = DeviceHealth(device.id, mode, True, True, printer, last_sale, now - heard)
        ctx.health.note(report, now - heard)


def _first_page_ready(window: AdminWindow) -> bool:
    """The signed-in window's first screen has its data (the dashboard its live counts and charts)."""
    from admin.ui.dashboard_page import DashboardPage
    from admin.ui.door_page import DoorPage

    if window.shell is None or not window.shell.built:
        return False
    page = window.shell.built[0]
    if isinstance(page, DashboardPage):
        state = page.vm.state
        return all(c.watching for c in state.concerts) and state.sales is not None and bool(state.devices)
    if isinstance(page, DoorPage):
        return page.vm.state.activity is not None
    return True


async def _door_night(url: str, ctx: Any) -> None:
    """Tonight's concert: sold over the last ten days, doors open half an hour ago, people coming in at three
    gates, and one ticket admitted twice by offline doors (a conflict to resolve)."""
    import random
    import uuid

    from core.domain.clock import ManualClock
    from core.domain.door import OfflineAdmit
    from core.domain.places import PlaceState
    from core.services import catalog, door
    from tests.builders import door_device

    now = ctx.clock.now()
    rng = random.Random(12)
    clock = ManualClock(now - timedelta(days=10))
    async with open_context(url, clock) as past:
        stage = await build_stage(past, rows=14, seats_per_row=24, standing=300, name="Encore Arena")
        tonight = await concerts.create_concert(
            past,
            ROOT_ACTOR,
            venue_id=stage.concert.venue_id,
            plan_id=stage.concert.plan_id,
            title="Midnight Orchestra",
            artist="Lena Vos & the Night Band",
            doors_at=now - timedelta(minutes=30),
            starts_at=now + timedelta(minutes=45),
            sales_open_at=clock.now(),
            sales_close_at=now + timedelta(minutes=45),
            currency="EUR",
            categories=[
                NewCategory("Stalls", 4900, "#3b5bdb", sections=("Stalls",)),
                NewCategory("Floor", 3500, "#e8590c", sections=("Floor",)),
            ],
        )
        await concerts.put_on_sale(past, ROOT_ACTOR, tonight.id)
        seat_map = await catalog.get_seat_map(past, tonight.id)
        seats = [p.id for p in seat_map.places if p.state is PlaceState.FREE and p.row is not None]
        rng.shuffle(seats)
        tickets: list[Any] = []
        n = 0
        while clock.now() < now - timedelta(hours=2) and len(seats) > 24:
            clock.advance(rng.randint(1800, 4 * 3600))
            n += 1
            take = [seats.pop() for _ in range(rng.randint(1, 4))]
            hold = await sales.hold_places(past, stage.kiosk, tonight.id, take)
            payment = Payment("card", f"night-{n}", Money(hold.total.minor, "EUR"))
            order = await checkout.checkout_hold(
                past, stage.kiosk, hold.id, idempotency_key=f"night-{n}", payment=payment
            )
            tickets += order.tickets
        doors = await door_device(past, "Door south")
        gates = ("North", "North", "North", "South", "South", "East")
        admits = []
        for ticket in tickets[: len(tickets) * 3 // 4]:
            ago = timedelta(seconds=rng.triangular(0, 29 * 60, 8 * 60))
            admits.append(OfflineAdmit(str(uuid.uuid4()), ticket.id, rng.choice(gates), now - ago))
        admits.sort(key=lambda a: a.scanned_at)
        admits.append(
            OfflineAdmit(str(uuid.uuid4()), admits[0].ticket_id, "East", now - timedelta(minutes=3))
        )
        for start in range(0, len(admits), door.MAX_REPLAY):
            await door.replay_offline_admits(past, doors, admits[start : start + door.MAX_REPLAY])


async def _shoot_screens(app: Any, window: AdminWindow, size: tuple[int, int], shoot: Any) -> None:
    """The admin's built screens, each once its data has come."""
    assert window.shell is not None
    page = window.shell.show_screen(ScreenKey.STAFF)
    await _settle(app, lambda: page._loaded and not page.vm.busy)
    shoot(window, "staff", size)
    concerts = window.shell.show_screen(ScreenKey.CONCERTS)
    assert isinstance(concerts, ConcertsPage)
    await _settle(
        app, lambda: concerts._loaded and not concerts.vm.busy and concerts.categories.rowCount() > 0
    )
    sold = next(c for c in concerts.vm.state.concerts if c.tickets)
    concerts.vm.select(sold.concert.id)
    concerts.vm.start_edit()
    await _settle(app, lambda: not concerts.vm.busy)
    shoot(window, "concerts", size)
    await concerts.vm.ask_cancel()
    await _settle(app, lambda: concerts.cancel_dialog is not None)
    dialog = concerts.cancel_dialog
    assert dialog is not None
    dialog.reason.setText("The band is ill")
    await _settle(app)
    path = shoot.out / f"admin-concerts-cancel-{size[0]}x{size[1]}.png"
    dialog.grab().save(str(path))
    shoot.saved.append(path)
    dialog.reject()
    await _settle(app, lambda: concerts.cancel_dialog is None)

    devices = window.shell.show_screen(ScreenKey.DEVICES)
    await _settle(app, lambda: devices._loaded and not devices.vm.busy)
    shoot(window, "devices", size)
    devices.distrust.setChecked(True)
    devices.vm.select(next(d.id for d in devices.vm.state.devices if d.name == "Kiosk foyer 2"))
    devices.vm.ask_revoke(keep_tickets_valid=False)
    await _settle(app, lambda: devices.revoke_dialog is not None)
    _shoot_dialog(shoot, devices.revoke_dialog, "devices-revoke", size)
    devices.vm.dismiss_question()
    await _settle(app, lambda: devices.revoke_dialog is None)

    venues = window.shell.show_screen(ScreenKey.VENUES)
    assert isinstance(venues, VenuesPage)
    await _settle(app, lambda: venues._loaded and not venues.vm.busy and venues.vm.state.layout is not None)
    venues.section_name.setText("Circle")
    venues.vm.add_section(venues.grid_form())
    venues.section_name.setText("Bar floor")
    venues.section_kind.setCurrentIndex(venues.section_kind.findData(SectionKind.STANDING))
    venues.vm.add_section(venues.grid_form())
    await _mark_shown_seats(venues, on=True)
    await _settle(app)
    shoot(window, "venues", size)
    await _mark_shown_seats(venues, on=False)
    for index in reversed(range(len(venues.vm.state.draft))):
        venues.vm.remove_section(index)
    venues.section_kind.setCurrentIndex(0)
    await shoot_reports(app, window, size, shoot, _settle)

    door = window.shell.show_screen(ScreenKey.DOOR)
    assert isinstance(door, DoorPage)
    await _settle(app, lambda: door.vm.state.activity is not None and door.vm.state.loaded)
    tonight = next(c for c in door.vm.state.concerts if c.concert.title == "Midnight Orchestra")
    door.vm.select(tonight.concert.id)
    await _settle(app, lambda: door.vm.state.activity is not None and bool(door.vm.state.conflicts))
    shoot(window, "door-monitor", size)

    dashboard = window.shell.show_screen(ScreenKey.DASHBOARD)
    assert isinstance(dashboard, DashboardPage)
    dashboard.vm.select(tonight.concert.id)
    await _settle(
        app, lambda: dashboard.vm.state.sales is not None and dashboard.vm.state.checkins is not None
    )
    shoot(window, "dashboard", size)
    await _shoot_orders(app, window, size, shoot, "orders")


def _shoot_dialog(shoot: Any, dialog: Any, name: str, size: tuple[int, int]) -> None:
    path = shoot.out / f"admin-{name}-{size[0]}x{size[1]}.png"
    dialog.grab().save(str(path))
    shoot.saved.append(path)


async def _shoot_orders(app: Any, window: AdminWindow, size: tuple[int, int], shoot: Any, name: str) -> None:
    """The Orders screen with the partly refunded order open (a check-box ticked where the role may refund)."""
    assert window.shell is not None
    page = window.shell.show_screen(ScreenKey.ORDERS)
    assert isinstance(page, OrdersPage)
    await _settle(app, lambda: page.vm.state.results is not None and not page.vm.busy)
    # The other screens' concerts sold later: find the partly refunded order by its buyer, as a person would.
    found = await page.vm._session.search_orders(OrderQuery(email="lena.vogt@"))
    await page.vm.open(found.orders[0].code)
    order = page.vm.state.order
    assert order is not None
    page.vm.choose(order.valid_ids[:1])
    await _settle(app, lambda: not page.vm.busy)
    shoot(window, name, size)


async def _orders(ctx: Any, stage: Any) -> None:
    """Orders with buyers' addresses: one partly refunded, one fully refunded."""
    from core.domain.money import Money
    from core.domain.orders import Payment
    from core.services import checkout, orders, sales

    buyers = (
        "lena.vogt@example.org",
        "sam.okafor@mail.example",
        "j.berg@example.net",
        "mia.rossi@example.it",
    )
    sold = []
    for n, buyer in enumerate(buyers):
        seats = stage.seats[10 + 3 * n : 13 + 3 * n]
        hold = await sales.hold_places(ctx, stage.kiosk, stage.id, seats)
        payment = Payment("card", f"shot-o{n}", Money(hold.total.minor, "EUR"))
        sold.append(
            await checkout.checkout_hold(
                ctx, stage.kiosk, hold.id, idempotency_key=f"shot-o{n}", payment=payment, buyer_email=buyer
            )
        )
    first, _, third, _ = sold
    await orders.refund_tickets(
        ctx, ROOT_ACTOR, first.code, reason="Guest cannot come", ticket_ids=[first.tickets[2].id]
    )
    await orders.refund_tickets(ctx, ROOT_ACTOR, third.code, reason="Double booking")


async def _concerts(ctx: Any) -> Any:
    """A concert on sale with sales, and a draft beside it, for the Concerts screen; the stage it made."""
    stage = await build_stage(ctx, rows=6, seats_per_row=12, standing=150, name="Encore Hall")
    await sell(ctx, stage, stage.kiosk, stage.seats[:4], "shot-1")
    await sell(ctx, stage, stage.kiosk, stage.seats[4:6], "shot-2")
    await concerts.create_concert(
        ctx,
        ROOT_ACTOR,
        venue_id=stage.concert.venue_id,
        plan_id=stage.concert.plan_id,
        title="Spring Sessions",
        artist="Mara Lind Trio",
        doors_at=stage.concert.doors_at + timedelta(days=30),
        starts_at=stage.concert.starts_at + timedelta(days=30),
        sales_open_at=stage.concert.sales_open_at + timedelta(days=7),
        sales_close_at=stage.concert.starts_at + timedelta(days=30),
        currency="EUR",
        categories=[
            NewCategory("Stalls", 3900, "#c0392b", sections=("Stalls",)),
            NewCategory("Floor", 2900, "#1e8449", sections=("Floor",)),
        ],
    )
    return stage


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "screenshots")
    args = parser.parse_args(argv)
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
        os.environ["QT_QPA_PLATFORM"] = OFFSCREEN  # real screens: windows at their real geometry
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    settings = tempfile.TemporaryDirectory(prefix="encore-shots-settings-")
    own_settings(settings.name)  # the first-run layout, not what this user dragged their splitters to
    apply_theme(app)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in qasync.run(render(args.out)):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
