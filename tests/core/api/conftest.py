"""The real server app served in-process (httpx's ASGI transport) over a real test database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from litestar import Litestar

from core.api.app import create_app
from core.client.remote import RemoteClient
from core.config import Settings
from core.domain.clock import SystemClock
from core.security.tokens import TokenKey
from core.services.context import ServiceContext
from tests.support.context import open_context


@dataclass
class Served:
    app: Litestar
    ctx: ServiceContext
    token_key: TokenKey

    def transport(self) -> httpx.ASGITransport:
        return httpx.ASGITransport(app=self.app, client=("10.9.8.7", 4321))

    def http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self.transport(), base_url="http://encore.test")

    def client(self, tmp_path, name: str) -> RemoteClient:
        settings = Settings(
            server_url="http://encore.test", device_key_ref=f"file:{tmp_path / f'{name}.key'}"
        )
        return RemoteClient(settings, transport=self.transport())


@pytest.fixture
async def served(ctx: ServiceContext) -> AsyncIterator[Served]:
    key = TokenKey.generate()
    app = create_app(ctx.settings, token_key=key, ctx=ctx)
    return Served(app, ctx, key)


@pytest.fixture
async def served_pg(pg_database_url: str, redis_url: str) -> AsyncIterator[Served]:
    """The app over PostgreSQL with the venue's Redis (the server publishes live events there), on real time:
    a remote device counts holds down by the server's clock."""
    async with open_context(pg_database_url, SystemClock(), redis_url=redis_url) as ctx:
        key = TokenKey.generate()
        yield Served(create_app(ctx.settings, token_key=key, ctx=ctx), ctx, key)
