"""The ticket-verification function's logic, free of any framework: one request in, one JSON answer out.

Stateless: it judges a ticket from the verification bundle the venue server publishes (trusted public keys, void
list, upcoming concerts; signed by the server, with a maximum age), read from ``ENCORE_BUNDLE_URL`` (a path,
``file://``, ``s3://bucket/key`` on AWS, or ``https://``) and trusted only if signed by a key in
``ENCORE_BUNDLE_SIGNERS`` (base64 raw Ed25519 public keys, comma-separated: two during a key rotation). The bundle
is read again after ``ENCORE_BUNDLE_REFRESH_S`` seconds (default 60). main.py (Cloud Run functions / Knative,
functions-framework) and lambda_function.py (AWS Lambda) are thin adapters over ``Verifier.handle``.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.domain.errors import BundleRejected
from core.tickets.bundle import MAX_BUNDLE_BYTES, VerificationBundle, open_bundle
from core.tickets.bundle_verdict import judge_ticket

MAX_TEXT = 4096
"""A ticket's QR text is about 150 characters; a request body this long is refused unread."""
FETCH_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: dict[str, Any]

    def json_bytes(self) -> bytes:
        return json.dumps(self.body, ensure_ascii=False).encode()


def _problem(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"error": code, "message": message})


class BundleUnreachable(Exception):
    """The published bundle could not be read (file missing, HTTP or S3 failure): no verdict without it."""


class ConfigProblem(Exception):
    """The function is set up wrong (no bundle address, no signer key): said on every request."""


def _signers(text: str) -> list[bytes]:
    keys = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            raw = base64.b64decode(part, validate=True)
        except (binascii.Error, ValueError):
            raise ConfigProblem(f"ENCORE_BUNDLE_SIGNERS: {part[:12]}… is not base64") from None
        if len(raw) != 32:
            raise ConfigProblem("ENCORE_BUNDLE_SIGNERS: each key is a raw 32-byte Ed25519 public key")
        keys.append(raw)
    if not keys:
        raise ConfigProblem("ENCORE_BUNDLE_SIGNERS is not set: give the venue server's bundle key")
    return keys


def _fetch(url: str) -> bytes:
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme in ("", "file"):
        path = Path(urllib.parse.unquote(parsed.path) if parsed.scheme else url)
        with path.open("rb") as file:
            return file.read(MAX_BUNDLE_BYTES + 1)
    if parsed.scheme == "s3":  # on AWS Lambda: the bucket the venue server publishes into (boto3 is there)
        import boto3  # type: ignore[import-not-found, unused-ignore]

        got = boto3.client("s3").get_object(Bucket=parsed.netloc, Key=parsed.path.lstrip("/"))
        data: bytes = got["Body"].read(MAX_BUNDLE_BYTES + 1)
        return data
    if parsed.scheme not in ("https", "http"):
        raise ConfigProblem(
            f"ENCORE_BUNDLE_URL: {parsed.scheme}: is not a path, file:, s3: or https: address"
        )
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_S) as reply:
        body: bytes = reply.read(MAX_BUNDLE_BYTES + 1)
        return body


class Verifier:
    """Keeps the opened bundle between requests (a warm instance), reads it again when due."""

    def __init__(
        self,
        bundle_url: str,
        signers: list[bytes],
        *,
        refresh_s: float = 60.0,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        fetch: Callable[[str], bytes] = _fetch,
    ) -> None:
        self._url = bundle_url
        self._signers = signers
        self._refresh_s = refresh_s
        self._now = now
        self._fetch = fetch
        self._lock = threading.Lock()
        self._bundle: VerificationBundle | None = None
        self._read_at = 0.0

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Verifier:
        url = environ.get("ENCORE_BUNDLE_URL", "")
        if not url:
            raise ConfigProblem("ENCORE_BUNDLE_URL is not set: give the address of the published bundle")
        refresh = float(environ.get("ENCORE_BUNDLE_REFRESH_S", "60"))
        return cls(url, _signers(environ.get("ENCORE_BUNDLE_SIGNERS", "")), refresh_s=refresh)

    def bundle(self) -> VerificationBundle:
        """The bundle to judge with, read again when due or when the kept one has aged past its limit;
        BundleRejected if what is published is malformed, forged or too old (never a stale bundle's verdict)."""
        with self._lock:
            now = self._now()
            kept = self._bundle
            if kept is None or time.monotonic() - self._read_at >= self._refresh_s or now > kept.expires_at:
                self._bundle = None
                try:
                    data = self._fetch(self._url)
                except ConfigProblem:
                    raise
                except Exception as exc:  # any transport's failure (file, HTTP, S3) means the same here
                    raise BundleUnreachable(type(exc).__name__) from exc
                kept = open_bundle(data, self._signers, now)
                self._bundle, self._read_at = kept, time.monotonic()
            return kept

    def handle(self, method: str, query: Mapping[str, str], body: bytes, content_type: str = "") -> Answer:
        """GET ?qr=TEXT, or POST the text (text/plain) or {"qr": TEXT} (application/json)."""
        if method == "OPTIONS":
            return Answer(204, {})
        if method not in ("GET", "POST"):
            return _problem(405, "method_not_allowed", "Use GET ?qr=… or POST the ticket's QR text.")
        text = _ticket_text(method, query, body, content_type)
        if isinstance(text, Answer):
            return text
        try:
            bundle = self.bundle()
        except BundleRejected as exc:
            return _problem(503, exc.code, exc.message)
        except BundleUnreachable as exc:
            return _problem(503, "bundle_unreachable", f"The verification bundle could not be read ({exc}).")
        except ConfigProblem as exc:
            return _problem(500, "config_invalid", str(exc))
        verdict = judge_ticket(bundle, text).to_json()
        verdict["bundle_issued_at"] = bundle.issued_at.isoformat().replace("+00:00", "Z")
        return Answer(200, verdict)


def _ticket_text(method: str, query: Mapping[str, str], body: bytes, content_type: str) -> str | Answer:
    if method == "GET":
        text: object = query.get("qr", "")
    elif len(body) > MAX_TEXT:
        return _problem(
            413, "request_too_large", f"Send one ticket's QR text (at most {MAX_TEXT} characters)."
        )
    elif content_type.split(";")[0].strip().lower() == "application/json":
        try:
            document = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return _problem(400, "invalid_input", 'The body is not JSON: send {"qr": "<the QR text>"}.')
        text = document.get("qr", "") if isinstance(document, dict) else ""
    else:
        try:
            text = body.decode("utf-8").strip()
        except UnicodeDecodeError:
            return _problem(400, "invalid_input", "The body is not UTF-8 text: send the QR text as it reads.")
    if not isinstance(text, str) or not text:
        return _problem(400, "invalid_input", 'No ticket given: send ?qr=<the QR text> or {"qr": "…"}.')
    if len(text) > MAX_TEXT:
        return _problem(
            413, "request_too_large", f"Send one ticket's QR text (at most {MAX_TEXT} characters)."
        )
    return text
