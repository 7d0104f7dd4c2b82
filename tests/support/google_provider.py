"""A small Google-shaped OpenID provider on localhost for sign-in tests: discovery, an authorize endpoint that
redirects straight back with a code (the person "chose" ``next_email``), a token endpoint that checks PKCE, a
JWKS and Google's v1 certificate map; ID tokens carry a ``kid`` and a single ``aud``, signed with joserfc.

Also a browser for ``webbrowser``: it follows the authorize redirect to the app's loopback listener, as a real
browser would, from a thread (the flow opens the browser first and listens after)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import webbrowser
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "encore-admin-test.apps.googleusercontent.com"
CLIENT_SECRET = "test-installed-app-secret"
BROWSER = "encore-test-browser"


@dataclass
class SigningKey:
    kid: str
    private: rsa.RSAPrivateKey

    @classmethod
    def generate(cls, kid: str) -> SigningKey:
        return cls(kid, rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def jwk(self) -> RSAKey:
        pem = self.private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return RSAKey.import_key(pem, {"kid": self.kid, "use": "sig", "alg": "RS256"})

    def certificate_pem(self) -> str:
        """A self-signed certificate for the public key: Google's v1 certs endpoint serves these."""
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test-oidc")])
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.private.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=1))
            .sign(self.private, hashes.SHA256())
        )
        return cert.public_bytes(serialization.Encoding.PEM).decode()


@dataclass
class Provider:
    issuer: str
    key: SigningKey = field(default_factory=lambda: SigningKey.generate(f"test-key-{secrets.token_hex(4)}"))
    """Its own key id: the server keeps certificates by URL, and a later provider may get the same port."""
    next_email: str = ""
    """Whom the next authorize "signs in" (the account the person picks at Google)."""
    email_verified: bool = True
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    certs_max_age_s: int | None = 21_600
    """Cache-Control max-age on the v1 certificates, as Google sends (some hours); None: no Cache-Control."""
    certs_fetches: int = 0

    @property
    def certs_url(self) -> str:
        return f"{self.issuer}/oauth2/v1/certs"

    def id_token(
        self,
        email: str,
        *,
        audience: str = CLIENT_ID,
        issuer: str | None = None,
        key: SigningKey | None = None,
        nonce: str | None = None,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": issuer or self.issuer,
            "aud": audience,
            "sub": hashlib.sha256(email.encode()).hexdigest()[:21],
            "email": email,
            "email_verified": self.email_verified,
            "iat": now,
            "exp": now + 3600,
        }
        if nonce:
            claims["nonce"] = nonce
        signer = key or self.key
        return jwt.encode({"alg": "RS256", "kid": signer.kid, "typ": "JWT"}, claims, signer.jwk())

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/o/oauth2/v2/auth",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/oauth2/v3/certs",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: Any) -> None:  # quiet: pytest shows failures, not every request
            pass

        def _json(self, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path == "/.well-known/openid-configuration":
                self._json(provider.discovery())
            elif url.path == "/oauth2/v3/certs":
                self._json({"keys": [provider.key.jwk().as_dict(private=False)]})
            elif url.path == "/oauth2/v1/certs":
                provider.certs_fetches += 1
                age = provider.certs_max_age_s
                self._json(
                    {provider.key.kid: provider.key.certificate_pem()},
                    headers={} if age is None else {"cache-control": f"public, max-age={age}"},
                )
            elif url.path == "/o/oauth2/v2/auth":
                self._authorize({k: v[0] for k, v in parse_qs(url.query).items()})
            else:
                self._json({"error": "not_found"}, 404)

        def _authorize(self, query: dict[str, str]) -> None:
            if query.get("client_id") != CLIENT_ID or query.get("code_challenge_method") != "S256":
                self._json({"error": "invalid_request"}, 400)
                return
            code = secrets.token_urlsafe(16)
            provider.codes[code] = {
                "email": provider.next_email,
                "redirect_uri": query["redirect_uri"],
                "challenge": query["code_challenge"],
                "nonce": query.get("nonce", ""),
            }
            target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"
            self.send_response(302)
            self.send_header("location", target)
            self.send_header("content-length", "0")
            self.end_headers()

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            provider.token_requests.append(form)
            if urlsplit(self.path).path != "/token":
                self._json({"error": "not_found"}, 404)
                return
            # Client authentication as Google takes it: in the form, or HTTP Basic (requests-oauthlib's choice).
            basic = self.headers.get("authorization", "")
            if basic.lower().startswith("basic "):
                user, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
                form.setdefault("client_id", unquote_plus(user))
                form.setdefault("client_secret", unquote_plus(secret))
            grant = provider.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
            if (
                grant is None
                or form.get("client_id") != CLIENT_ID
                or form.get("client_secret") != CLIENT_SECRET
                or form.get("redirect_uri") != grant["redirect_uri"]
                or challenge.decode() != grant["challenge"]
            ):
                self._json({"error": "invalid_grant"}, 400)
                return
            self._json(
                {
                    "access_token": secrets.token_urlsafe(24),
                    "token_type": "Bearer",
                    "expires_in": 3599,
                    "scope": "openid https://www.googleapis.com/auth/userinfo.email",
                    "id_token": provider.id_token(grant["email"], nonce=grant["nonce"] or None),
                }
            )

    return Handler


@contextmanager
def google_provider() -> Iterator[Provider]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(Provider("")))
    provider = Provider(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(provider)
    thread = threading.Thread(target=server.serve_forever, name="test-oidc", daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _FollowingBrowser(webbrowser.BaseBrowser):
    """Opens a URL the way a person's browser would: follows the redirects, in its own thread."""

    def __init__(self) -> None:
        super().__init__(BROWSER)
        self.visits: list[httpx.Response] = []
        self.threads: list[threading.Thread] = []

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        thread = threading.Thread(target=self._visit, args=(url,), name="test-browser", daemon=True)
        self.threads.append(thread)
        thread.start()
        return True

    def _visit(self, url: str) -> None:
        with httpx.Client(follow_redirects=True, timeout=30.0) as http:
            self.visits.append(http.get(url))


@contextmanager
def following_browser() -> Iterator[_FollowingBrowser]:
    browser = _FollowingBrowser()
    webbrowser.register(BROWSER, None, browser)
    try:
        yield browser
    finally:
        for thread in browser.threads:
            thread.join(timeout=10)
