"""Google sign-in at an admin desktop: google-auth-oauthlib's installed-app flow (loopback redirect, PKCE) in a
thread, the issuer's endpoints from its discovery document. Only the ID token comes out; the server checks it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from google_auth_oauthlib.flow import InstalledAppFlow, WSGITimeoutError
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from core.config import Settings
from core.domain.errors import ErrorCode, NotAuthenticated, StorageUnavailable
from core.security.secret_store import resolve_secret

__all__ = ["GoogleFlow", "google_flow"]

log = logging.getLogger(__name__)

SCOPES = ("openid", "https://www.googleapis.com/auth/userinfo.email")
WAIT_FOR_BROWSER_S = 180
"""How long the loopback listener waits for the browser to come back; then the sign-in is given up."""
_SUCCESS = "Signed in to Encore. You can close this tab and return to the Encore admin app."


@dataclass(frozen=True, slots=True)
class GoogleFlow:
    """Google sign-in as configured; ``id_token()`` opens the browser and waits for it."""

    client_id: str
    client_secret: str
    issuer: str
    browser: str | None = None
    """A registered ``webbrowser`` name; None: the system's browser."""

    async def id_token(self) -> str:
        endpoints = await _discover(self.issuer)
        try:
            return await _in_daemon_thread(lambda: self._run(endpoints))
        except WSGITimeoutError:
            raise NotAuthenticated(
                "The browser did not come back from Google in time. Try Google sign-in again.",
                code=ErrorCode.GOOGLE_TOKEN_INVALID,
            ) from None
        except (OSError, ValueError, OAuth2Error) as exc:  # requests' errors are OSErrors
            log.warning("Google sign-in failed: %s", type(exc).__name__)
            raise NotAuthenticated(
                "Google sign-in did not complete. Try again, or sign in with e-mail and password.",
                code=ErrorCode.GOOGLE_TOKEN_INVALID,
            ) from None

    def _run(self, endpoints: dict[str, str]) -> str:
        config = {
            "installed": {
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "auth_uri": endpoints["authorization_endpoint"],
                "token_uri": endpoints["token_endpoint"],
                "redirect_uris": ["http://127.0.0.1"],
            }
        }
        # PKCE (S256) is the flow's default: a code caught on the loopback is useless without our verifier.
        flow = InstalledAppFlow.from_client_config(
            config, scopes=list(SCOPES), autogenerate_code_verifier=True
        )
        flow.run_local_server(
            host="127.0.0.1",
            port=0,
            open_browser=True,
            browser=self.browser,
            authorization_prompt_message=None,
            success_message=_SUCCESS,
            timeout_seconds=WAIT_FOR_BROWSER_S,
            prompt="select_account",
        )
        token = getattr(flow.credentials, "id_token", None)
        if not isinstance(token, str) or not token:
            raise ValueError("no id_token in the token response")
        return token


async def _in_daemon_thread(work: Callable[[], str]) -> str:
    """The flow blocks in its loopback listener until the browser comes back (or WAIT_FOR_BROWSER_S): a daemon
    thread, so that a cancelled sign-in or a closed app never waits for it (a pool's thread is joined at exit)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str] = loop.create_future()

    def deliver(token: str | None, error: BaseException | None) -> None:
        if future.done():  # cancelled meanwhile: nobody waits for the outcome
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(token or "")

    def run() -> None:
        token, error = None, None
        try:
            token = work()
        except BaseException as exc:  # handed to the awaiting task, which sorts it out
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop is closed: the app has gone
            loop.call_soon_threadsafe(deliver, token, error)

    threading.Thread(target=run, name="google-sign-in", daemon=True).start()
    return await future


def google_flow(settings: Settings, *, browser: str | None = None) -> GoogleFlow | None:
    """The flow these settings configure, or None when Google sign-in is not set up."""
    if not settings.google_client_id:
        return None
    secret = resolve_secret(settings.google_client_secret_ref) or ""
    return GoogleFlow(settings.google_client_id, secret, settings.google_issuer.rstrip("/"), browser)


async def _discover(issuer: str) -> dict[str, str]:
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        async with httpx.AsyncClient(timeout=10.0) as http:
            response = await http.get(url)
            response.raise_for_status()
            document = response.json()
    except (httpx.HTTPError, ValueError):
        raise StorageUnavailable(
            "Google cannot be reached to sign in. Check the network, or sign in with e-mail and password.",
            code=ErrorCode.GOOGLE_UNREACHABLE,
        ) from None
    if not isinstance(document, dict) or not all(
        isinstance(document.get(k), str) for k in ("authorization_endpoint", "token_endpoint")
    ):
        raise StorageUnavailable(
            "Google's sign-in configuration could not be read. Sign in with e-mail and password.",
            code=ErrorCode.GOOGLE_UNREACHABLE,
        )
    return document
