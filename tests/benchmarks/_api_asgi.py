"""The framework's own CPU per request, without a network or a load generator: ASGI calls straight into the app.

On a shared 2-core machine wall-clock rates swing with other people's load; CPU time per request (this
process's time.process_time) does not, so this is the steadier comparison of the two apps' overhead.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

Asgi = Callable[..., Any]


@asynccontextmanager
async def running(app: Asgi) -> AsyncIterator[None]:
    """The ASGI lifespan: startup before, shutdown after (each app opens its ServiceContext there)."""
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    task = asyncio.create_task(app(scope, inbox.get, outbox.put))
    await inbox.put({"type": "lifespan.startup"})
    started = await outbox.get()
    if started["type"] != "lifespan.startup.complete":
        raise RuntimeError(f"the app did not start: {started}")
    try:
        yield
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await outbox.get()
        await task


async def call(app: Asgi, method: str, path: str, token: str, body: bytes = b"") -> tuple[int, bytes]:
    headers = [
        (b"host", b"bench"),
        (b"authorization", f"Bearer {token}".encode()),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    delivered = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


async def cpu_per_request(
    app: Asgi, token: str, concert_id: int, section_id: int, *, pings: int, holds: int, seed: str
) -> dict[str, float]:
    """Sequential requests; CPU ms per ping and per hold (the hold includes the service's own CPU, the same
    for both apps, so the difference between the apps is theirs)."""
    async with running(app):
        for _ in range(50):  # warm up: first-request caches, prepared statements
            await call(app, "GET", "/v1/ping", token)
        t0 = time.process_time()
        for _ in range(pings):
            status, _body = await call(app, "GET", "/v1/ping", token)
            assert status == 200, status
        ping_ms = 1000 * (time.process_time() - t0) / pings
        t0, wall = time.process_time(), time.perf_counter()
        for i in range(holds):
            body: dict[str, object] = {"concert_id": concert_id, "section_id": section_id}
            body |= {"quantity": 1 + i % 4, "request_key": f"{seed}-{i}"}
            status, reply = await call(app, "POST", "/v1/holds/standing", token, json.dumps(body).encode())
            assert status == 201, (status, reply[:300])
        hold_ms = 1000 * (time.process_time() - t0) / holds
        hold_wall_ms = 1000 * (time.perf_counter() - wall) / holds
    return {
        "ping_cpu_ms": round(ping_ms, 4),
        "hold_cpu_ms": round(hold_ms, 3),
        "hold_wall_ms": round(hold_wall_ms, 2),
    }
