"""The same sale flow over the venue server: the kiosk's view-model on a RemoteClient (the real server app, served
in-process over httpx), enrolled by its key, approved by a manager, selling a demo ticket that scans."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from core.api.app import create_app
from core.client.remote import RemoteClient
from core.config import Settings
from core.domain.clock import SystemClock
from core.domain.devices import DeviceKind
from core.domain.places import PlaceState
from core.ops import seed
from core.security.tokens import TokenKey
from core.services import devices
from core.services.context import ServiceContext
from kiosk.devices.print_folder import FolderPrinter
from kiosk.viewmodels.flow_state import PrintPhase, Step
from kiosk.viewmodels.printing import TicketPrinting
from kiosk.viewmodels.sale_flow import SaleFlow
from tests.builders import ROOT, decode_qr_texts, signing_kiosk
from tests.support.context import open_context


async def until(check: Callable[[], object], within: float = 15.0) -> None:
    async with asyncio.timeout(within):
        while not check():  # noqa: ASYNC110 - reached by the flow's own tasks
            await asyncio.sleep(0.02)


@pytest.fixture
async def server_ctx(database_url: str) -> AsyncIterator[ServiceContext]:
    """The server's context on real time: the kiosk counts its hold down by the server's clock."""
    async with open_context(database_url, SystemClock()) as ctx:
        await seed.seed_demo(ctx)
        await signing_kiosk(ctx, "Server signer")  # until the server signs with its own key (server signing)
        ctx.settings = replace(ctx.settings, demo_mode=True)
        yield ctx


async def test_a_whole_sale_through_the_server(server_ctx: ServiceContext, tmp_path: Path) -> None:
    app = create_app(server_ctx.settings, token_key=TokenKey.generate(), ctx=server_ctx)
    transport = httpx.ASGITransport(app=app, client=("10.9.8.7", 4321))
    settings = Settings(server_url="http://encore.test", device_key_ref=f"file:{tmp_path / 'kiosk.key'}")
    printed = tmp_path / "printed"
    printed.mkdir()
    async with RemoteClient(settings, transport=transport) as client:
        flow = SaleFlow(
            client, printing=TicketPrinting(FolderPrinter(printed)), settings=settings, poll_s=0.05
        )
        try:
            await flow.start()
            assert flow.state.step is Step.ENROLMENT  # the server registered the key, pending
            pending = await devices.enrol_this_device(
                replace_settings(server_ctx, settings.device_key_ref), kind=DeviceKind.KIOSK, name="Kiosk"
            )
            await devices.approve_device(server_ctx, ROOT, pending.device.id)
            await until(lambda: flow.state.step is Step.WELCOME)
            assert (flow.state.terminal, flow.state.demo) == ("demo", True)

            flow.request_begin()
            await until(lambda: flow.state.step is Step.CONCERTS and not flow.state.busy)
            flow.request_choose_concert(flow.state.concerts[0].concert.id)
            await until(lambda: flow.state.step is Step.SEATS and not flow.state.busy)
            assert flow.seat_map is not None
            free = [
                p.id
                for p in flow.seat_map.seats
                if flow.seat_map.state_of(p.id) is PlaceState.FREE and not p.accessible
            ][:2]
            for seat in free:
                assert flow.seat_map.toggle(seat)
            flow.request_hold_selection()
            await until(lambda: flow.state.step is Step.REVIEW and not flow.state.busy)
            assert flow.state.countdown is not None
            assert flow.state.countdown.seconds_left > 60
            flow.request_to_payment()
            await until(lambda: flow.state.step is Step.PAYMENT and not flow.state.busy)
            flow.request_pay_demo(True)
            await until(lambda: flow.state.step is Step.DONE or flow.state.print_phase is PrintPhase.FAILED)
            assert flow.state.print_error is None, flow.state.print_error
            assert flow.state.print_phase is PrintPhase.PRINTED
            [pdf] = printed.glob("*.pdf")
            assert len(decode_qr_texts(pdf.read_bytes())) == 2
        finally:
            await flow.aclose()


def replace_settings(ctx: ServiceContext, key_ref: str) -> ServiceContext:
    """The server's database seen with the kiosk machine's key (to find its pending device, as a manager would
    in the admin app)."""
    return ServiceContext(
        settings=replace(ctx.settings, device_key_ref=key_ref), db=ctx.db, bus=ctx.bus, clock=ctx.clock
    )
