"""The HTTP side of the framework benchmark: start a server we own, drive it from load-generator processes."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

CONFIG_ENV = "ENCORE_APIBENCH_CONFIG"
"""Where the framework apps read their settings (kept here so that importing this module needs neither framework:
the API flash sale, run by `make test` too, uses its process helpers)."""

ROOT = Path(__file__).resolve().parents[2]
LOADERS, TASKS = 2, 32
FRAMEWORKS = {"fastapi": "fastapi_app", "litestar": "litestar_app"}


@dataclass
class Load:
    """What the load generators saw in one timed window."""

    ok: int
    places: int
    lat: list[float]
    errors: dict[str, int]
    elapsed: float
    late_s: float
    client_cpu_s: float
    server_cpu_s: float

    @property
    def rate(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0

    def server_ms_per_request(self) -> float:
        return 1000 * self.server_cpu_s / self.ok if self.ok else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tree_rss_mib(root: int) -> tuple[float, int]:
    """Resident memory of a process and all its descendants (MiB), and how many processes that is, from /proc.
    Pages shared between them (a forked worker's) count in each, as top shows them."""
    total, count = 0.0, 0
    for pid in _tree(root):
        try:
            with open(f"/proc/{pid}/status") as f:
                kib = next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
        except OSError:
            continue
        total, count = total + kib / 1024, count + 1
    return total, count


def _tree(root: int) -> set[int]:
    """A process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
    ours, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in ours:
                ours.add(child)
                frontier.append(child)
    return ours


def _tree_cpu_s(root: int) -> float:
    """CPU seconds (user + system) of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    ours, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in ours:
                ours.add(child)
                frontier.append(child)
    return sum(times.get(pid, 0.0) for pid in ours)


def command(server: str, framework: str, port: int, workers: int) -> list[str]:
    target = f"tests.benchmarks._api_apps:{FRAMEWORKS[framework]}"
    common = f"--factory --host 127.0.0.1 --port {port} --workers {workers} --loop uvloop --log-level warning"
    if server == "uvicorn":
        return [
            sys.executable,
            "-m",
            "uvicorn",
            target,
            *common.split(),
            "--http",
            "httptools",
            "--no-access-log",
        ]
    return [
        sys.executable,
        "-m",
        "granian",
        target,
        *common.split(),
        "--interface",
        "asgi",
        "--no-access-log",
    ]


def _start(command: list[str], config: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, CONFIG_ENV: str(config), "PYTHONPATH": str(ROOT)}
    with log.open("w") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _tail(log: Path) -> str:
    return log.read_text()[-800:]


@asynccontextmanager
async def serving(command: list[str], config: Path, port: int, log: Path) -> AsyncIterator[int]:
    """Start a server we own (its own session), wait until it answers, stop it (its group) at the end."""
    proc = _start(command, config, log)
    try:
        async with httpx.AsyncClient(timeout=2.0) as client:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"{command[2]} exited ({proc.returncode}): {_tail(log)}")
                try:
                    if (await client.get(f"http://127.0.0.1:{port}/v1/ping")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{command[2]} did not answer in 60 s: {_tail(log)}")
                await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)  # let every worker finish its lifespan (pool, clock check) before measuring
        yield proc.pid
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            await asyncio.to_thread(proc.wait, 20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            await asyncio.to_thread(proc.wait, 10)
        except ProcessLookupError:
            pass


async def drive(server_pid: int, spec: dict[str, Any], duration: float) -> Load:
    start_at = time.time() + 2.0
    spec = {**spec, "start_at": start_at, "duration": duration, "tasks": TASKS}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.benchmarks._api_load",
            json.dumps({**spec, "seed": f"{spec['seed']}{k}"}),
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for k in range(LOADERS)
    ]
    outputs = asyncio.gather(*(p.communicate() for p in procs))
    await asyncio.sleep(max(0.0, start_at - time.time()))
    cpu0 = _tree_cpu_s(server_pid)
    await asyncio.sleep(duration)
    cpu1 = _tree_cpu_s(server_pid)
    parts = []
    for out, err in await outputs:
        if not out:
            raise RuntimeError(f"a load generator failed: {err.decode()[-800:]}")
        parts.append(json.loads(out))
    errors: dict[str, int] = {}
    for part in parts:
        for key, n in part["errors"].items():
            errors[key] = errors.get(key, 0) + n
    return Load(
        ok=sum(p["ok"] for p in parts),
        places=sum(p["places"] for p in parts),
        lat=[x for p in parts for x in p["lat"]],
        errors=errors,
        elapsed=duration,
        late_s=max(p["late_s"] for p in parts),
        client_cpu_s=sum(p["cpu_s"] for p in parts),
        server_cpu_s=cpu1 - cpu0,
    )
