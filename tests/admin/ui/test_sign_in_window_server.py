"""The admin window's sign-in screen, offscreen, against a real encore-server process (TLS, PostgreSQL) and a
Google-shaped OpenID provider on localhost, as a manager uses it: the Google button runs the whole flow
(browser, loopback redirect, PKCE, the server's check) and opens the role's screens; a disabled account that
picks Google, and a wrong password, show the server's sentence in the form and open nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from admin.ui.window import AdminWindow
from admin.viewmodels.sign_in import SignInViewModel
from core.client.google_flow import GoogleFlow
from core.client.staff_keyring import RememberedSignIn
from core.client.staff_remote import RemoteStaffClient
from core.config import Settings
from core.domain.clock import SystemClock
from core.domain.staff import Role
from core.services import staff
from tests.admin.signing_in import sign_in_through
from tests.builders import ROOT
from tests.support.api_server import RunningServer, encore_server
from tests.support.context import open_context
from tests.support.google_provider import (
    BROWSER,
    CLIENT_ID,
    CLIENT_SECRET,
    Provider,
    following_browser,
    google_provider,
)
from tests.support.staff_api import make_staff

pytestmark = pytest.mark.postgres

WHERE = "Encore server at the venue"


@pytest.fixture(scope="module")
def served(
    pg_module_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[RunningServer, Provider]]:
    """One server for the module (it takes seconds to start); each test signs in as staff of its own."""
    with google_provider() as provider:
        extra = {
            "ENCORE_GOOGLE_CLIENT_ID": CLIENT_ID,
            "ENCORE_GOOGLE_ISSUER": provider.issuer,
            "ENCORE_GOOGLE_CERTS_URL": provider.certs_url,
        }
        with encore_server(
            pg_module_database_url, tmp_path_factory.mktemp("server"), extra_env=extra
        ) as server:
            yield server, provider


@pytest.fixture
def window(
    qtbot: Any, served: tuple[RunningServer, Provider], keyring_backend: Any, monkeypatch: pytest.MonkeyPatch
) -> AdminWindow:
    server, provider = served
    settings = Settings(server_url=server.url, server_ca_file=str(server.ca_file))
    google = GoogleFlow(CLIENT_ID, CLIENT_SECRET, provider.issuer, browser=BROWSER)
    vm = SignInViewModel(RemoteStaffClient(settings), google=google, keeper=RememberedSignIn(settings))
    # The test provider speaks plain http on localhost; oauthlib allows that only when told, and only here.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    shown = AdminWindow(vm, WHERE)
    qtbot.addWidget(shown)
    shown.resize(1366, 768)
    shown.show()
    return shown


def _member(qt_run: Any, database_url: str, role: Role, *, active: bool = True) -> Any:
    async def make() -> Any:
        async with open_context(database_url, SystemClock()) as ctx:
            member = await make_staff(ctx, role)
            if not active:
                await staff.set_staff_active(ctx, ROOT, member.id, False)
            return member

    return qt_run(make())


def test_the_google_button_signs_a_manager_in_to_their_screens(
    qtbot: Any, qt_run: Any, pg_module_database_url: str, served: Any, window: AdminWindow
) -> None:
    _server, provider = served
    manager = _member(qt_run, pg_module_database_url, Role.MANAGER)
    provider.next_email = manager.email  # the account the person picks at Google
    form = window.sign_in
    assert form.google.isVisible()
    with following_browser() as browser:
        qtbot.mouseClick(form.google, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: window.shell is not None and window.stack.currentWidget() is window.shell, timeout=20_000
        )
    assert window.shell is not None
    # A manager's screens: not Staff or the audit log (an admin's).
    assert window.shell.titles() == [
        "Dashboard",
        "Concerts",
        "Venues",
        "Orders",
        "Devices",
        "Door",
        "Exports",
    ]
    assert window.shell.who.text().startswith(manager.display_name)
    (visit,) = browser.visits
    assert "Signed in to Encore" in visit.text
    assert len(provider.token_requests[-1]["code_verifier"]) >= 43  # PKCE, checked by the provider


def test_a_disabled_account_at_google_is_told_so_in_the_form(
    qtbot: Any, qt_run: Any, pg_module_database_url: str, served: Any, window: AdminWindow
) -> None:
    _server, provider = served
    door = _member(qt_run, pg_module_database_url, Role.DOOR, active=False)
    provider.next_email = door.email
    form = window.sign_in
    with following_browser():
        qtbot.mouseClick(form.google, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: form.error.isVisible(), timeout=20_000)
    assert door.email in form.error.text()
    assert window._vm.state.error_code == "google_account_disabled"
    assert window.shell is None
    assert window.stack.currentWidget() is form
    assert form.google.isVisible()  # free to try another way
    assert form.sign_in.isEnabled()


def test_a_wrong_password_shows_the_servers_sentence_then_the_right_one_signs_in(
    qtbot: Any, qt_run: Any, pg_module_database_url: str, window: AdminWindow
) -> None:
    member = _member(qt_run, pg_module_database_url, Role.BOX_OFFICE)
    form = window.sign_in
    form.email.setText(member.email)
    form.password.setText("not the password")
    qtbot.mouseClick(form.sign_in, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.error.isVisible(), timeout=10_000)
    assert "email or password is wrong" in form.error.text()
    assert window._vm.state.error_code == "sign_in_failed"
    assert window.shell is None

    shell = sign_in_through(qtbot, window, member.email)
    assert shell.titles() == ["Orders"]  # a box office sees orders and reprints, no prices or staff
    orders: Any = shell.pages.currentWidget()
    qtbot.waitUntil(lambda: not orders.vm.busy, timeout=10_000)  # its first search, answered by the server
