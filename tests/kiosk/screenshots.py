"""Render every kiosk screen offscreen to resources/screenshots/kiosk-<screen>-<WxH>.png (landscape and portrait).

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.kiosk.screenshots [--out DIR] [--theme high_contrast]

The screens are fed hand-built FlowState snapshots (a few concerts, a hold, an order) through a small stand-in
for SaleFlow, so every screen can be shown in one run without a database; the tests drive the real SaleFlow.
"""

from __future__ import annotations

import argparse
import os
import sys
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
from kiosk.viewmodels.seat_map import SeatMapModel

ROOT = Path(__file__).resolve().parents[2]
SIZES = ((1920, 1080), (1080, 1920))
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


def render_all(
    out: Path, *, theme: str = "default", large_text: bool = False, only: set[str] | None = None
) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.main_window import MainWindow
    from kiosk.ui.theme import Theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    all_states = states()
    model = SeatMapModel(seat_map(all_states["seats"].concert.concert))  # type: ignore[union-attr]
    model.toggle(PlaceId(42))
    model.toggle(PlaceId(43))
    flow = StandInFlow(all_states["welcome"], model)
    window = MainWindow(flow, theme=Theme(app, name=theme, large_text=large_text))
    suffix = "" if theme == "default" and not large_text else f"-{theme}{'-large' if large_text else ''}"
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    try:
        for width, height in SIZES:
            window.resize(width, height)
            window.show()
            for name, state in all_states.items():
                if only and name not in only:
                    continue
                flow.show(state)
                app.processEvents()
                path = out / f"kiosk-{name}{suffix}-{width}x{height}.png"
                window.grab().save(str(path))
                saved.append(path)
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "screenshots")
    parser.add_argument("--theme", default="default")
    parser.add_argument("--large-text", action="store_true")
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for path in render_all(args.out, theme=args.theme, large_text=args.large_text, only=set(args.only or ())):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
