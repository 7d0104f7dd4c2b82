"""The seat map widget on the seeded demo: drawing, taps, live holds from another kiosk, keys and speech."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from core.client.local import LocalClient
from core.domain.ids import PlaceId
from core.domain.places import PlaceState
from core.services import catalog, sales
from core.services.context import ServiceContext
from kiosk.ui.seat_map_look import HIGH_CONTRAST, LABEL_PX
from kiosk.ui.seat_map_scene import PALETTE, Look, SeatScene
from kiosk.ui.seat_map_view import FINGER_PX
from kiosk.ui.seat_map_widget import SeatMapWidget
from kiosk.ui.theme import Theme
from kiosk.viewmodels.seat_map import SeatMapModel
from kiosk.viewmodels.speech import RecordingSpeaker
from tests.builders import signing_kiosk


@pytest.fixture
def model(qt_run: Callable[..., Any], kiosk_ctx: ServiceContext) -> Iterator[SeatMapModel]:
    concert_id = qt_run(catalog.list_on_sale(kiosk_ctx))[0].concert.id
    m = qt_run(SeatMapModel.load(LocalClient.over(kiosk_ctx), concert_id))
    yield m
    qt_run(m.aclose())


@pytest.fixture
def speaker() -> RecordingSpeaker:
    return RecordingSpeaker()


@pytest.fixture
def widget(qtbot: Any, model: SeatMapModel, speaker: RecordingSpeaker) -> SeatMapWidget:
    w = SeatMapWidget(model, speaker)
    qtbot.addWidget(w)
    w.resize(1920, 1080)
    w.show()
    qtbot.waitExposed(w)
    return w


def seat(model: SeatMapModel, section: str, row: str, number: int) -> PlaceId:
    return next(
        p.id
        for p in model.seats
        if (model.section_names[p.section_id], p.row, p.number) == (section, row, number)
    )


def seat_pos(widget: SeatMapWidget, place: PlaceId) -> QPoint:
    return widget.view.mapFromScene(widget.seats.items[place].sceneBoundingRect().center())


def brush_colour(widget: SeatMapWidget, place: PlaceId) -> QColor:
    return widget.seats.items[place].brush().color()


def test_every_seat_of_the_plan_is_drawn_once(widget: SeatMapWidget, model: SeatMapModel) -> None:
    seated = [p for p in model.places.values() if p.row is not None]
    drawn = [i for i in widget.seats.scene.items() if i.data(0) is not None]
    assert len(drawn) == len(seated) == 1_200  # demo: 600 stalls + 400 circle + 200 balcony
    assert {i.data(0) for i in drawn} == {p.id for p in seated}


def test_seats_are_coloured_by_price_category(widget: SeatMapWidget, model: SeatMapModel) -> None:
    stalls, circle, balcony = (seat(model, s, "C", 5) for s in ("Stalls", "Circle", "Balcony"))
    colours = {brush_colour(widget, p).name().upper() for p in (stalls, circle, balcony)}
    assert len(colours) == 3
    assert colours <= set(PALETTE)
    # The dearest category gets the first palette colour.
    assert brush_colour(widget, stalls).name().upper() == PALETTE[0]
    same_category = seat(model, "Stalls", "T", 30)
    assert brush_colour(widget, same_category) == brush_colour(widget, stalls)


def test_a_tap_on_a_small_map_zooms_in_then_a_tap_chooses(
    qtbot: Any, widget: SeatMapWidget, model: SeatMapModel
):
    place = seat(model, "Stalls", "C", 12)
    view = widget.view
    assert view.seat_px < FINGER_PX  # the whole demo hall at 1920x1080: seats are smaller than a finger
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=seat_pos(widget, place))
    assert view.seat_px >= FINGER_PX
    assert model.state.selection == ()

    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=seat_pos(widget, place))
    assert model.state.selection == (place,)
    assert widget.seats.drawn_look(place) is Look.SELECTED
    assert "1 of 8 seats chosen" in widget.panel.choice.text()

    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=seat_pos(widget, place))
    assert model.state.selection == ()
    assert widget.seats.drawn_look(place) is Look.FREE


def test_a_tap_between_tiny_seats_zooms_in_there(qtbot: Any, widget: SeatMapWidget, model: SeatMapModel):
    view = widget.view
    row = sorted((p for p in model.seats if p.row == "C" and model.section_names[p.section_id] == "Stalls"),
                 key=lambda p: p.x)  # fmt: skip
    left, right = max(
        itertools.pairwise(p.id for p in row), key=lambda ids: model.places[ids[1]].x - model.places[ids[0]].x
    )
    between = widget.seats.items[left].sceneBoundingRect().center()
    between.setX((between.x() + widget.seats.items[right].sceneBoundingRect().center().x()) / 2)
    tap = view.mapFromScene(between)
    assert view.seat_px < FINGER_PX
    assert widget.seats.place_at(view.items(tap)) is None  # the gap itself, no seat under the finger
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=tap)
    assert view.seat_px >= FINGER_PX  # feedback: the map zooms in where the finger was
    assert view.viewport().rect().contains(seat_pos(widget, left))
    assert model.state.selection == ()


def test_a_drag_pans_and_does_not_choose(qtbot: Any, widget: SeatMapWidget, model: SeatMapModel) -> None:
    view = widget.view
    view.zoom_by(4)
    start = view.viewport().rect().center()
    before = view.mapToScene(start)
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view.viewport(), start + QPoint(150, 90))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=start + QPoint(150, 90))
    assert view.mapToScene(start) != before
    assert model.state.selection == ()


def test_a_hold_by_another_kiosk_greys_the_seat_by_a_live_event(
    qtbot: Any,
    qt_run: Callable[..., Any],
    kiosk_ctx: ServiceContext,
    widget: SeatMapWidget,
    model: SeatMapModel,
) -> None:
    chosen, other = seat(model, "Circle", "B", 4), seat(model, "Circle", "B", 5)
    model.start(LocalClient.over(kiosk_ctx))
    qtbot.waitUntil(lambda: model.state.version >= 1)  # the first live view
    model.toggle(chosen)
    till = qt_run(signing_kiosk(kiosk_ctx, "Box office till"))
    qt_run(sales.hold_places(kiosk_ctx, till, model.seat_map.concert.id, [chosen, other]))

    qtbot.waitUntil(lambda: widget.seats.drawn_look(other) is Look.TAKEN, timeout=5000)
    qtbot.waitUntil(lambda: widget.seats.drawn_look(chosen) is Look.TAKEN, timeout=5000)
    assert model.state.selection == ()
    assert widget.panel.notice.isVisibleTo(widget)
    assert "Circle, row B, seat 4 was just taken by someone else" in widget.panel.notice.text()
    assert widget.seats.items[other].brush().style() == Qt.BrushStyle.DiagCrossPattern  # not colour alone


def test_arrow_keys_walk_the_seats_and_speak_them(
    qtbot: Any, widget: SeatMapWidget, model: SeatMapModel, speaker: RecordingSpeaker
) -> None:
    view = widget.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    first = seat(model, "Stalls", "A", 1)
    assert model.state.cursor == first
    price = model.categories[model.places[first].category_id].price.format().split(" ")[1]
    assert speaker.said[-1] == f"Stalls, row A, seat 1, {price} euros, wheelchair space, free"
    assert widget.seats.cursor.isVisible()
    assert widget.seats.cursor.sceneBoundingRect().contains(widget.seats.items[first].sceneBoundingRect())

    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    target = seat(model, "Stalls", "B", 3)
    assert model.state.cursor == target
    assert speaker.said[-1].startswith("Stalls, row B, seat 3, ")

    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert model.state.selection == (target,)
    assert speaker.said[-1].endswith(", selected")
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert model.state.selection == ()
    assert speaker.said[-1].endswith(", free")


def test_the_maximum_per_order_is_shown_and_spoken(
    qtbot: Any, widget: SeatMapWidget, model: SeatMapModel, speaker: RecordingSpeaker
) -> None:
    row = [seat(model, "Balcony", "D", n) for n in range(1, 10)]
    for p in row[:8]:
        assert model.toggle(p)
    widget.view.zoom_to_usable(QPointF(seat_pos(widget, row[8])))
    QApplication.processEvents()
    clear_at = widget.panel.clear.mapTo(widget, QPoint(0, 0))
    qtbot.mouseClick(widget.view.viewport(), Qt.MouseButton.LeftButton, pos=seat_pos(widget, row[8]))
    assert model.state.selection == tuple(row[:8])
    assert widget.panel.notice.text() == "You can choose up to 8 seats."
    assert widget.panel.notice.isVisibleTo(widget)
    QApplication.processEvents()
    # The notice comes under the panel's actions: they stay where the buyer's finger expects them.
    assert widget.panel.clear.mapTo(widget, QPoint(0, 0)) == clear_at
    assert speaker.said[-1] == "You can choose up to 8 seats."
    assert widget.seats.drawn_look(row[8]) is Look.FREE


def test_a_missed_snapshot_is_caught_up_by_comparing_every_seat(model: SeatMapModel, qapp: Any) -> None:
    scene = SeatScene(model)  # not subscribed: it sees only the snapshots handed to it
    a, b = seat(model, "Stalls", "E", 1), seat(model, "Stalls", "E", 2)
    model.toggle(a)
    model.toggle(b)  # version 2; the scene last drew version 0 and never saw version 1
    assert scene.render(model.state) == 2
    assert scene.drawn_look(a) is Look.SELECTED
    assert scene.drawn_look(b) is Look.SELECTED
    assert scene.render(model.state) == 0  # idempotent: drawing the same snapshot again changes nothing


def test_taken_seats_from_the_database_are_drawn_taken(
    qtbot: Any, qt_run: Callable[..., Any], kiosk_ctx: ServiceContext, speaker: RecordingSpeaker
) -> None:
    concert_id = qt_run(catalog.list_on_sale(kiosk_ctx))[0].concert.id
    first = qt_run(SeatMapModel.load(LocalClient.over(kiosk_ctx), concert_id))
    place = seat(first, "Stalls", "A", 5)
    till = qt_run(signing_kiosk(kiosk_ctx, "Box office till"))
    qt_run(sales.hold_places(kiosk_ctx, till, concert_id, [place]))
    model = qt_run(SeatMapModel.load(LocalClient.over(kiosk_ctx), concert_id))
    assert model.state.states[place] is PlaceState.HELD
    w = SeatMapWidget(model, speaker)
    qtbot.addWidget(w)
    assert w.seats.drawn_look(place) is Look.TAKEN
    assert w.view.accessibleName() == "Seat map"
    assert "Arrow keys" in w.view.accessibleDescription()


def test_the_wheel_zooms_around_the_pointer_and_whole_map_fits_again(
    qtbot: Any, widget: SeatMapWidget, model: SeatMapModel
) -> None:
    view = widget.view
    fit = view.seat_px
    place = seat(model, "Circle", "H", 6)
    pos = QPointF(seat_pos(widget, place))
    for _ in range(3):
        wheel = QWheelEvent(
            pos,
            QPointF(view.viewport().mapToGlobal(pos.toPoint())),
            QPoint(),
            QPoint(0, 120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(view.viewport(), wheel)
    assert view.seat_px == pytest.approx(fit * 1.25**3)
    # The seat stays under the pointer vertically; across, the plan is still narrower than the view and is
    # kept centred.
    assert abs(seat_pos(widget, place).y() - pos.y()) <= 4  # whole-pixel scrolling: up to 1 px a step
    qtbot.mouseClick(widget.zoom_fit, Qt.MouseButton.LeftButton)
    assert view.seat_px == pytest.approx(fit)


def themed(
    qtbot: Any, model: SeatMapModel, speaker: RecordingSpeaker, **look: bool
) -> tuple[SeatMapWidget, Theme]:
    """The map in a window themed as the kiosk's main window is, at 1920x1080."""
    window = QWidget()
    qtbot.addWidget(window)
    theme = Theme(window, name="high_contrast" if look.get("high_contrast") else "default")
    theme.set_large_text(look.get("large_text", False))
    w = SeatMapWidget(model, speaker)
    QVBoxLayout(window).addWidget(w)
    window.resize(1920, 1080)
    window.show()
    qtbot.waitExposed(window)
    return w, theme


def contrast(a: QColor, b: QColor) -> float:
    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def swatch_centre(widget: SeatMapWidget, row: int) -> str:
    icon = widget.panel.legend._swatches[row][0]
    return icon.pixmap().toImage().pixelColor(14, 14).name().upper()


def test_high_contrast_repaints_the_map_and_switching_back_restores_it(
    qtbot: Any, model: SeatMapModel, speaker: RecordingSpeaker
) -> None:
    widget, theme = themed(qtbot, model, speaker)
    stalls, chosen = seat(model, "Stalls", "C", 5), seat(model, "Circle", "B", 3)
    assert model.toggle(chosen)

    def background() -> str:
        return widget.seats.scene.backgroundBrush().color().name()

    qtbot.waitUntil(lambda: widget.seats.look.label_px == LABEL_PX)
    assert background() == "#f7f7f4"
    assert brush_colour(widget, stalls).name().upper() == PALETTE[0] == swatch_centre(widget, 0)
    default_chosen = brush_colour(widget, chosen).name()

    theme.set_high_contrast(True)
    qtbot.waitUntil(lambda: background() == "#000000")
    assert widget.seats.look.high_contrast
    assert brush_colour(widget, stalls).name().upper() == HIGH_CONTRAST.palette[0] == swatch_centre(widget, 0)
    assert brush_colour(widget, chosen).name() == "#ffffff" != default_chosen  # white, with a black tick
    assert widget.seats.drawn_look(chosen) is Look.SELECTED
    assert widget.seats.items[stalls].pen().width() == HIGH_CONTRAST.outline_px
    label = widget.seats.furniture.sections[0].text
    assert label.brush().color().name() == "#ffffff"
    black = QColor("#000000")
    colours = [QColor(c) for c in HIGH_CONTRAST.palette]
    assert min(contrast(c, black) for c in colours) >= 7  # WCAG AAA against the background
    assert len({c.name() for c in colours}) == len(colours)

    theme.set_high_contrast(False)
    qtbot.waitUntil(lambda: background() == "#f7f7f4")
    assert brush_colour(widget, stalls).name().upper() == PALETTE[0] == swatch_centre(widget, 0)
    assert brush_colour(widget, chosen).name() == default_chosen
    assert not widget.seats.look.high_contrast


@pytest.mark.parametrize("high_contrast", [False, True])
def test_large_text_clips_nothing_in_the_legend_nor_the_standing_banner(
    qtbot: Any, model: SeatMapModel, speaker: RecordingSpeaker, high_contrast: bool
) -> None:
    widget, _theme = themed(qtbot, model, speaker, large_text=True, high_contrast=high_contrast)
    qtbot.waitUntil(lambda: widget.seats.look.label_px > LABEL_PX)
    legend = widget.panel.legend
    labels = [w for w in legend.findChildren(QLabel) if w.text()]
    assert "Wheelchair space" in [w.text() for w in labels]

    def clipped() -> list[str]:
        return [w.text() for w in labels if w.sizeHint().width() > w.width()]

    qtbot.waitUntil(lambda: not clipped())  # in one column of symbols, or two where both fit whole
    view = widget.view
    assert model.state.standing
    for banner in widget.seats.furniture.standing.values():
        fitted, box = banner.fitted(banner.deviceTransform(view.viewportTransform()))
        width, height = fitted.size()
        assert width <= box.width()
        assert height <= box.height()
        assert fitted.font.pixelSize() >= 20  # still kiosk body text, on two lines if need be
