"""PostgreSQL round trips per hold and per checkout as the venue server makes them: the real app (token check,
services, bus) served in this process through httpx's ASGI transport, its engine's sockets counted."""

from __future__ import annotations

import asyncio
import logging
import secrets
from pathlib import Path

import httpx

from core.api.app import create_app
from core.client.remote import RemoteClient
from core.config import Settings
from core.db.transaction import Database
from core.domain.clock import SystemClock
from core.domain.devices import DeviceKind
from core.domain.payments import PaymentInput, SimulatedCard, StaffPin
from core.security.device_keys import DeviceKey
from core.security.tokens import TokenKey
from core.services import devices
from core.services.context import ServiceContext
from tests.benchmarks._common import Env, RoundTrips
from tests.builders import ROOT
from tests.support.context import memory_signer, pin_key_ref

ORDERS = 20
WARM = 3


async def round_trips(env: Env, folder: Path, pin: tuple[int, str], *, demo: bool) -> tuple[float, float]:
    """(per hold, per checkout): ORDERS sequential 2-place orders after WARM unmeasured ones."""
    async with env.context(pool_size=2, bus="null") as (ctx, _):
        stage = await env.stage(ctx, rows=1, seats_per_row=2, standing=4 * (ORDERS + WARM), max_per_order=4)
        ref = f"file:{folder / f'trips-{int(demo)}.key'}"
        key = await asyncio.to_thread(DeviceKey.load_or_create, ref)
        name = f"Bench round trips {stage.id}"
        device = await devices.register_device(
            ctx, name=name, kind=DeviceKind.KIOSK, public_key=key.public_key_bytes
        )
        await devices.approve_device(ctx, ROOT, device.id)
    counter = RoundTrips()
    db = Database(env.engine(pool_size=2))
    counter.attach(db.engine)
    bus, _ = env.bus("real")
    settings = Settings(
        database_url=env.url, redis_url=env.redis_url or "", demo_mode=demo, pin_key_ref=pin_key_ref(env.url)
    )
    signer = await memory_signer(db, SystemClock())  # the server signs every ticket it sells
    server_ctx = ServiceContext(settings=settings, db=db, bus=bus, clock=SystemClock(), signer=signer)
    app = create_app(settings, token_key=TokenKey.from_text(secrets.token_urlsafe(48)), ctx=server_ctx)
    logging.getLogger("httpx").setLevel(
        logging.WARNING
    )  # Litestar's logging config says INFO: one line per call
    given: PaymentInput = SimulatedCard(True) if demo else StaffPin(*pin)
    holds = checkouts = 0
    try:
        client_settings = Settings(server_url="http://bench.test", device_key_ref=ref)
        async with RemoteClient(client_settings, transport=httpx.ASGITransport(app=app)) as client:
            await client.enrol(DeviceKind.KIOSK, name)
            for i in range(WARM + ORDERS):
                counter.count, counter.enabled = 0, i >= WARM
                hold = await client.hold_standing(stage.id, stage.standing, 2, request_key=f"rt-{demo}-{i}")
                holds += counter.count
                counter.count = 0
                await client.pay_and_checkout(hold.id, given, idempotency_key=f"rt-pay-{demo}-{i}")
                checkouts += counter.count
    finally:
        counter.enabled = False
        await bus.close()
        await db.dispose()
    return holds / ORDERS, checkouts / ORDERS
