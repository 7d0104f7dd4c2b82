"""MQTT test helpers: a subscriber on the real broker, unique names per test, and a cuttable TCP proxy."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import aiomqtt
import pytest

from tests.support.probes import free_port


@pytest.fixture
def token() -> str:
    """Unique per test, inside every gate and device name it uses: parallel runs on a shared broker stay apart."""
    return uuid.uuid4().hex[:12]


def host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 1883


@asynccontextmanager
async def subscribed(mqtt_url: str, topic: str) -> AsyncIterator[aiomqtt.Client]:
    host, port = host_port(mqtt_url)
    async with aiomqtt.Client(host, port, identifier=f"encore-test-sub-{uuid.uuid4().hex[:8]}") as client:
        await client.subscribe(topic, qos=1)
        yield client


async def collect(client: aiomqtt.Client, token: str, *, window_s: float) -> list[aiomqtt.Message]:
    """Every message whose topic contains ``token`` that arrives within the window (others are ignored)."""
    got: list[aiomqtt.Message] = []
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(window_s):
            async for message in client.messages:
                if token in message.topic.value:
                    got.append(message)
    return got


class Proxy:
    """A TCP proxy in front of the broker that a test can cut (drop every link) or stop and start again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.url = f"mqtt://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        await self.cut()

    async def cut(self) -> None:
        for writer in list(self._links):
            writer.transport.abort()
        self._links.clear()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self._links |= {writer, up_writer}
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pump(source, sink))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        sink.transport.abort()


@pytest.fixture
async def proxy(mqtt_url: str) -> AsyncIterator[Proxy]:
    p = Proxy(host_port(mqtt_url))
    await p.start()
    yield p
    await p.stop()
