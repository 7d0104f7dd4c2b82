"""A real `encore-server` process on a free port, serving TLS with a trustme certificate, for end-to-end tests."""

from __future__ import annotations

import os
import secrets
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import trustme

from core.security.device_keys import DeviceKey
from tests.support.context import pin_key_ref
from tests.support.probes import free_port

START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class RunningServer:
    url: str
    ca_file: Path
    """The test CA that signed the server's certificate for 'localhost'."""
    token_key: str
    log: Path
    pid: int = 0
    """The server's main process (its workers are its children)."""
    signing_key_ref: str = ""
    """The server's ticket-signing key: an in-process context that sells beside the server signs with it too (a
    venue has one current key: the per-database key of tests.support.context, registered before the server
    started, was retired by the server's and may sign no more)."""


@contextmanager
def encore_server(
    database_url: str,
    folder: Path,
    *,
    workers: int = 1,
    redis_url: str = "",
    extra_env: dict[str, str] | None = None,
    start_timeout_s: float = START_TIMEOUT_S,
    ca: trustme.CA | None = None,
    token_key: str | None = None,
    signing_key_ref: str | None = None,
) -> Iterator[RunningServer]:
    """``ca``, ``token_key`` and ``signing_key_ref``: given alike to several replicas of one venue server, so
    that a token one signed is good at the other, and the tickets are signed with the same key."""
    ca = ca or trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    folder.mkdir(parents=True, exist_ok=True)
    ca_file, chain, key = folder / "ca.pem", folder / "server-chain.pem", folder / "server-key.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    cert.private_key_pem.write_to_path(str(key))
    chain.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
    for path in (key, chain):
        path.chmod(0o600)
    (folder / "encore.toml").write_text("# settings come from the environment\n")
    port = free_port()
    token_key = token_key or secrets.token_urlsafe(48)
    # The venue server's ticket-signing key, provisioned before the server starts (its workers share it).
    signing_ref = signing_key_ref or f"file:{folder / 'ticket-signing.key'}"
    DeviceKey.load_or_create(signing_ref)
    env = {
        **os.environ,
        "ENCORE_CONFIG": str(folder / "encore.toml"),
        "ENCORE_DATABASE_URL": database_url,
        "ENCORE_REDIS_URL": redis_url,
        "ENCORE_SERVER_TOKEN_KEY_REF": "env:ENCORE_TEST_TOKEN_KEY",
        "ENCORE_TEST_TOKEN_KEY": token_key,
        "ENCORE_SERVER_TLS_CERT_REF": f"file:{chain}",
        "ENCORE_SERVER_TLS_KEY_REF": f"file:{key}",
        "ENCORE_TICKET_SIGNING_KEY_REF": signing_ref,
        # The PIN key of this database, as the tests' in-process contexts over it use (tests.support.context);
        # a server given its database in extra_env gets its PIN key there too.
        "ENCORE_PIN_KEY_REF": pin_key_ref(database_url) if database_url else "",
        "ENCORE_LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "core.api.server",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"https://localhost:{port}"
    try:
        _wait_ready(url, ca_file, process, log, start_timeout_s)
        yield RunningServer(url, ca_file, token_key, log, process.pid, signing_ref)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def trusting(ca_file: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(ca_file))


def _wait_ready(
    url: str, ca_file: Path, process: subprocess.Popen[bytes], log: Path, timeout_s: float
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"encore-server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/v1/health", verify=trusting(ca_file), timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"encore-server did not answer within {timeout_s} s:\n{log.read_text()[-3000:]}")
