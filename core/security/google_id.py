"""Google sign-in on the server: an ID token verified with google-auth against the configured issuer's
certificates and audience, then its issuer checked here (google-auth's verify_token does not)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import requests
from cachecontrol import CacheControl
from google.auth import exceptions as google_errors
from google.auth import jwt
from google.auth.transport.requests import Request
from google.oauth2 import id_token

from core.config import Settings
from core.domain.errors import ErrorCode, NotAuthenticated, StorageUnavailable

__all__ = ["GoogleIdentity", "verify_google_id_token"]

FETCH_TIMEOUT_S = 10.0
_INVALID = "Google's answer could not be checked (forged, damaged or expired). Sign in with Google again."


@dataclass(frozen=True, slots=True)
class GoogleIdentity:
    email: str
    """Lower-case, and verified by the issuer."""
    subject: str


async def verify_google_id_token(settings: Settings, token: object) -> GoogleIdentity:
    """Who the ID token says signed in; NotAuthenticated with a google_* code when it is not to be trusted."""
    if not settings.google_client_id:
        raise NotAuthenticated(
            "Google sign-in is not set up on this server. Sign in with e-mail and password.",
            code=ErrorCode.GOOGLE_SIGN_IN_OFF,
        )
    if not isinstance(token, str) or not 0 < len(token) <= 8192:
        raise NotAuthenticated(_INVALID, code=ErrorCode.GOOGLE_TOKEN_INVALID)
    try:
        async with asyncio.timeout(FETCH_TIMEOUT_S + 2):
            claims = await asyncio.to_thread(_verify, settings, token)
    except (google_errors.TransportError, TimeoutError, requests.RequestException):
        raise StorageUnavailable(
            "Google's certificates could not be fetched to check the sign-in. Try again in a moment.",
            code=ErrorCode.GOOGLE_UNREACHABLE,
        ) from None
    except (ValueError, google_errors.GoogleAuthError):
        raise NotAuthenticated(_refusal(settings, token), code=_refusal_code(settings, token)) from None
    return _identity(settings, claims)


class _Request(Request):
    """google-auth's requests transport with a short timeout: a slow certificate endpoint must not hold a
    server thread for its default two minutes. ``refresh``: past the cache to Google, and the answer cached."""

    def __init__(self, session: requests.Session, *, refresh: bool = False) -> None:
        super().__init__(session)
        self._refresh = refresh

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: Any = None,
        headers: Any = None,
        timeout: Any = None,
        **kwargs: Any,
    ) -> Any:
        if self._refresh:
            headers = {**(headers or {}), "Cache-Control": "no-cache"}
        return super().__call__(url, method, body, headers, timeout or FETCH_TIMEOUT_S, **kwargs)  # type: ignore[no-untyped-call]


_CACHED = CacheControl(requests.Session())
"""Google's certificates for as long as its Cache-Control allows (hours), shared by every sign-in of this
process, as google-auth advises: without it each sign-in waited on a fetch from Google."""
_UNKNOWN_KEY = "Certificate for key id"


def _verify(settings: Settings, token: str) -> Any:
    try:
        return _verify_with(_Request(_CACHED), settings, token)
    except google_errors.MalformedError as error:
        if _UNKNOWN_KEY not in str(error):
            raise
    # Signed with a key newer than the cached certificates (Google rotates them): once more, fetched anew.
    return _verify_with(_Request(_CACHED, refresh=True), settings, token)


def _verify_with(request: _Request, settings: Settings, token: str) -> Any:
    return id_token.verify_token(
        token, request, audience=settings.google_client_id, certs_url=settings.google_certs_url
    )


def _unverified_audience(token: str) -> object:
    try:
        return jwt.decode(token, verify=False).get("aud")  # type: ignore[no-untyped-call]
    except (ValueError, google_errors.GoogleAuthError):
        return None


def _refusal_code(settings: Settings, token: str) -> ErrorCode:
    """A well-signed token for another client is told apart (a misconfigured client id shows as such)."""
    audience = _unverified_audience(token)
    if audience is not None and audience != settings.google_client_id:
        return ErrorCode.GOOGLE_TOKEN_WRONG_AUDIENCE
    return ErrorCode.GOOGLE_TOKEN_INVALID


def _refusal(settings: Settings, token: str) -> str:
    if _refusal_code(settings, token) is ErrorCode.GOOGLE_TOKEN_WRONG_AUDIENCE:
        return (
            "This Google sign-in was made for another app, not for Encore. Ask an admin to check the setup."
        )
    return _INVALID


def _accepted_issuers(issuer: str) -> set[str]:
    # Google writes its issuer with or without the scheme ("accounts.google.com"); both mean the same.
    bare = issuer.removeprefix("https://")
    return {issuer, bare} if issuer.startswith("https://") else {issuer}


def _identity(settings: Settings, claims: Any) -> GoogleIdentity:
    if claims.get("iss") not in _accepted_issuers(settings.google_issuer.rstrip("/")):
        raise NotAuthenticated(
            "This sign-in comes from an issuer Encore does not trust. Sign in with Google again.",
            code=ErrorCode.GOOGLE_TOKEN_WRONG_ISSUER,
        )
    email, subject = claims.get("email"), claims.get("sub")
    if not isinstance(email, str) or not email or claims.get("email_verified") is not True:
        raise NotAuthenticated(
            "Google did not confirm an e-mail address for this account. Sign in with another Google account.",
            code=ErrorCode.GOOGLE_TOKEN_INVALID,
        )
    return GoogleIdentity(email.strip().lower(), str(subject))
