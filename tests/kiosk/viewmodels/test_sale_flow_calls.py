"""Which calls the sale flow makes to Encore: recorded on a real LocalClient over the demo database (both engines)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from core.client.local import LocalClient
from core.domain.devices import DeviceKind
from core.domain.places import PlaceState
from core.ops import seed
from core.services import devices
from core.services.context import ServiceContext
from kiosk.devices.print_folder import FolderPrinter
from kiosk.viewmodels.flow_state import Step
from kiosk.viewmodels.printing import TicketPrinting
from kiosk.viewmodels.sale_flow import SaleFlow
from tests.builders import ROOT
from tests.kiosk.conftest import ManualMonotonic, until


class RecordingClient:
    """The real LocalClient, with the name of every call the flow makes to it written down in order."""

    def __init__(self, inner: LocalClient) -> None:
        self.inner = inner
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.inner, name)
        if not callable(found):
            return found

        def recorded(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            return found(*args, **kwargs)

        return recorded

    def since(self, name: str) -> list[str]:
        """The calls after the last call of ``name``."""
        last = len(self.calls) - 1 - self.calls[::-1].index(name)
        return self.calls[last + 1 :]


@pytest.fixture
async def recorded(ctx: ServiceContext, tmp_path: Path) -> AsyncIterator[tuple[SaleFlow, RecordingClient]]:
    await seed.seed_demo(ctx)
    ctx.settings = replace(ctx.settings, device_key_ref=f"file:{tmp_path / 'kiosk.key'}", demo_mode=True)
    enrolment = await devices.enrol_this_device(ctx, kind=DeviceKind.KIOSK, name="Kiosk")
    await devices.approve_device(ctx, ROOT, enrolment.device.id)
    printed = tmp_path / "printed"
    printed.mkdir()
    client = RecordingClient(LocalClient.over(ctx))
    flow = SaleFlow(
        client,  # type: ignore[arg-type]
        printing=TicketPrinting(FolderPrinter(printed)),
        monotonic=ManualMonotonic(),
        poll_s=0.05,
    )
    await flow.start()
    await until(lambda: flow.state.step is Step.WELCOME)
    yield flow, client
    await flow.aclose()


async def _buy_one(flow: SaleFlow) -> None:
    flow.request_begin()
    await until(lambda: flow.state.step is Step.CONCERTS and not flow.state.busy)
    flow.request_choose_concert(flow.state.concerts[0].concert.id)
    await until(lambda: flow.state.step is Step.SEATS and not flow.state.busy)
    seat_map = flow.seat_map
    assert seat_map is not None
    seat = next(p.id for p in seat_map.seats if seat_map.state_of(p.id) is PlaceState.FREE)
    assert seat_map.toggle(seat)
    flow.request_hold_selection()
    await until(lambda: flow.state.step is Step.REVIEW and not flow.state.busy)
    flow.request_to_payment()
    await until(lambda: flow.state.step is Step.PAYMENT and not flow.state.busy)
    flow.request_pay_demo(True)
    await until(lambda: flow.state.step is Step.DONE and not flow.state.busy)


async def test_a_finished_sale_does_not_release_the_hold_it_checked_out(recorded) -> None:
    """The hold became the order: releasing it is a wasted call that can only fail (hold_checked_out)."""
    flow, client = recorded
    await _buy_one(flow)
    assert flow.state.order is not None
    flow.request_finish()
    await until(lambda: flow.state.step is Step.WELCOME and not flow.state.busy)
    await flow.aclose()  # every task the finish started has run its course

    assert "pay_and_checkout" in client.calls
    assert "release_hold" not in client.since("pay_and_checkout")


async def test_a_sale_left_on_the_last_screen_does_not_release_its_hold_either(recorded) -> None:
    """The buyer walks away from Done: the idle timer starts the kiosk over, and still releases nothing."""
    flow, client = recorded
    await _buy_one(flow)
    flow._monotonic.now += 10_000  # type: ignore[attr-defined]  # long past the idle timeout
    await until(lambda: flow.state.step is Step.WELCOME)
    await flow.aclose()

    assert "release_hold" not in client.since("pay_and_checkout")
