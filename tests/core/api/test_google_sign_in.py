"""Google sign-in on the server (in-process ASGI), against a Google-shaped provider on localhost: a good ID token
opens a session for the active account with that address; a forged, wrong-audience or wrong-issuer token,
and an unknown or disabled account, are refused with their codes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import select

from core.client.staff_remote import RemoteStaffClient
from core.config import Settings
from core.db.tables import audit_log
from core.domain.api_bodies import StaffSummary
from core.domain.errors import NotAuthenticated
from core.domain.staff import Role
from core.services import staff
from tests.builders import ROOT
from tests.dbstate import snapshot
from tests.support.google_provider import CLIENT_ID, Provider, SigningKey, google_provider
from tests.support.staff_api import make_staff


@pytest.fixture
def provider(served) -> Iterator[Provider]:
    with google_provider() as running:
        served.ctx.settings = replace(
            served.ctx.settings,
            google_client_id=CLIENT_ID,
            google_issuer=running.issuer,
            google_certs_url=running.certs_url,
        )
        yield running


def _client(served) -> RemoteStaffClient:
    return RemoteStaffClient(Settings(server_url="http://encore.test"), transport=served.transport())


async def _audit(served, action: str) -> list[tuple[str, str, dict]]:
    async def work(conn):
        rows = await conn.execute(
            select(audit_log.c.actor, audit_log.c.subject, audit_log.c.details).where(
                audit_log.c.action == action
            )
        )
        return [tuple(r) for r in rows.all()]

    return await served.ctx.db.read(work)


async def test_a_good_id_token_signs_the_staff_member_in(served, provider) -> None:
    manager = await make_staff(served.ctx, Role.MANAGER, number=12)
    async with _client(served) as client:
        session = await client.sign_in_google(provider.id_token(manager.email.upper()))
        assert session.staff == StaffSummary(manager.id, manager.display_name, Role.MANAGER, 12)
        assert await session.me() == session.staff
    assert (f"staff:{manager.id}", f"staff:{manager.id}", {"method": "google"}) in await _audit(
        served, "sign_in"
    )


@pytest.mark.parametrize(
    ("forge", "code"),
    [
        ("wrong_key", "google_token_invalid"),
        ("wrong_audience", "google_token_wrong_audience"),
        ("wrong_issuer", "google_token_wrong_issuer"),
        ("garbage", "google_token_invalid"),
    ],
)
async def test_an_untrusted_token_is_refused_and_changes_nothing(served, provider, forge, code) -> None:
    admin = await make_staff(served.ctx, Role.ADMIN)
    token = {
        # Same kid, another key: the signature does not match the provider's certificate.
        "wrong_key": lambda: provider.id_token(admin.email, key=SigningKey.generate(provider.key.kid)),
        "wrong_audience": lambda: provider.id_token(admin.email, audience="someone-else.apps.example"),
        "wrong_issuer": lambda: provider.id_token(admin.email, issuer="https://evil.example"),
        "garbage": lambda: "not.a.token",
    }[forge]()
    before = await snapshot(served.ctx)
    async with _client(served) as client:
        with pytest.raises(NotAuthenticated) as refused:
            await client.sign_in_google(token)
    assert refused.value.code == code
    assert await snapshot(served.ctx) == before


@pytest.mark.parametrize("max_age", [21_600, None], ids=["cache-control", "control: none"])
async def test_googles_certificates_are_fetched_once_while_fresh(served, provider, max_age) -> None:
    """Each sign-in waited on a fetch from Google; its certificates now stay as long as it says they may."""
    provider.certs_max_age_s = max_age
    manager = await make_staff(served.ctx, Role.MANAGER)
    async with _client(served) as client:
        for _ in range(3):
            await client.sign_in_google(provider.id_token(manager.email))
    assert provider.certs_fetches == (1 if max_age else 3)


async def test_a_key_google_rotated_in_is_fetched_anew_and_kept(served, provider) -> None:
    manager = await make_staff(served.ctx, Role.MANAGER)
    async with _client(served) as client:
        await client.sign_in_google(provider.id_token(manager.email))
        provider.key = SigningKey.generate("rotated-in")
        for _ in range(2):
            session = await client.sign_in_google(provider.id_token(manager.email))
            assert session.staff.id == manager.id
        assert provider.certs_fetches == 2  # once at first, once for the new key, then kept
        # A key Google never had: fetched anew, still unknown.
        with pytest.raises(NotAuthenticated) as refused:
            await client.sign_in_google(provider.id_token(manager.email, key=SigningKey.generate("forged")))
        assert refused.value.code == "google_token_invalid"


async def test_an_unknown_address_and_a_disabled_account_are_refused_by_name(served, provider) -> None:
    door = await make_staff(served.ctx, Role.DOOR)
    await staff.set_staff_active(served.ctx, ROOT, door.id, False)
    async with _client(served) as client:
        with pytest.raises(NotAuthenticated) as unknown:
            await client.sign_in_google(provider.id_token("stranger@example.org"))
        assert unknown.value.code == "google_account_unknown"
        assert "stranger@example.org" in unknown.value.message
        with pytest.raises(NotAuthenticated) as disabled:
            await client.sign_in_google(provider.id_token(door.email))
        assert disabled.value.code == "google_account_disabled"
    failed = await _audit(served, "sign_in_failed")
    assert [(subject, details["reason"]) for _, subject, details in failed] == [
        ("email:stranger@example.org", "unknown"),
        (f"staff:{door.id}", "inactive"),
    ]


async def test_an_unverified_address_is_refused(served, provider) -> None:
    admin = await make_staff(served.ctx, Role.ADMIN)
    provider.email_verified = False
    async with _client(served) as client:
        with pytest.raises(NotAuthenticated) as refused:
            await client.sign_in_google(provider.id_token(admin.email))
    assert refused.value.code == "google_token_invalid"


async def test_without_a_client_id_google_sign_in_is_off(served) -> None:
    async with _client(served) as client:
        with pytest.raises(NotAuthenticated) as off:
            await client.sign_in_google("a.b.c")
    assert off.value.code == "google_sign_in_off"
