"""Rotating the server's token key through the API: a device signed in under the old key keeps working while the
servers accept the previous key (no new sign-in), and signs in again by itself once the old key is dropped."""

from __future__ import annotations

import httpx
import pytest
from litestar import Litestar

from core.api.app import create_app, load_token_key
from core.client.remote import RemoteClient
from core.config import Settings
from core.domain.devices import DeviceKind
from core.domain.errors import ConfigError
from core.security.tokens import TokenKey
from core.services import devices
from tests.builders import ROOT, build_stage


class Replicas(httpx.AsyncBaseTransport):
    """The address the device talks to; which server app answers behind it can change (a rolling restart)."""

    def __init__(self, app: Litestar) -> None:
        self.app = app
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        inner = httpx.ASGITransport(app=self.app, client=("10.9.8.7", 4321))
        return await inner.handle_async_request(request)


async def test_a_rotated_token_key_keeps_signed_in_devices_working_then_they_sign_in_again(ctx, tmp_path):
    stage = await build_stage(ctx)
    old, new = TokenKey.generate(), TokenKey.generate()
    replicas = Replicas(create_app(ctx.settings, token_key=old, ctx=ctx))
    settings = Settings(server_url="http://encore.test", device_key_ref=f"file:{tmp_path / 'kiosk.key'}")
    async with RemoteClient(settings, transport=replicas) as kiosk:
        device = (await kiosk.enrol(DeviceKind.KIOSK, "Foyer")).device
        await devices.approve_device(ctx, ROOT, device.id)
        assert (await kiosk.enrol(DeviceKind.KIOSK, "Foyer")).approved
        assert replicas.paths.count("/v1/auth/challenge") == 1

        replicas.app = create_app(
            ctx.settings, token_key=new.accepting(old), ctx=ctx
        )  # rotated, old accepted
        assert [s.concert.id for s in await kiosk.list_on_sale()] == [stage.id]
        assert replicas.paths.count("/v1/auth/challenge") == 1  # the old token was still good

        replicas.app = create_app(ctx.settings, token_key=new, ctx=ctx)  # the previous key dropped
        assert [s.concert.id for s in await kiosk.list_on_sale()] == [stage.id]
        assert replicas.paths.count("/v1/auth/challenge") == 2  # refused once, signed in again by itself
        assert replicas.paths[-2:] == ["/v1/auth/token", "/v1/concerts/on-sale"]


async def test_the_server_reads_the_previous_key_from_the_secret_store(monkeypatch):
    monkeypatch.setenv("ENCORE_TEST_TOKEN_NOW", "n" * 48)
    monkeypatch.setenv("ENCORE_TEST_TOKEN_BEFORE", "o" * 48)
    settings = Settings(
        server_token_key_ref="env:ENCORE_TEST_TOKEN_NOW",
        server_token_previous_key_ref="env:ENCORE_TEST_TOKEN_BEFORE",
    )
    key = await load_token_key(settings)
    assert key.key_id == TokenKey.from_text("n" * 48).key_id
    assert [p.key_id for p in key.previous] == [TokenKey.from_text("o" * 48).key_id]
    monkeypatch.setenv("ENCORE_TEST_TOKEN_BEFORE", "short")
    with pytest.raises(ConfigError) as refused:
        await load_token_key(settings)
    assert refused.value.key == "server_token_previous_key_ref"
