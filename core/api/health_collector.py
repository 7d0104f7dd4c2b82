"""The server hears the devices' health on MQTT while it runs and keeps the latest report of each (the
dashboard reads it through the API; devices never talk to the admin app directly)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import AsyncIterator

from core.security.secret_store import resolve_secret
from core.services.context import ServiceContext

__all__ = ["collecting_health"]


@contextlib.asynccontextmanager
async def collecting_health(ctx: ServiceContext) -> AsyncIterator[None]:
    """Listen while the context is open, when a broker is configured (mqtt_url); nothing otherwise."""
    if not ctx.settings.mqtt_url:
        yield
        return
    from core.iot.health_listener import listen_for_health  # aiomqtt only when a broker is configured

    password = await asyncio.to_thread(resolve_secret, ctx.settings.mqtt_password_ref)
    # One client id per process: the broker drops the older of two clients with one id.
    client_id = f"encore-server-{socket.gethostname()[:40]}-{os.getpid()}-health"
    task = asyncio.create_task(
        listen_for_health(
            ctx.settings.mqtt_url, ctx.health, ctx.clock, client_id=client_id, password=password
        ),
        name="device-health",
    )
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
