"""schemathesis against the committed OpenAPI document and a real server: as a kiosk, a door, a manager's staff
session and nobody, every response matches the schema and none is a server error."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings

from core.api.openapi import COMMITTED
from core.domain.clock import SystemClock
from core.domain.devices import DeviceKind
from core.domain.staff import Role
from core.security.device_keys import DeviceKey
from core.security.tokens import challenge_message
from core.services import devices, staff
from tests.builders import ROOT, build_stage
from tests.support import aio
from tests.support.api_server import encore_server, trusting
from tests.support.context import open_context

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

schema = schemathesis.openapi.from_path(str(COMMITTED))
OPEN_PATHS = {
    "/v1/health",
    "/v1/health/ready",
    "/v1/devices/enrol",
    "/v1/auth/challenge",
    "/v1/auth/token",
    "/v1/auth/sign-in",
    "/v1/auth/google",
    "/v1/auth/remembered",
}
MANAGER = ("fuzz.manager@test.example", "fuzzed manager's password")
# The manager's session must outlive the run: signing out (with any body) would end it for every later case.
staff_schema = schema.exclude(path="/v1/auth/sign-out")
FUZZ = settings(
    max_examples=15,
    deadline=timedelta(seconds=10),
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)


@dataclass
class World:
    url: str
    session: requests.Session
    ca_file: str
    tokens: dict[str, str]


def _token(url: str, ca, key: DeviceKey) -> str:
    public = base64.b64encode(key.public_key_bytes).decode()
    with httpx.Client(base_url=url, verify=trusting(ca)) as http:
        challenge = http.post("/v1/auth/challenge", json={"public_key": public}).json()["challenge"]
        signature = base64.b64encode(key.sign(challenge_message(challenge))).decode()
        body = {"public_key": public, "challenge": challenge, "signature": signature}
        return str(http.post("/v1/auth/token", json=body).json()["access_token"])


def _session(url: str, ca) -> str:
    with httpx.Client(base_url=url, verify=trusting(ca)) as http:
        body = {"email": MANAGER[0], "password": MANAGER[1]}
        return str(http.post("/v1/auth/sign-in", json=body).json()["session_token"])


async def _prepare(url: str) -> dict[DeviceKind, DeviceKey]:
    keys = {DeviceKind.KIOSK: DeviceKey.generate(), DeviceKind.DOOR: DeviceKey.generate()}
    async with open_context(url, SystemClock()) as ctx:
        await build_stage(ctx)
        await staff.create_staff(
            ctx, ROOT, email=MANAGER[0], display_name="Fuzzed Manager", role=Role.MANAGER, password=MANAGER[1]
        )
        for kind, key in keys.items():
            device = await devices.register_device(
                ctx, name=f"fuzzed {kind.value}", kind=kind, public_key=key.public_key_bytes
            )
            await devices.approve_device(ctx, ROOT, device.id)
    return keys


@pytest.fixture(scope="module")
def world(pg_module_database_url, tmp_path_factory):
    keys = aio.run(_prepare(pg_module_database_url))
    with encore_server(pg_module_database_url, tmp_path_factory.mktemp("fuzzed-server")) as server:
        session = requests.Session()
        session.verify = str(server.ca_file)
        tokens = {kind.value: _token(server.url, server.ca_file, key) for kind, key in keys.items()}
        tokens["manager"] = _session(server.url, server.ca_file)
        yield World(server.url, session, str(server.ca_file), tokens)
        session.close()


@pytest.mark.parametrize("credential", ["kiosk", "door", "none"])
@schema.parametrize()
@FUZZ
def test_every_response_matches_the_schema_and_none_is_a_server_error(case, credential, world) -> None:
    _check(case, credential, world)


# After the devices' runs: the manager may revoke the fuzzed devices (any small device id will do).
@staff_schema.parametrize()
@FUZZ
def test_as_a_manager_every_response_matches_the_schema_and_none_is_a_server_error(case, world) -> None:
    _check(case, "manager", world)


def _auth_mutated(case) -> bool:  # type: ignore[no-untyped-def]
    """A negative case whose mutations include the Authorization header (left out, or garbled)."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_negative:
        return False
    mutations = getattr(meta.phase.data, "mutations", None) or ()
    return any(
        m.parameter_location.value == "header" and (m.parameter or "").lower() == "authorization"
        for m in mutations
    )


def _check(case, credential: str, world: World) -> None:  # type: ignore[no-untyped-def]
    headers = {"authorization": f"Bearer {world.tokens[credential]}"} if credential in world.tokens else {}
    # Schema-valid is not always acceptable: an unknown concert, a seated section asked for standing places or a
    # request key of the wrong shape are refused by the service (404/409/422), by design. ignored_auth strips
    # the schema's auth and resends, but our credential is an explicit header it cannot strip; the "none" runs
    # below check every guarded route refuses without one.
    excluded = [schemathesis.checks.positive_data_acceptance, schemathesis.checks.ignored_auth]
    if headers and _auth_mutated(case):
        # Our header replaces the case's Authorization, so that mutation never reaches the server; what is
        # left may be valid (an extra query parameter alone is, and schemathesis excuses it when alone).
        excluded.append(schemathesis.checks.negative_data_rejection)
    with requests.Session() as session:  # a fresh one each time: nothing of one credential leaks into another
        response = case.call(base_url=world.url, session=session, headers=headers, verify=world.ca_file)
        case.validate_response(response, excluded_checks=excluded)
    if credential == "none" and case.path not in OPEN_PATHS and case.method.upper() != "OPTIONS":
        # 400: a body that is not JSON is refused before the credential is looked at; it reveals nothing.
        assert response.status_code in (400, 401, 404, 405, 413, 422), (case.method, response.text)
