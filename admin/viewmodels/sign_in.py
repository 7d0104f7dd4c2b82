"""Signing in to the admin app: e-mail and password, Google, or the desktop's remembered sign-in; and out again.

Qt-free: the window binds to ``changed`` (a SignInState each time) and to ``signed_in`` / ``signed_out``.
Every refusal shows the server's own sentence (lock-out with its wait, unknown or disabled Google account), and
its code is kept for tests and logs.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

from psygnal import Signal

from admin.viewmodels.tasks import TaskOwner
from core.client.protocol import StaffSession, StaffSignIn
from core.domain.api_bodies import StaffSummary
from core.domain.errors import EncoreError, SessionInvalid

__all__ = ["GoogleSignIn", "Phase", "SignInState", "SignInViewModel", "TokenKeeper"]

log = logging.getLogger(__name__)


class GoogleSignIn(Protocol):
    """core.client.google_flow.GoogleFlow: opens the browser, returns the ID token."""

    async def id_token(self) -> str: ...


class TokenKeeper(Protocol):
    """core.client.staff_keyring.RememberedSignIn: the OS keyring entry of this desktop's remembered sign-in."""

    def load(self) -> str | None: ...

    def save(self, token: str) -> bool: ...

    def forget(self) -> None: ...


class Phase(StrEnum):
    IDLE = "idle"
    """The form, ready (with the last refusal, if any)."""
    SIGNING_IN = "signing_in"
    """Asking the server (with a password or a remembered sign-in)."""
    WAITING_FOR_GOOGLE = "waiting_for_google"
    """The browser is open at Google; the app waits for it to come back."""
    SIGNED_IN = "signed_in"


@dataclass(frozen=True, slots=True)
class SignInState:
    phase: Phase = Phase.IDLE
    error: str = ""
    """The refusal to show, in the server's words; empty when there is none."""
    error_code: str = ""
    google_available: bool = False
    """Google sign-in is configured on this desktop: the button shows."""
    staff: StaffSummary | None = None
    """Who is signed in (SIGNED_IN)."""

    @property
    def busy(self) -> bool:
        return self.phase in (Phase.SIGNING_IN, Phase.WAITING_FOR_GOOGLE)


_MISSING = "Enter your e-mail address and password."


class SignInViewModel:
    changed = Signal(SignInState)
    signed_in = Signal(object)
    """The StaffSession, once per sign-in."""
    signed_out = Signal()

    def __init__(
        self, client: StaffSignIn, *, google: GoogleSignIn | None = None, keeper: TokenKeeper | None = None
    ) -> None:
        self._client = client
        self._google = google
        self._keeper = keeper
        self._tasks = TaskOwner("sign-in")
        self._state = SignInState(google_available=google is not None)
        self.session: StaffSession | None = None
        self._remembered = False
        self._google_task: asyncio.Task[bool] | None = None

    @property
    def state(self) -> SignInState:
        return self._state

    def _set(self, **changes: object) -> None:
        self._state = replace(self._state, **changes)  # type: ignore[arg-type]
        self.changed.emit(self._state)

    # --- commands ---------------------------------------------------------------------------------------

    async def resume(self) -> bool:
        """Sign in with this desktop's remembered sign-in, if there is one; True when that worked. A refused one
        is forgotten quietly (signed out elsewhere, expired): the form shows, with no error."""
        token = await self._keeper_call("load")
        if not token or self._state.busy:
            return False
        self._set(phase=Phase.SIGNING_IN, error="", error_code="")
        try:
            session = await self._client.sign_in_remembered(str(token))
        except EncoreError as error:
            log.info("the remembered sign-in was refused (%s); the form shows", error.code)
            await self._keeper_call("forget")
            self._set(phase=Phase.IDLE)
            return False
        await self._accept(session, remember=True)
        return True

    async def sign_in(self, email: str, password: str, *, remember: bool = False) -> bool:
        if self._state.busy:
            return False
        if not email.strip() or not password:
            self._set(error=_MISSING, error_code="input_missing")
            return False
        self._set(phase=Phase.SIGNING_IN, error="", error_code="")
        try:
            session = await self._client.sign_in(email.strip(), password, remember=remember)
        except EncoreError as error:
            self._refused(error)
            return False
        await self._accept(session, remember=remember)
        return True

    async def sign_in_google(self, *, remember: bool = False) -> bool:
        if self._state.busy or self._google is None:
            return False
        self._set(phase=Phase.WAITING_FOR_GOOGLE, error="", error_code="")
        try:
            token = await self._google.id_token()
            self._set(phase=Phase.SIGNING_IN)
            session = await self._client.sign_in_google(token, remember=remember)
        except EncoreError as error:
            self._refused(error)
            return False
        except asyncio.CancelledError:
            self._set(phase=Phase.IDLE)  # given up (Cancel, or the window closed): the form is usable again
            raise
        await self._accept(session, remember=remember)
        return True

    async def sign_out(self) -> None:
        """End the session on the server and forget this desktop's remembered sign-in (if any)."""
        session, self.session = self.session, None
        await self._keeper_call("forget")
        if session is not None:
            try:
                await session.sign_out()
            except SessionInvalid:
                pass  # already ended (expired, or signed out elsewhere): nothing left to end
            except EncoreError as error:  # the server is away: the session lapses by itself
                log.warning("signing out on the server failed (%s); the session will lapse", error.code)
        self._set(phase=Phase.IDLE, staff=None, error="", error_code="")
        self.signed_out.emit()

    async def leave(self) -> None:
        """The window closes: a remembered session lapses by itself (signing out would forget this desktop);
        any other session ends now."""
        await self._tasks.aclose()
        session, self.session = self.session, None
        if session is None or self._remembered:
            return
        try:
            await session.sign_out()
        except EncoreError as error:
            log.info("the session was not signed out on leaving (%s); it lapses by itself", error.code)

    # --- for widgets: start and keep the task -----------------------------------------------------------

    def request_sign_in(self, email: str, password: str, *, remember: bool = False) -> None:
        self._tasks.start(self.sign_in(email, password, remember=remember))

    def request_google(self, *, remember: bool = False) -> None:
        self._google_task = self._tasks.start(self.sign_in_google(remember=remember))

    def cancel_google(self) -> None:
        """Stop waiting for the browser. (The flow's loopback listener gives up by itself a little later.)"""
        if self._google_task is not None and not self._google_task.done():
            self._google_task.cancel()

    def request_resume(self) -> None:
        self._tasks.start(self.resume())

    def request_sign_out(self) -> None:
        self._tasks.start(self.sign_out())

    async def aclose(self) -> None:
        await self._tasks.aclose()

    # --- helpers ----------------------------------------------------------------------------------------

    def _refused(self, error: EncoreError) -> None:
        self._set(phase=Phase.IDLE, error=error.message, error_code=str(error.code))

    async def _accept(self, session: StaffSession, *, remember: bool) -> None:
        if remember and session.remember_token:
            await self._keeper_call("save", session.remember_token)
        elif not remember:
            await self._keeper_call("forget")  # a sign-in without "remember me" leaves nothing behind
        self.session = session
        self._remembered = bool(remember and session.remember_token)
        self._set(phase=Phase.SIGNED_IN, staff=session.staff, error="", error_code="")
        self.signed_in.emit(session)

    async def _keeper_call(self, name: str, *args: str) -> object:
        """The keyring may block (D-Bus, an unlock prompt): off the event loop."""
        if self._keeper is None:
            return None
        return await asyncio.to_thread(getattr(self._keeper, name), *args)
