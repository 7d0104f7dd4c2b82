"""Staff accounts and sessions for tests that go through the venue server's HTTP API."""

from __future__ import annotations

import base64

import httpx

from core.domain.devices import DeviceKind
from core.domain.staff import Role, Staff
from core.security.device_keys import DeviceKey
from core.security.tokens import challenge_message
from core.services import devices, staff
from core.services.context import ServiceContext
from tests.builders import ROOT

PASSWORD = "correct horse battery"


async def make_staff(
    ctx: ServiceContext, role: Role, *, pin: str | None = None, number: int | None = None
) -> Staff:
    return await staff.create_staff(
        ctx,
        ROOT,
        email=f"{role.value}.{number or 0}@api.test",
        display_name=f"{role.value.replace('_', ' ').title()} Member",
        role=role,
        password=PASSWORD,
        pin=pin,
        staff_number=number,
    )


async def session_for(http: httpx.AsyncClient, member: Staff, password: str = PASSWORD) -> str:
    response = await http.post("/v1/auth/sign-in", json={"email": member.email, "password": password})
    assert response.status_code == 200, response.text
    return str(response.json()["session_token"])


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def device_token(
    ctx: ServiceContext, http: httpx.AsyncClient, kind: DeviceKind, name: str
) -> tuple[str, int]:
    """An enrolled and approved device's access token, got the way a device gets it; and its id."""
    key = DeviceKey.generate()
    device = await devices.register_device(ctx, name=name, kind=kind, public_key=key.public_key_bytes)
    await devices.approve_device(ctx, ROOT, device.id)
    public = base64.b64encode(key.public_key_bytes).decode()
    challenge = (await http.post("/v1/auth/challenge", json={"public_key": public})).json()["challenge"]
    signature = base64.b64encode(key.sign(challenge_message(challenge))).decode()
    body = {"public_key": public, "challenge": challenge, "signature": signature}
    response = await http.post("/v1/auth/token", json=body)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"]), int(device.id)
