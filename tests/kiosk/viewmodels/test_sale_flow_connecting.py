"""Welcome before the client is open (kiosk.app paints it, then loads core): what a tap on it does, and how the
kiosk's first answer replaces it with the truth. Real services on the demo database (both engines)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.client.local import LocalClient
from core.config import Settings
from core.domain.devices import DeviceKind
from core.domain.errors import ErrorCode, StorageUnavailable
from core.services import devices
from core.services.context import ServiceContext
from kiosk.devices.print_folder import FolderPrinter
from kiosk.viewmodels.flow_state import Step
from kiosk.viewmodels.printing import TicketPrinting
from kiosk.viewmodels.sale_flow import SaleFlow
from tests.builders import ROOT
from tests.kiosk.conftest import until

UNREACHABLE = "postgresql+asyncpg://encore@127.0.0.1:1/encore"
"""Nothing listens on port 1: opening a client on it fails as a database that is down does."""


@pytest.fixture
async def flow(tmp_path: Path) -> AsyncIterator[SaleFlow]:
    """A flow with no client yet, on Welcome, as kiosk.app shows it before core's services load."""
    printed = tmp_path / "printed"
    printed.mkdir()
    flow = SaleFlow(None, printing=TicketPrinting(FolderPrinter(printed)), poll_s=0.05)
    flow.welcome_while_connecting()
    yield flow
    await flow.aclose()


async def _approve_this_kiosk(ctx: ServiceContext) -> None:
    enrolment = await devices.enrol_this_device(ctx, kind=DeviceKind.KIOSK, name="Kiosk")
    await devices.approve_device(ctx, ROOT, enrolment.device.id)


async def test_a_tap_on_buy_before_the_kiosk_answers_waits_for_it_then_shows_the_concerts(demo, flow):
    await _approve_this_kiosk(demo)
    assert flow.state.step is Step.WELCOME
    assert (flow.state.venue_name, flow.state.concerts, flow.state.enrolment) == ("", (), None)
    flow.set_language("de")  # the screen settings work at once: they need no answer
    flow.request_begin()
    await asyncio.sleep(0.1)
    assert (flow.state.step, flow.state.busy, flow.state.language) == (Step.WELCOME, True, "de")

    await flow.start(LocalClient.over(demo))
    await until(lambda: flow.state.step is Step.CONCERTS and not flow.state.busy)
    assert flow.state.venue_name  # the truth, once loaded: the venue on Welcome's title, the concerts listed
    assert flow.state.concerts
    assert flow.state.enrolment is not None
    assert flow.state.enrolment.status == "approved"


async def test_a_kiosk_not_approved_goes_from_welcome_to_waiting_for_approval_and_a_tap_sells_nothing(
    demo, flow
):
    flow.request_begin()
    await flow.start(LocalClient.over(demo))
    await until(lambda: not flow.state.busy)
    assert flow.state.step is Step.ENROLMENT
    assert flow.state.concerts == ()


async def test_a_database_down_at_start_turns_welcome_into_out_of_service_and_a_waiting_tap_ends(
    demo, flow, expect_log
):
    flow.request_begin()
    settings = Settings(database_url=UNREACHABLE, device_key_ref=demo.settings.device_key_ref)
    with (
        expect_log("core.services.context", "could not compare this machine's clock"),
        expect_log("kiosk.viewmodels.sale_flow", "out of service: storage_unavailable"),
    ):
        async with LocalClient(settings, send_mail=False) as client:
            await flow.start(client)
            await until(lambda: not flow.state.busy)
            assert flow.state.step is Step.OUT_OF_SERVICE
            await flow.aclose()  # its poller would go on trying this client


async def test_a_client_that_cannot_be_opened_shows_out_of_service_then_welcome_once_it_opens(
    demo, flow, expect_log
):
    """kiosk.app tries to open the client again every few seconds and says so to the flow each time."""
    await _approve_this_kiosk(demo)
    flow.request_begin()
    with expect_log("kiosk.viewmodels.sale_flow", "out of service: server_unreachable"):
        flow.cannot_connect(
            StorageUnavailable("The server does not answer.", code=ErrorCode.SERVER_UNREACHABLE)
        )
        await until(lambda: not flow.state.busy)  # the waiting tap ends: nothing to buy from here
    assert flow.state.step is Step.OUT_OF_SERVICE

    await flow.start(LocalClient.over(demo))  # the next try opened it
    await until(lambda: flow.state.step is Step.WELCOME and flow.state.enrolment is not None)
    assert flow.state.venue_name
