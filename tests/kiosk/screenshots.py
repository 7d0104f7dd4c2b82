"""Render the kiosk's screens offscreen to resources/screenshots/kiosk-<screen>-<WxH>.png and door-<state>-<WxH>.png.

Each window fills a screen of its size (tests/support/screens.py: a 1920x1080, a 1080x1920 and a small 1280x800
offscreen display, the last in the compact theme), as on a kiosk, so a shot shows the layout a real display gets.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.kiosk.screenshots [--out DIR] [--theme high_contrast]

What a real sale reaches (welcome to done, the countdown warning, both payment terminals) is rendered from the
real SaleFlow on a freshly seeded demo SQLite with a manual clock, and the door screen from a real night's
tickets. Only the states a quick run cannot reach (starting, enrolment, printing, a failed print, the idle
question, out of service) are hand-built FlowState snapshots fed through a small stand-in for SaleFlow; the
tests reuse those snapshots.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psygnal

from core.domain.catalog import ConcertSummary, MapPlace, MapSection, SeatMap
from core.domain.concerts import Concert, ConcertStatus, PriceCategory
from core.domain.holds import HeldPlace, Hold
from core.domain.ids import CategoryId, ConcertId, HoldId, OrderId, PlaceId, PlanId, SectionId, VenueId
from core.domain.money import Money
from core.domain.orders import Order, OrderStatus
from core.domain.places import PlaceState
from core.domain.venues import SectionKind
from kiosk.viewmodels.flow_state import (
    Countdown,
    EnrolmentInfo,
    FlowState,
    Notice,
    PrintPhase,
    Step,
    Tone,
)
from kiosk.viewmodels.i18n import plain
from tests.support.screens import LANDSCAPE, OFFSCREEN, PORTRAIT, SMALL, fill_screen

ROOT = Path(__file__).resolve().parents[2]
SIZES = (LANDSCAPE, PORTRAIT, SMALL)
NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


class StandInFlow:
    """SaleFlow's surface for the screens: `state`, `changed`, `seat_map`, and commands recorded in `calls`."""

    changed = psygnal.Signal(FlowState)

    def __init__(self, state: FlowState, seat_map: Any = None) -> None:
        self.state = state
        self.seat_map = seat_map
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def show(self, state: FlowState) -> None:
        self.state = state
        self.changed.emit(state)

    def __getattr__(self, name: str) -> Any:
        if name.startswith(("request_", "set_")) or name in {"touch", "still_here"}:
            return lambda *args: self.calls.append((name, args))
        raise AttributeError(name)

    def commands(self) -> list[str]:
        return [name for name, _ in self.calls if name != "touch"]


def _concert(cid: int, title: str, artist: str, days: int, currency: str = "EUR") -> Concert:
    starts = NOW + timedelta(days=days, hours=1, minutes=30)
    return Concert(
        ConcertId(cid), title, artist, VenueId(1), PlanId(1), starts - timedelta(hours=1), starts,
        NOW - timedelta(days=30), starts, ConcertStatus.ON_SALE, 8, 600, 10, False, currency,
    )  # fmt: skip


def concerts() -> tuple[ConcertSummary, ...]:
    rows = (
        (1, "Winter Serenade", "Aurora String Quartet", 0, 2500, 6500, 143),
        (2, "Night Drive", "The Neon Coast", 3, 3900, 3900, 12),
        (3, "Bach by Candlelight", "Capella Nova", 9, 1800, 4500, 268),
        (
            4,
            "Brass & Bells: A Festive Evening with the City Brass Ensemble",
            "City Brass Ensemble",
            20,
            2000,
            5500,
            0,
        ),
    )
    return tuple(
        ConcertSummary(
            _concert(i, t, a, d), "Harbour Hall", "Europe/Berlin", Money(lo, "EUR"), Money(hi, "EUR"), n
        )
        for i, t, a, d, lo, hi, n in rows
    )


def seat_map(concert: Concert) -> SeatMap:
    stalls, floor = SectionId(1), SectionId(2)
    cats = (
        PriceCategory(CategoryId(1), concert.id, "Stalls", Money(6500, "EUR"), "#1f4e8c"),
        PriceCategory(CategoryId(2), concert.id, "Standing", Money(2500, "EUR"), "#7a2e00"),
    )
    places = [
        MapPlace(PlaceId(r * 20 + n), stalls, CategoryId(1),
                 PlaceState.SOLD if (r * 7 + n) % 5 == 0 else PlaceState.FREE,
                 row=chr(65 + r), number=n, x=n * 30.0, y=r * 30.0)
        for r in range(6) for n in range(1, 15)
    ]  # fmt: skip
    places += [MapPlace(PlaceId(1000 + i), floor, CategoryId(2), PlaceState.FREE) for i in range(40)]
    sections = (
        MapSection(stalls, "Stalls", SectionKind.SEATED, 84),
        MapSection(floor, "Floor", SectionKind.STANDING, 40),
    )
    return SeatMap(concert, "Harbour Hall", "Europe/Berlin", sections, cats, tuple(places), NOW)


def hold(concert: Concert) -> Hold:
    seats = [
        HeldPlace(PlaceId(40 + n), f"Stalls, row C, seat {n}", "Stalls", Money(6500, "EUR")) for n in (11, 12)
    ]
    places = (*seats, HeldPlace(PlaceId(1001), "Floor, standing", "Standing", Money(2500, "EUR")))
    return Hold(HoldId("h1"), concert.id, places, NOW + timedelta(minutes=9, seconds=42), 0, 10)


def states() -> dict[str, FlowState]:
    """One snapshot per screen (and the notable variants), named as the PNG files are."""
    listed = concerts()
    chosen = listed[0]
    held = hold(chosen.concert)
    base = FlowState(
        step=Step.WELCOME, concerts=listed, venue_name="Harbour Hall", terminal="demo", demo=True
    )
    countdown = Countdown(582, held.expires_at, False, 10)
    review = replace(
        base, step=Step.REVIEW, concert=chosen, hold=held, countdown=countdown, email="ana@example.com"
    )
    order = Order(
        OrderId(7), "K7Q4-MZ2D", chosen.concert.id, held.id, OrderStatus.PAID, held.total, "demo", "sim-1",
        "ana@example.com", NOW, (),
    )  # fmt: skip
    fingerprint = "3f9a c21e 77b0 5d14 e8a2 19cf 06b3 a4d7 5e01 c9f8 22aa 41bd 903e 7c6f d2b5 18e4"
    return {
        "starting": replace(base, step=Step.STARTING, venue_name=""),
        "enrolment": replace(
            base, step=Step.ENROLMENT, enrolment=EnrolmentInfo("Foyer kiosk 2", fingerprint, "pending")
        ),
        "welcome": base,
        "concerts": replace(base, step=Step.CONCERTS, live=False),
        "seats": replace(base, step=Step.SEATS, concert=chosen),
        "review": review,
        "review-warning": replace(
            review,
            countdown=Countdown(48, held.expires_at, True, 9),
            notice=Notice("extended", plain("You have more time now."), Tone.INFO),
        ),
        "email": replace(
            review,
            step=Step.EMAIL,
            email="ana@example",
            email_error=plain("That e-mail address does not look right. Check it, or leave it empty."),
        ),
        "payment-attended": replace(review, step=Step.PAYMENT, terminal="attended", demo=False),
        "payment-demo": replace(
            review,
            step=Step.PAYMENT,
            notice=Notice(
                "payment_declined", plain("The payment was declined. Nothing was charged."), Tone.WARNING
            ),
        ),
        "printing": replace(review, step=Step.PRINTING, order=order, print_phase=PrintPhase.PRINTING),
        "printing-failed": replace(
            review,
            step=Step.PRINTING,
            order=order,
            print_phase=PrintPhase.FAILED,
            print_error=plain("The printer is out of paper."),
        ),
        "done": replace(
            review, step=Step.DONE, order=order, print_phase=PrintPhase.PRINTED, mailed_to="ana@example.com"
        ),
        "idle": replace(base, step=Step.CONCERTS, idle_seconds_left=17),
        "out_of_service": replace(base, step=Step.OUT_OF_SERVICE),
    }


STAND_IN = ("starting", "enrolment", "printing", "printing-failed", "idle", "out_of_service")
"""The states a quick real run cannot reach; everything else comes from the real SaleFlow."""
DOOR_SIZE = (1920, 1080)


class Shots:
    """Where the PNGs go and which were written; `suffix` marks a themed run (kiosk-welcome-high_contrast-...)."""

    def __init__(self, out: Path, suffix: str, only: set[str] | None) -> None:
        self.out, self.suffix, self.only = out, suffix, only
        self.saved: list[Path] = []

    def wants(self, name: str) -> bool:
        return not self.only or name in self.only

    def path(self, name: str, width: int, height: int, prefix: str = "kiosk") -> Path:
        return self.out / f"{prefix}-{name}{self.suffix}-{width}x{height}.png"

    def save(self, widget: Any, path: Path) -> None:
        widget.grab().save(str(path))
        self.saved.append(path)


def _window(flow: Any, theme: str, large_text: bool) -> Any:
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.main_window import MainWindow

    window = MainWindow(flow)
    window.settings.set_high_contrast(theme == "high_contrast")
    window.settings.set_large_text(large_text)
    fill_screen(window, SIZES[0])
    window.show()
    QApplication.processEvents()  # shown and given the keyboard, as a kiosk's window is before this
    for step in window.screens:  # each built before it shows, as a kiosk builds them once it has answered
        window.screens[step]
    return window


def _close(window: Any) -> None:
    window.close()
    window.languages.close()
    window.deleteLater()


def render_stand_ins(shots: Shots, *, theme: str = "default", large_text: bool = False) -> None:
    """The hand-built states, through the stand-in flow (no event loop needed: nothing awaits)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    all_states = states()
    flow = StandInFlow(all_states["welcome"], None)
    window = _window(flow, theme, large_text)
    try:
        for width, height in SIZES:
            fill_screen(window, (width, height))
            for name in STAND_IN:
                if shots.wants(name):
                    flow.show(all_states[name])
                    _settle(app)
                    shots.save(window, shots.path(name, width, height))
    finally:
        _close(window)
        app.processEvents()


def _settle(app: Any) -> None:
    """Lay out what the new state changed before the grab, as a running kiosk's loop does before it paints: one
    pass of processEvents left a label that grew from one line to four at its old height (the fingerprint)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        app.processEvents()


async def _until(check: Any, within: float = 30.0) -> None:
    # Polled: the flow's own tasks reach the condition, whichever signal they emit on the way.
    async with asyncio.timeout(within):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def _both(shots: Shots, window: Any, name: str, sizes: tuple[tuple[int, int], ...] = SIZES) -> None:
    if not shots.wants(name):
        return
    for width, height in sizes:
        fill_screen(window, (width, height))
        await asyncio.sleep(0.15)  # layouts and the seat map's fit settle on the loop
        shots.save(window, shots.path(name, width, height))
    fill_screen(window, SIZES[0])


async def _to_review(flow: Any, shoot: Any = None) -> None:
    """Welcome to review: the first concert, two free neighbours; `shoot(name)` at the concerts and seats."""
    from kiosk.viewmodels.flow_state import Step

    flow.request_begin()
    await _until(lambda: flow.state.step is Step.CONCERTS and not flow.state.busy)
    if shoot is not None:
        await shoot("concerts")
    flow.request_choose_concert(flow.state.concerts[0].concert.id)
    await _until(lambda: flow.state.step is Step.SEATS and not flow.state.busy)
    model = flow.seat_map
    free = [p for p in model.seats if p.row and model.state_of(p.id) is PlaceState.FREE]
    # Two neighbours in the middle row of the first section, in its middle, as a buyer would choose.
    section = [p for p in free if p.section_id == free[0].section_id]
    rows = sorted({p.row for p in section})
    row = sorted((p for p in section if p.row == rows[len(rows) // 2]), key=lambda p: p.number or 0)
    for place in row[len(row) // 2 - 1 : len(row) // 2 + 1]:
        model.toggle(place.id)
    if shoot is not None:
        await shoot("seats")
    flow.request_hold_selection()
    await _until(lambda: flow.state.step is Step.REVIEW and not flow.state.busy)


async def _sale(ctx: Any, shots: Shots, folder: Path, theme: str, large_text: bool) -> None:
    """One demo sale from welcome to done, shot at every step; then the payment screen of an attended kiosk."""
    from core.client.local import LocalClient
    from kiosk.devices.print_folder import FolderPrinter
    from kiosk.viewmodels.flow_state import Step
    from kiosk.viewmodels.printing import TicketPrinting
    from kiosk.viewmodels.sale_flow import SaleFlow

    for terminal in ("demo", "attended"):
        ctx.settings = replace(ctx.settings, payment_terminal=terminal)
        printing = TicketPrinting(FolderPrinter(folder))
        flow = SaleFlow(
            LocalClient.over(ctx),
            printing=printing,
            settings=ctx.settings,
            idle_timeout_s=3600,
            idle_warning_s=30,
        )
        window = _window(flow, theme, large_text)
        flow.request_start()
        try:
            await _until(lambda: flow.state.step is Step.WELCOME and bool(flow.state.venue_name))  # noqa: B023
            if terminal == "attended":
                await _to_review(flow)
                flow.request_to_payment()
                await _until(lambda: flow.state.step is Step.PAYMENT and not flow.state.busy)  # noqa: B023
                await _both(shots, window, "payment-attended")
                continue

            async def shoot(name: str, window: Any = window) -> None:
                await _both(shots, window, name)
                if name in {"welcome", "seats"} and not theme_run(theme, large_text):
                    window.settings.set_high_contrast(True)  # the buyer's own toggle, on the same state
                    await _both(shots, window, f"{name}-high_contrast")
                    window.settings.set_high_contrast(False)

            await shoot("welcome")
            await _to_review(flow, shoot)
            await _both(shots, window, "review")
            flow.edit_email()
            await _until(lambda: flow.state.step is Step.EMAIL)  # noqa: B023
            await _both(shots, window, "email")
            flow.request_back()
            await _until(lambda: flow.state.step is Step.REVIEW and not flow.state.busy)  # noqa: B023
            hold = flow.state.hold
            ctx.clock.advance((hold.expires_at - ctx.clock.now()).total_seconds() - 48)
            await _until(lambda: bool(flow.state.countdown and flow.state.countdown.warning))  # noqa: B023
            await _both(shots, window, "review-warning")
            flow.request_to_payment()
            await _until(lambda: flow.state.step is Step.PAYMENT and not flow.state.busy)  # noqa: B023
            await _both(shots, window, "payment-demo")
            flow.request_pay_demo(True)
            await _until(lambda: flow.state.step is Step.DONE, within=60)  # noqa: B023
            await _both(shots, window, "done")
        finally:
            await flow.aclose()
            _close(window)


def theme_run(theme: str, large_text: bool) -> bool:
    return theme != "default" or large_text


async def _door(ctx: Any, shots: Shots, folder: Path) -> None:
    """The door screen on a real night's tickets: ready, ADMIT, the same ticket again, then offline with a list
    past its maximum age (the door's own line to the database cut)."""
    from core.client.local import LocalClient
    from kiosk.ui.door_screen import DoorScreen
    from kiosk.ui.theme import Theme
    from kiosk.viewmodels.door import DoorViewModel
    from tests.kiosk.viewmodels.test_door import DOORS_OPEN, door_night
    from tests.support.door import cuttable_door_context

    night = await door_night(ctx, 2, name="Harbour Hall")
    ctx.clock.advance(DOORS_OPEN)
    line_cm = cuttable_door_context(ctx.settings.resolved_database_url(), ctx.clock, folder)
    door_ctx, line = await line_cm.__aenter__()
    model = await DoorViewModel.open(
        LocalClient.over(door_ctx, actor=night.door), gate="North", local_path=folder / "door.sqlite3",
        concert_id=night.stage.id, verdict_seconds=None, tick_seconds=3600.0, probe_interval=timedelta(0),
    )  # fmt: skip
    screen = DoorScreen(model)
    Theme(screen, name="high_contrast")  # as kiosk/door_app.py shows it
    fill_screen(screen, DOOR_SIZE)
    screen.show()
    try:
        await _until(lambda: screen.word.text() == "Ready")
        shots.save(screen, shots.path("ready", *DOOR_SIZE, prefix="door"))
        model.request_scan(night.texts[0])
        await _until(lambda: screen.word.text() == "ADMIT")
        shots.save(screen, shots.path("admit", *DOOR_SIZE, prefix="door"))
        ctx.clock.advance(120)
        model.request_scan(night.texts[0])
        await _until(lambda: screen.word.text() == "ALREADY USED")
        shots.save(screen, shots.path("already-used", *DOOR_SIZE, prefix="door"))
        await line.cut()
        ctx.clock.advance(door_ctx.settings.door_snapshot_max_age_s + 20 * 60)
        model.request_scan(night.texts[1])
        await _until(lambda: screen.word.text() == "CHECK BY HAND" and not model.state.busy)
        shots.save(screen, shots.path("offline-too-old", *DOOR_SIZE, prefix="door"))
    finally:
        await model.aclose()
        await line_cm.__aexit__(None, None, None)
        screen.close()
        screen.deleteLater()


async def render_real(shots: Shots, *, theme: str = "default", large_text: bool = False) -> None:
    """A freshly seeded demo database (its kiosk key approved), a manual clock, the real flow and door."""
    from core.domain.clock import ManualClock
    from core.ops import seed
    from core.security.device_keys import DeviceKey
    from tests.support import sqlite
    from tests.support.context import open_context

    with tempfile.TemporaryDirectory(prefix="encore-shots-") as tmp:
        folder = Path(tmp)
        db = folder / "demo.sqlite3"
        await sqlite.create_template(db)
        keys = {kind: f"file:{folder / f'{kind}.key'}" for kind in ("kiosk", "door")}
        async with open_context(sqlite.url_for(db), ManualClock(NOW)) as ctx:
            await seed.seed_demo(
                ctx,
                kiosk_key=DeviceKey.load_or_create(keys["kiosk"]),
                door_key=DeviceKey.load_or_create(keys["door"]),
            )
            ctx.settings = replace(ctx.settings, device_key_ref=keys["kiosk"], demo_mode=True)
            await _sale(ctx, shots, folder, theme, large_text)
            if not theme_run(theme, large_text) and shots.wants("door"):
                await _door(ctx, shots, folder)


def render_all(
    out: Path, *, theme: str = "default", large_text: bool = False, only: set[str] | None = None
) -> list[Path]:
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)  # closing one shot's window must not stop the loop under the next
    suffix = "" if not theme_run(theme, large_text) else f"-{theme}{'-large' if large_text else ''}"
    shots = Shots(out, suffix, only)
    out.mkdir(parents=True, exist_ok=True)
    render_stand_ins(shots, theme=theme, large_text=large_text)
    qasync.run(render_real(shots, theme=theme, large_text=large_text))
    app.processEvents()
    if not only and not suffix:  # a full default run: what it no longer produces is stale
        for stale in {*out.glob("kiosk-*.png"), *out.glob("door-*.png")} - set(shots.saved):
            stale.unlink()
    return shots.saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "screenshots")
    parser.add_argument("--theme", default="default")
    parser.add_argument("--large-text", action="store_true")
    parser.add_argument("--only", nargs="*", help="screen names (welcome, seats, ...; 'door' for the door)")
    args = parser.parse_args(argv)
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
        os.environ["QT_QPA_PLATFORM"] = OFFSCREEN  # the kiosk's real screens: windows at their real geometry
    for path in render_all(args.out, theme=args.theme, large_text=args.large_text, only=set(args.only or ())):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
