"""The seat map's words on the demo plan in a real window: section names beside their seats, never on them; row
letters when zoomed in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGraphicsItem

from core.client.local import LocalClient
from core.services import catalog
from core.services.context import ServiceContext
from kiosk.ui.seat_map_widget import SeatMapWidget
from kiosk.viewmodels.seat_map import SeatMapModel
from kiosk.viewmodels.speech import RecordingSpeaker
from tests.support.kiosk_windows import settle
from tests.support.screens import LANDSCAPE, PORTRAIT, fill_screen


@pytest.fixture
def model(qt_run: Callable[..., Any], kiosk_ctx: ServiceContext) -> Iterator[SeatMapModel]:
    concert_id = qt_run(catalog.list_on_sale(kiosk_ctx))[0].concert.id
    m = qt_run(SeatMapModel.load(LocalClient.over(kiosk_ctx), concert_id))
    yield m
    qt_run(m.aclose())


def shown_widget(qtbot: Any, model: SeatMapModel, size: tuple[int, int]) -> SeatMapWidget:
    widget = SeatMapWidget(model, RecordingSpeaker())
    qtbot.addWidget(widget)
    fill_screen(widget, size)
    widget.show()
    qtbot.waitExposed(widget)
    settle()
    return widget


def in_scene(widget: SeatMapWidget, item: QGraphicsItem) -> QRectF:
    """Where an item drawn at a fixed screen size lies in the scene at the view's current zoom."""
    view = widget.view
    on_screen = item.deviceTransform(view.viewportTransform()).mapRect(item.boundingRect())
    return view.mapToScene(on_screen.toAlignedRect()).boundingRect()


def seats_under(widget: SeatMapWidget, rect: QRectF) -> list[str]:
    model = widget.model
    return [
        f"{model.section_names[p.section_id]} {p.row}{p.number}"
        for p in model.seats
        if widget.seats.items[p.id].sceneBoundingRect().intersects(rect)
    ]


def zooms(widget: SeatMapWidget) -> Iterator[str]:
    """The whole map, then ever closer (as the + button does), up to the largest seats."""
    widget.view.fit()
    settle()
    yield "whole map"
    for step in range(1, 12):
        widget.view.zoom_by(1.25)
        settle()
        yield f"zoomed in {step}x"


@pytest.mark.parametrize("size", [LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
def test_section_names_never_cover_a_seat_at_any_zoom(qtbot, model, size):
    widget = shown_widget(qtbot, model, size)
    labels = widget.seats.furniture.sections
    covered = []
    for zoom in zooms(widget):
        for label in labels:
            if not label.plate.isVisible():
                continue
            if under := seats_under(widget, in_scene(widget, label.plate)):
                covered.append(f"{zoom}: {label.text.text()} covers {under[:4]}")
        if zoom == "whole map":  # the names are there, not just hidden away
            assert all(label.plate.isVisible() for label in labels), zoom
    assert covered == []


def test_row_letters_show_when_zoomed_in_and_cover_no_seat(qtbot, model):
    widget = shown_widget(qtbot, model, LANDSCAPE)
    rows = widget.seats.furniture.rows
    assert rows  # a letter at each end of every row
    widget.view.fit()
    settle()
    assert not any(r.plate.isVisible() for r in rows)  # whole map: too small to read, so not drawn
    widget.view.zoom_by(40 / widget.view.seat_px)  # seats about a finger wide
    settle()
    shown = [r for r in rows if r.plate.isVisible()]
    assert {r.text.text() for r in shown} >= {"A", "B", "C"}
    for letter in shown:
        assert seats_under(widget, in_scene(widget, letter.plate)) == [], letter.text.text()
