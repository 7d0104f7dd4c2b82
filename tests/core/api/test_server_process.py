"""The real encore-server process: TLS that clients verify, a kiosk selling through it, refusals on the wire."""

from __future__ import annotations

import logging

import httpx
import pytest

from core.client.remote import RemoteClient
from core.client.staff_remote import RemoteStaffClient
from core.config import Settings
from core.domain.devices import DeviceKind
from core.domain.errors import SessionInvalid, StorageUnavailable
from core.domain.staff import Role
from core.services import devices
from tests.builders import ROOT, build_stage
from tests.support.api_server import encore_server, trusting
from tests.support.staff_api import PASSWORD, make_staff

pytestmark = pytest.mark.postgres


@pytest.fixture
def server(pg_database_url, tmp_path):
    with encore_server(pg_database_url, tmp_path / "server") as running:
        yield running


async def test_a_kiosk_sells_over_tls_and_a_client_without_the_venue_ca_is_refused(server, pg_ctx, tmp_path):
    stage = await build_stage(pg_ctx)
    settings = Settings(
        server_url=server.url, server_ca_file=str(server.ca_file), device_key_ref=f"file:{tmp_path / 'k.key'}"
    )
    async with RemoteClient(settings) as kiosk:
        device = (await kiosk.enrol(DeviceKind.KIOSK, "Foyer")).device
        await devices.approve_device(pg_ctx, ROOT, device.id)
        assert (await kiosk.enrol(DeviceKind.KIOSK, "Foyer")).approved
        hold = await kiosk.hold_standing(stage.id, stage.standing, 3, request_key="tls-1")
        assert len(hold.places) == 3
    untrusting = Settings(server_url=server.url, device_key_ref=f"file:{tmp_path / 'k.key'}")
    async with RemoteClient(untrusting) as stranger:
        with pytest.raises(StorageUnavailable) as refused:
            await stranger.enrol(DeviceKind.KIOSK, "Foyer")
    assert refused.value.code == "server_unreachable"


def test_the_server_serves_problem_details_and_its_openapi_document(server):
    with httpx.Client(base_url=server.url, verify=trusting(server.ca_file)) as http:
        missing = http.get("/v1/concerts/on-sale")
        assert missing.status_code == 401
        assert missing.headers["content-type"].startswith("application/problem+json")
        assert missing.json()["code"] == "unauthenticated"
        schema = http.get("/schema/openapi.json")
        assert schema.status_code == 200
        assert "/v1/holds/standing" in schema.json()["paths"]
        huge = http.post(
            "/v1/devices/enrol",
            content=b"{" + b" " * 200_000 + b"}",
            headers={"content-type": "application/json"},
        )
        assert huge.status_code == 413
        assert huge.json()["code"] == "request_too_large"
        assert huge.json()["limit_bytes"] == 64 * 1024


async def test_an_admin_runs_staff_through_the_staff_client_over_tls(server, pg_ctx, expect_log):
    admin = await make_staff(pg_ctx, Role.ADMIN, number=3)
    settings = Settings(server_url=server.url, server_ca_file=str(server.ca_file))
    async with RemoteStaffClient(settings) as client:
        session = await client.sign_in(admin.email, PASSWORD)
        assert (await session.me()).staff_number == 3
        created = await session.create_staff(
            email="bo@venue.test", display_name="Box Office", role=Role.BOX_OFFICE, pin="246810"
        )
        assert [m.id for m in await session.list_staff()] == [admin.id, created.id]
        await session.sign_out()
        with pytest.raises(SessionInvalid):
            await session.list_staff()
    # A pinned fingerprint that is not the server's: the password is never sent.
    wrong_pin = Settings(server_url=server.url, server_cert_sha256="ab" * 32)
    async with RemoteStaffClient(wrong_pin) as client:
        with (
            expect_log("core.client.http", "does not trust", logging.ERROR),
            pytest.raises(StorageUnavailable) as refused,
        ):
            await client.sign_in(admin.email, PASSWORD)
    assert refused.value.code == "server_certificate_mismatch"
