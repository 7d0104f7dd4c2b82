"""The admin's sign-in view-model against a real encore-server process (TLS, PostgreSQL) and a Google-shaped
OpenID provider on localhost: the whole Google flow (browser, loopback redirect, PKCE, the server's check) signs
in; forged, wrong-audience, unknown and disabled are refused with their codes; wrong passwords and the lock-out
show the server's sentence; "remember me" lives in the keyring and sign-out removes it; a new desktop gets a
notice by mail through the outbox and a real SMTP server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from admin.viewmodels.sign_in import Phase, SignInViewModel
from core.client.google_flow import GoogleFlow
from core.client.staff_keyring import Desk, RememberedSignIn
from core.client.staff_remote import RemoteStaffClient
from core.config import Settings
from core.domain.clock import SystemClock
from core.domain.errors import NotAuthenticated
from core.domain.staff import Role
from core.mail.smtp import SmtpMailer
from core.services import mail, staff
from core.services.staff import PASSWORD_LOCKOUT
from tests.builders import ROOT
from tests.core.mail.conftest import StartServer
from tests.support.api_server import RunningServer, encore_server
from tests.support.context import open_context
from tests.support.google_provider import (
    BROWSER,
    CLIENT_ID,
    CLIENT_SECRET,
    Provider,
    SigningKey,
    following_browser,
    google_provider,
)
from tests.support.staff_api import PASSWORD, make_staff

pytestmark = pytest.mark.postgres

DESK = Desk("desk-install-1", "Encore admin on box-office-1 (Linux, user ada)")


@dataclass
class Venue:
    server: RunningServer
    provider: Provider
    database_url: str

    def settings(self) -> Settings:
        return Settings(server_url=self.server.url, server_ca_file=str(self.server.ca_file))

    def client(self) -> RemoteStaffClient:
        return RemoteStaffClient(self.settings(), desk=DESK)

    def flow(self) -> GoogleFlow:
        return GoogleFlow(CLIENT_ID, CLIENT_SECRET, self.provider.issuer, browser=BROWSER)


@pytest.fixture
def venue(pg_database_url: str, tmp_path: Path) -> Iterator[Venue]:
    with google_provider() as provider:
        extra = {
            "ENCORE_GOOGLE_CLIENT_ID": CLIENT_ID,
            "ENCORE_GOOGLE_ISSUER": provider.issuer,
            "ENCORE_GOOGLE_CERTS_URL": provider.certs_url,
            "ENCORE_SERVER_RATE_LIMITS": "sign_in=1000/60",
        }
        with encore_server(pg_database_url, tmp_path / "server", extra_env=extra) as server:
            yield Venue(server, provider, pg_database_url)


@dataclass
class MintedToken:
    """A GoogleSignIn that hands over a token the provider minted (forged or not) instead of running the flow."""

    token: str

    async def id_token(self) -> str:
        return self.token


async def test_the_whole_google_flow_signs_in_remembers_and_notifies(
    venue: Venue, keyring_backend, start_smtp: StartServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with open_context(venue.database_url, SystemClock()) as ctx:
        manager = await make_staff(ctx, Role.MANAGER, number=21)
    venue.provider.next_email = manager.email  # the account the person picks at Google
    keeper = RememberedSignIn(venue.settings())
    # The test provider speaks plain http on localhost; oauthlib allows that only when told, and only here.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    with following_browser() as browser:
        async with venue.client() as client:
            vm = SignInViewModel(client, google=venue.flow(), keeper=keeper)
            seen: list[Phase] = []
            vm.changed.connect(lambda state: seen.append(state.phase))
            assert await vm.sign_in_google(remember=True)
            assert vm.state.phase is Phase.SIGNED_IN
            assert vm.state.staff is not None
            assert (vm.state.staff.id, vm.state.staff.role) == (manager.id, Role.MANAGER)
            assert seen == [Phase.WAITING_FOR_GOOGLE, Phase.SIGNING_IN, Phase.SIGNED_IN]
    (exchange,) = venue.provider.token_requests
    assert exchange["redirect_uri"].startswith("http://127.0.0.1:")  # the loopback listener
    assert len(exchange["code_verifier"]) >= 43  # PKCE: the provider checked it against the S256 challenge
    (visit,) = browser.visits
    assert visit.status_code == 200
    assert "Signed in to Encore" in visit.text
    remembered = keeper.load()
    assert remembered
    assert list(keyring_backend.entries.values()).count(remembered) == 1

    # The next start: the keyring's remembered sign-in opens a session without Google or a password.
    async with venue.client() as client:
        vm = SignInViewModel(client, google=venue.flow(), keeper=keeper)
        assert await vm.resume()
        assert vm.state.staff is not None
        assert vm.state.staff.id == manager.id
        assert keeper.load() not in (None, remembered)  # used up; the next one is kept instead
        current = keeper.load()
        await vm.sign_out()
        assert vm.state.phase is Phase.IDLE
        assert keeper.load() is None
        with pytest.raises(NotAuthenticated) as forgotten:
            await client.sign_in_remembered(current or "")
        assert forgotten.value.code == "remember_token_invalid"

    # This desktop was new to the manager: one notice waits in the outbox (the remembered sign-ins came from
    # the same desktop); the mail worker sends it.
    smtp = start_smtp()
    async with open_context(venue.database_url, SystemClock()) as ctx:
        ctx.settings = replace(ctx.settings, mail_from=smtp.settings.mail_from)
        run = await mail.send_due_mail(ctx, SmtpMailer(smtp.settings))
    assert (run.sent, run.failed) == (1, 0)
    (envelope,) = smtp.recorder.envelopes
    notice = message_from_bytes(envelope.content, policy=policy.default)
    assert notice["To"] == manager.email
    body = notice.get_body(("plain",)).get_content()
    assert "Google sign-in" in body
    assert "box-office-1" in body
    assert "If this was not you" in body


async def test_untrusted_tokens_and_unknown_or_disabled_accounts_are_refused(
    venue: Venue, keyring_backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with open_context(venue.database_url, SystemClock()) as ctx:
        admin = await make_staff(ctx, Role.ADMIN)
        door = await make_staff(ctx, Role.DOOR)
        await staff.set_staff_active(ctx, ROOT, door.id, False)
    provider = venue.provider
    keeper = RememberedSignIn(venue.settings())
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    async with venue.client() as client:
        with following_browser():
            for email, code in (
                ("stranger@example.org", "google_account_unknown"),
                (door.email, "google_account_disabled"),
            ):
                provider.next_email = email
                vm = SignInViewModel(client, google=venue.flow(), keeper=keeper)
                assert not await vm.sign_in_google()
                assert (vm.state.phase, vm.state.error_code) == (Phase.IDLE, code)
                assert email in vm.state.error
        for token, code in (
            (
                provider.id_token(admin.email, key=SigningKey.generate(provider.key.kid)),
                "google_token_invalid",
            ),
            (
                provider.id_token(admin.email, audience="another-app.apps.example"),
                "google_token_wrong_audience",
            ),
        ):
            vm = SignInViewModel(client, google=MintedToken(token), keeper=keeper)
            assert not await vm.sign_in_google(remember=True)
            assert (vm.state.phase, vm.state.error_code) == (Phase.IDLE, code)
            assert vm.session is None
        assert keyring_backend.entries == {}


async def test_wrong_passwords_then_the_lock_out_show_the_servers_words(
    venue: Venue, keyring_backend
) -> None:
    async with open_context(venue.database_url, SystemClock()) as ctx:
        member = await make_staff(ctx, Role.BOX_OFFICE)
    async with venue.client() as client:
        vm = SignInViewModel(client, keeper=RememberedSignIn(venue.settings()))
        assert not vm.state.google_available
        for _ in range(PASSWORD_LOCKOUT.max_failures - 1):
            assert not await vm.sign_in(member.email, "not the password")
            assert vm.state.error_code == "sign_in_failed"
        assert "email or password is wrong" in vm.state.error
        assert not await vm.sign_in(member.email, "not the password")
        assert vm.state.error_code == "sign_in_locked_out"
        assert vm.state.error.startswith("Too many wrong passwords: this account takes no sign-in for ")
        assert not await vm.sign_in(member.email, PASSWORD)  # even the right one, while locked
        assert vm.state.error_code == "sign_in_locked_out"
        assert vm.session is None
