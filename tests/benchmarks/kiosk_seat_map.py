"""Kiosk seat map on a 20,000-seat arena: build to first paint, and 1,000 live changes + repaint, vs a bare scene.

No database: the arena SeatMap is built in memory. Both the widget and the floor (a bare QGraphicsScene with one
rect per seat, the cheapest possible seat map) are measured in the same run, offscreen, at 1920x1080.
    python -m tests.benchmarks.kiosk_seat_map
"""

from __future__ import annotations

import gc
import os
import random
import time
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

from core.domain.catalog import MapPlace, MapSection, SeatMap
from core.domain.concerts import Concert, ConcertStatus, PriceCategory
from core.domain.ids import CategoryId, ConcertId, PlaceId, PlanId, SectionId, VenueId
from core.domain.money import Money
from core.domain.places import PlaceState
from core.domain.plan_spec import row_label
from core.domain.venues import SectionKind
from tests.benchmarks._common import Result, ms, pct

NAME = "kiosk_seat_map"
TITLE = "Kiosk seat map: 20,000-seat arena, widget vs a bare QGraphicsScene (offscreen, 1920x1080)"

TIERS = (("Floor seats", 9900), ("Lower tier", 7900), ("Middle tier", 5900), ("Upper tier", 3900))
BLOCKS, ROWS, SEATS_PER_ROW = 5, 20, 50  # 4 tiers x 5 blocks x 20 rows x 50 seats = 20,000 seats
STANDING = 1_000
CHANGES = 1_000
REPEATS = 5
SIZE = (1920, 1080)


def arena_seat_map(*, sold_share: float = 0.3, seed: int = 7) -> SeatMap:
    """A 20,000-seat arena in four tiers of five blocks, plus a standing pit; ~30 % of seats already sold."""
    rnd = random.Random(seed)
    now = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    concert = Concert(
        id=ConcertId(1),
        title="Arena Night",
        artist="The Benchmarks",
        venue_id=VenueId(1),
        plan_id=PlanId(1),
        doors_at=now + timedelta(days=30),
        starts_at=now + timedelta(days=30, hours=1),
        sales_open_at=now - timedelta(days=1),
        sales_close_at=now + timedelta(days=30),
        status=ConcertStatus.ON_SALE,
        max_per_order=8,
        hold_seconds=300,
        max_extensions=10,
        reentry_allowed=False,
        currency="EUR",
    )
    categories = [
        PriceCategory(CategoryId(i + 1), concert.id, name, Money(price, "EUR"), "#000000")
        for i, (name, price) in enumerate(TIERS)
    ]
    categories.append(
        PriceCategory(CategoryId(len(TIERS) + 1), concert.id, "Pit", Money(6900, "EUR"), "#000")
    )
    sections: list[MapSection] = []
    places: list[MapPlace] = []
    pid = 1
    block_width = SEATS_PER_ROW + 3  # an aisle between blocks
    for t, (tier, _) in enumerate(TIERS):
        for b in range(BLOCKS):
            sid = SectionId(len(sections) + 1)
            sections.append(MapSection(sid, f"{tier} {b + 1}", SectionKind.SEATED, ROWS * SEATS_PER_ROW))
            for r in range(ROWS):
                for n in range(SEATS_PER_ROW):
                    state = PlaceState.SOLD if rnd.random() < sold_share else PlaceState.FREE
                    places.append(
                        MapPlace(
                            id=PlaceId(pid),
                            section_id=sid,
                            category_id=categories[t].id,
                            state=state,
                            row=row_label(r),
                            number=n + 1,
                            x=float(b * block_width + n),
                            y=float(4 + t * (ROWS + 3) + r),
                            accessible=r == 0 and n in (0, SEATS_PER_ROW - 1),
                            companion=r == 0 and n in (1, SEATS_PER_ROW - 2),
                        )
                    )
                    pid += 1
    pit = SectionId(len(sections) + 1)
    sections.append(MapSection(pit, "Pit", SectionKind.STANDING, STANDING))
    for _ in range(STANDING):
        places.append(MapPlace(PlaceId(pid), pit, categories[-1].id, PlaceState.FREE))
        pid += 1
    return SeatMap(
        concert, "Encore Arena", "Europe/Berlin", tuple(sections), tuple(categories), tuple(places), now
    )


class _Paints:
    """Counts paint events on a viewport, to wait until a repaint has really happened."""

    def __init__(self, viewport: Any) -> None:
        from PySide6.QtCore import QEvent, QObject

        class Filter(QObject):
            def __init__(self, outer: _Paints) -> None:
                super().__init__()
                self.outer = outer

            def eventFilter(self, obj: Any, event: Any) -> bool:
                if event.type() == QEvent.Type.Paint:
                    self.outer.count += 1
                return False

        self.count = 0
        self._filter = Filter(self)
        viewport.installEventFilter(self._filter)

    def settle(self, app: Any, before: int) -> None:
        """Process events until at least one paint after ``before``, then until nothing more is pending."""
        deadline = time.perf_counter() + 5
        while self.count <= before and time.perf_counter() < deadline:
            app.processEvents()
        app.processEvents()


def _dispose(app: Any, *objects: Any) -> None:
    """Really delete the last run's widgets (deleteLater needs a running loop) and collect, so runs start alike."""
    from PySide6.QtCore import QEvent

    for obj in objects:
        obj.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()
    gc.collect()


def _changes(seat_map: SeatMap, rnd: random.Random) -> list[PlaceId]:
    seats = [p.id for p in seat_map.places if p.row is not None]
    return rnd.sample(seats, CHANGES)


def _measure_widget(app: Any, seat_map: SeatMap, rnd: random.Random) -> dict[str, list[float]]:
    from PySide6.QtWidgets import QGraphicsScene

    from core.services.live import AvailabilityView
    from kiosk.ui.seat_map_widget import SeatMapWidget
    from kiosk.viewmodels.seat_map import SeatMapModel
    from kiosk.viewmodels.speech import SilentSpeaker

    out: dict[str, list[float]] = {"build": [], "first_paint": [], "changes": [], "repaint": [], "bsp": []}
    for _ in range(REPEATS):
        started = time.perf_counter()
        model = SeatMapModel(seat_map)
        widget = SeatMapWidget(
            model, SilentSpeaker(), index_method=QGraphicsScene.ItemIndexMethod.BspTreeIndex
        )
        widget.resize(*SIZE)
        built = time.perf_counter()
        widget.grab()
        painted = time.perf_counter()
        out["build"].append(built - started)
        out["first_paint"].append(painted - started)
        widget.show()
        paints = _Paints(widget.view.viewport())
        paints.settle(app, -1)

        states = dict(model.state.states)
        flipped = _changes(seat_map, rnd)
        for p in flipped:
            states[p] = PlaceState.FREE if states[p] is not PlaceState.FREE else PlaceState.HELD
        view = AvailabilityView(
            concert_id=seat_map.concert.id,
            states=MappingProxyType(states),
            availability=MappingProxyType(dict(model.state.availability)),
            changed=frozenset(flipped),
            reloaded=False,
            live=True,
            storage_ok=True,
            as_of=seat_map.as_of,
        )
        before = paints.count
        started = time.perf_counter()
        model.apply_view(view)
        applied = time.perf_counter()
        paints.settle(app, before)
        done = time.perf_counter()
        out["changes"].append(applied - started)
        out["repaint"].append(done - started)
        widget.close()
        _dispose(app, widget)
    return out


def _measure_floor(app: Any, seat_map: SeatMap, rnd: random.Random) -> dict[str, list[float]]:
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QBrush, QColor, QPen
    from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

    seats = [p for p in seat_map.places if p.row is not None]
    brushes = [QBrush(QColor(c)) for c in ("#0072B2", "#E69F00", "#009E73", "#CC79A7")]
    grey, pen = QBrush(QColor("#8a8a8a")), QPen(QColor("#2b2b2b"), 2)
    out: dict[str, list[float]] = {"build": [], "first_paint": [], "repaint": []}
    for _ in range(REPEATS):
        started = time.perf_counter()
        scene = QGraphicsScene()
        items = {}
        for p in seats:
            items[p.id] = scene.addRect(QRectF(p.x * 40 - 16, p.y * 40 - 16, 32, 32), pen, brushes[0])
        view = QGraphicsView(scene)
        view.resize(*SIZE)
        view.fitInView(scene.itemsBoundingRect())
        built = time.perf_counter()
        view.grab()
        painted = time.perf_counter()
        out["build"].append(built - started)
        out["first_paint"].append(painted - started)
        view.show()
        paints = _Paints(view.viewport())
        paints.settle(app, -1)
        flipped = _changes(seat_map, rnd)
        before = paints.count
        started = time.perf_counter()
        for p in flipped:
            items[p].setBrush(grey)
        paints.settle(app, before)
        out["repaint"].append(time.perf_counter() - started)
        view.close()
        _dispose(app, view, scene)
    return out


def measure() -> Result:
    """Run both measurements in this process (a QApplication is created if there is none)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6 import __version__ as pyside_version
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    seat_map = arena_seat_map()
    rnd = random.Random(11)
    seats = sum(1 for p in seat_map.places if p.row is not None)
    result = Result(NAME, TITLE)
    result.setup = {
        "plan": f"{seats:,} seats in {len(seat_map.sections) - 1} blocks + {STANDING:,} standing",
        "repeats": f"{REPEATS} (median shown, p100 in the note)",
        "qt": f"PySide6 {pyside_version}, {os.environ.get('QT_QPA_PLATFORM')}",
    }
    floor = _measure_floor(app, seat_map, rnd)
    widget = _measure_widget(app, seat_map, rnd)

    def med(values: list[float]) -> float:
        return ms(pct(values, 50))

    def worst(values: list[float]) -> str:
        return f"max {ms(max(values))} ms"

    result.add("build (model + scene + view)", med(widget["build"]), "ms", "", worst(widget["build"]))
    result.add(
        "build to first paint (grab)",
        med(widget["first_paint"]),
        "ms",
        f"floor {med(floor['first_paint'])} ms",
        worst(widget["first_paint"]),
    )
    result.add("1,000 changes: model + scene", med(widget["changes"]), "ms", "", worst(widget["changes"]))
    result.add(
        "1,000 changes + repaint",
        med(widget["repaint"]),
        "ms",
        f"floor {med(floor['repaint'])} ms",
        worst(widget["repaint"]),
    )
    result.add("floor: bare scene build", med(floor["build"]), "ms", "", "20,000 addRect + view")
    for key, measured in (("first_paint", "first_paint"), ("changes", "repaint")):
        bare = f"bare QGraphicsScene, one rect per seat: {med(floor[measured]):,.0f} ms"
        result.headline(key, med(widget[measured]), "ms", bare)
    return result


async def run(env: Any = None, *, scale: float = 1.0) -> Result:
    """The tests.benchmarks entry point; needs no database (env is unused)."""
    return measure()


if __name__ == "__main__":
    from tests.benchmarks.__main__ import render

    res = measure()
    print(render([res], {"python": __import__("platform").python_version()}))
