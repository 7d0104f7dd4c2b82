"""`encore-ops health server|scheduler`: container probes. Exit 0 when healthy, 1 when not, with one line that
says why either way (the probe's log then reads like a sentence)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.config import Settings
from core.ops.heartbeat import default_heartbeat

if TYPE_CHECKING:
    import httpx


def scheduler_health(heartbeat: Path, max_age_s: float, now: float | None = None) -> tuple[bool, str]:
    """Alive when the heartbeat file was touched within ``max_age_s``: the scheduler's loop is turning. A
    database that is down does not make it unhealthy (it waits and retries; a restart would not help)."""
    try:
        touched = heartbeat.stat().st_mtime
    except FileNotFoundError:
        return False, f"no heartbeat at {heartbeat}: the scheduler is not running (or not yet started)"
    age = (time.time() if now is None else now) - touched
    if age > max_age_s:
        return False, f"heartbeat {age:.0f} s old (limit {max_age_s:.0f} s): the scheduler's loop is stuck"
    return True, f"scheduler alive (heartbeat {max(age, 0):.0f} s ago)"


def server_url(settings: Settings) -> str:
    host = settings.server_host
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    scheme = "https" if settings.server_tls_cert_ref else "http"
    return f"{scheme}://{host}:{settings.server_port}"


LIVE_PATH = "/v1/health"
READY_PATH = "/v1/health/ready"


def server_health(url: str, timeout_s: float, *, live: bool = False) -> tuple[bool, str]:
    """Readiness by default: the server answers /v1/health/ready with 200 (its database answers through the
    pool); with ``live``, only that the process answers /v1/health (a liveness probe must not restart a server
    because the database is away). A probe on this machine asks this process; its certificate names the public
    host, so it is not checked here (TLS clients check it)."""
    import httpx  # here: the scheduler's probe needs none of it

    loopback = httpx.URL(url).host in ("127.0.0.1", "localhost", "::1")
    path = LIVE_PATH if live else READY_PATH
    try:
        response = httpx.get(f"{url.rstrip('/')}{path}", timeout=timeout_s, verify=not loopback)
    except httpx.HTTPError as error:
        return False, f"server at {url} does not answer: {type(error).__name__}"
    if response.status_code == 503 and not live:
        return False, f"server at {url}: {_detail(response)}"
    if response.status_code != 200:
        return False, f"server at {url} answered {response.status_code}"
    return True, f"server at {url} is {'up' if live else 'ready'}"


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json()["detail"])
    except (ValueError, KeyError, TypeError):
        return response.text[:200] or "(no reason given)"


def bind(args: argparse.Namespace) -> Any:
    async def command(settings: Settings) -> int:
        if args.health_of == "server":
            ok, reason = await asyncio.to_thread(
                server_health, args.url or server_url(settings), args.timeout, live=args.live
            )
        else:
            ok, reason = scheduler_health(args.heartbeat or default_heartbeat(), args.max_age)
        print(reason, file=sys.stdout if ok else sys.stderr)
        return 0 if ok else 1

    return command
