"""The kiosk screens' flows: the real SaleFlow on the demo database, and a stand-in for hand-built snapshots."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from core.client.local import LocalClient
from core.domain.devices import DeviceKind
from core.services import devices
from core.services.context import ServiceContext
from kiosk.devices.print_folder import FolderPrinter
from kiosk.viewmodels.flow_state import Step
from kiosk.viewmodels.printing import TicketPrinting
from kiosk.viewmodels.sale_flow import SaleFlow
from kiosk.viewmodels.seat_map import SeatMapModel
from tests.builders import ROOT
from tests.kiosk import screenshots


@pytest.fixture
def real_flow(kiosk_ctx: ServiceContext, qt_run: Any, qtbot: Any, tmp_path: Path) -> Iterator[SaleFlow]:
    """The real SaleFlow on the seeded demo database, enrolled and approved: it stands on WELCOME."""
    kiosk_ctx.settings = replace(
        kiosk_ctx.settings, device_key_ref=f"file:{tmp_path / 'kiosk.key'}", demo_mode=True
    )
    (tmp_path / "printed").mkdir()
    flow = SaleFlow(
        LocalClient.over(kiosk_ctx),
        printing=TicketPrinting(FolderPrinter(tmp_path / "printed")),
        settings=kiosk_ctx.settings,
        poll_s=0.05,
    )
    flow.request_start()  # it waits for approval, polling, until the manager below approves it
    qtbot.waitUntil(lambda: flow.state.step is Step.ENROLMENT, timeout=10_000)
    enrolment = qt_run(devices.enrol_this_device(kiosk_ctx, kind=DeviceKind.KIOSK, name="Kiosk"))
    qt_run(devices.approve_device(kiosk_ctx, ROOT, enrolment.device.id))
    qtbot.waitUntil(lambda: flow.state.step is Step.WELCOME and bool(flow.state.venue_name), timeout=10_000)
    yield flow
    qt_run(flow.aclose())


@pytest.fixture
def stand_in(qtbot: Any) -> screenshots.StandInFlow:
    """Hand-built snapshots for the screens a real sale reaches only after a payment (layout checks only)."""
    states = screenshots.states()
    model = SeatMapModel(screenshots.seat_map(states["seats"].concert.concert))  # type: ignore[union-attr]
    return screenshots.StandInFlow(states["welcome"], model)
