"""The ticket-verification function: verdicts per second through HTTP (functions-framework, as deployed on Cloud
Run functions / Knative) beside the same code in-process and raw Ed25519 verification, in the same run.

A bundle like a busy season's (3 trusted keys, 20,000 void tickets, 40 concerts) and distinct genuine tickets;
the function is built with its build.py and served by the functions-framework command; 8 clients keep it busy.
"""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.domain.ids import ConcertId, TicketId
from core.tickets import payload as tp
from core.tickets import qr, signing
from core.tickets.bundle import BundleConcert, VerificationBundle, seal_bundle
from tests.benchmarks._common import Env, Result
from tests.support.probes import free_port

FUNCTION = Path(__file__).resolve().parents[2] / "server-stack" / "functions" / "verify_ticket"
TICKETS = 1000
CLIENTS = 8


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _season(n: int) -> tuple[bytes, bytes, list[str], list[tuple[bytes, bytes, bytes]]]:
    """(sealed bundle, server public key, genuine ticket texts, (key, signed, signature) for raw verification)."""
    now = datetime.now(UTC)
    server = Ed25519PrivateKey.generate()
    ticket_keys = {k: Ed25519PrivateKey.generate() for k in (1, 2, 3)}
    bundle = VerificationBundle(
        issued_at=now,
        expires_at=now + timedelta(hours=6),
        keys={k: signing.public_key_bytes(key) for k, key in ticket_keys.items()},
        void=frozenset(TicketId(1_000_000 + i) for i in range(20_000)),
        concerts={
            ConcertId(c): BundleConcert(
                ConcertId(c), f"Concert {c}", "Artist", now + timedelta(days=c), "Hall"
            )
            for c in range(1, 41)
        },
    )
    texts, raw = [], []
    for i in range(n):
        key_id = 1 + i % 3
        payload = tp.TicketPayload(TicketId(i + 1), ConcertId(1 + i % 40), now, key_id)
        signed = tp.encode(payload)
        signature = signing.sign(ticket_keys[key_id], signed)
        texts.append(qr.to_text(payload, signature))
        raw.append((signing.public_key_bytes(ticket_keys[key_id]), signed, signature))
    public = signing.public_key_bytes(server)
    return seal_bundle(bundle, server.sign, public), public, texts, raw


def _rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else 0.0


async def _http_rate(port: int, texts: list[str]) -> tuple[float, float]:
    """(verdicts/s with CLIENTS clients, p99 ms)."""
    latencies: list[float] = []
    queue = list(texts)

    async def client() -> None:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            while queue:
                text = queue.pop()
                started = time.perf_counter()
                reply = await http.post("/", content=text, headers={"content-type": "text/plain"})
                latencies.append(time.perf_counter() - started)
                assert reply.json()["valid"] is True, reply.text

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return _rate(len(texts), elapsed), latencies[int(len(latencies) * 0.99) - 1] * 1000


async def run(env: Env, scale: float = 1.0) -> Result:
    n = max(300, int(TICKETS * scale))
    result = Result("verify_function", "Ticket verification function: HTTP vs in-process vs raw Ed25519")
    sealed, public, texts, raw = _season(n)
    result.setup = {"tickets": n, "clients": CLIENTS, "bundle": "3 keys, 20,000 void, 40 concerts"}

    started = time.perf_counter()
    for key, signed, signature in raw:
        assert signing.verify(key, signed, signature)
    raw_rate = _rate(n, time.perf_counter() - started)

    verifier_module = _load("verify_bench_verifier", FUNCTION / "verifier.py")
    verifier = verifier_module.Verifier("memory:", [public], refresh_s=3600, fetch=lambda _url: sealed)
    started = time.perf_counter()
    for text in texts:
        assert verifier.handle("POST", {}, text.encode(), "text/plain").body["valid"] is True
    in_process = _rate(n, time.perf_counter() - started)

    with tempfile.TemporaryDirectory() as folder:
        built = Path(folder) / "verify_ticket"
        _load("verify_bench_build", FUNCTION / "build.py").build(built)
        bundle_file = Path(folder) / "bundle.json"
        bundle_file.write_bytes(sealed)
        port = free_port()
        env_vars = {
            **os.environ,
            "PYTHONPATH": str(built),
            "ENCORE_BUNDLE_URL": str(bundle_file),
            "ENCORE_BUNDLE_SIGNERS": base64.b64encode(public).decode(),
        }
        command = [str(Path(sys.executable).parent / "functions-framework"), "--target=verify_ticket"]
        process = subprocess.Popen(  # noqa: ASYNC220 - started once, before anything is measured
            [*command, "--source=main.py", f"--port={port}"],
            cwd=built,
            env=env_vars,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
                while True:
                    try:
                        await http.get("/", params={"qr": texts[0]})
                        break
                    except httpx.TransportError:
                        if time.monotonic() > deadline:
                            raise RuntimeError("functions-framework did not start in 30 s") from None
                        await asyncio.sleep(0.1)
            http_rate, p99 = await _http_rate(port, texts)
        finally:
            process.terminate()
            process.wait(10)

    result.add("raw Ed25519 verify (ceiling)", round(raw_rate), "/s")
    result.add(
        "in-process verdicts",
        round(in_process),
        "/s",
        f"{in_process / raw_rate:.2f} of raw",
        "parse + verify + void",
    )
    result.add(
        "HTTP function verdicts",
        round(http_rate),
        "/s",
        f"{http_rate / in_process:.2f} of in-process",
        f"functions-framework, {CLIENTS} clients, p99 {p99:.1f} ms",
    )
    return result
