"""The server stack's real daemons for tests (PgBouncer, HAProxy, Redis, Mosquitto): each started from its
committed template in server-stack/ on a free port, in a folder of its own, and killed by its process id."""

from __future__ import annotations

import csv
import hashlib
import os
import pwd
import shutil
import signal
import socket
import string
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import trustme
from sqlalchemy.engine import make_url

from tests.support.probes import free_port

STACK = Path(__file__).resolve().parents[2] / "server-stack"
START_TIMEOUT_S = 10.0


def missing(*binaries: str) -> list[str]:
    """The binaries of ``binaries`` not on this machine (a test skips naming them and the apt-get line)."""
    return [name for name in binaries if _which(name) is None]


def require(*binaries: str, apt: str) -> None:
    """Skip the test, naming what is missing and the apt-get line (make installs them as root); under CI=true,
    where nothing may be skipped silently, fail instead."""
    import pytest  # only for tests; the rest of this module is plain

    absent = missing(*binaries)
    if not absent:
        return
    reason = f"{' and '.join(absent)} not installed here (Debian: apt-get install -y {apt})"
    if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
        pytest.fail(f"{reason}. Under CI=true a missing server fails the run.", pytrace=False)
    pytest.skip(reason)


def _which(name: str) -> str | None:
    # Debian puts haproxy, pgbouncer and mosquitto in /usr/sbin, which a non-root PATH may lack.
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin:/sbin")


def render(template: Path, values: Mapping[str, str]) -> str:
    """The template with each ${NAME} filled; a placeholder without a value fails (KeyError names it)."""
    return string.Template(template.read_text()).substitute(values)


@dataclass
class Daemon:
    name: str
    port: int
    folder: Path
    process: subprocess.Popen[bytes]

    @property
    def log(self) -> str:
        path = self.folder / f"{self.name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def kill(self) -> None:
        """SIGKILL, as a crash: no goodbye to its clients."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def _folder(kind: str, owner: str | None = None) -> Path:
    # Under the system temp dir: a daemon that drops root (PgBouncer -u postgres) must reach its files.
    folder = Path(tempfile.mkdtemp(prefix=f"encore-stack-{kind}-"))
    if owner is not None and os.geteuid() == 0:
        user = pwd.getpwnam(owner)
        os.chown(folder, user.pw_uid, user.pw_gid)
    return folder


def _write(path: Path, text: str, owner: str | None = None) -> Path:
    path.write_text(text)
    path.chmod(0o600)
    if owner is not None and os.geteuid() == 0:
        user = pwd.getpwnam(owner)
        os.chown(path, user.pw_uid, user.pw_gid)
    return path


def _wait_port(daemon: Daemon, timeout_s: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if daemon.process.poll() is not None:
            raise RuntimeError(f"{daemon.name} exited with {daemon.process.returncode}:\n{daemon.log}")
        try:
            with socket.create_connection(("127.0.0.1", daemon.port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{daemon.name} did not listen on {daemon.port} within {timeout_s} s:\n{daemon.log}")


@contextmanager
def _running(
    name: str, argv: Sequence[str], port: int, folder: Path, env: Mapping[str, str] | None = None
) -> Iterator[Daemon]:
    with (folder / f"{name}.out").open("wb") as out:
        process = subprocess.Popen(
            list(argv), stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
    daemon = Daemon(name, port, folder, process)
    try:
        _wait_port(daemon)
        yield daemon
    finally:
        daemon.stop()
        shutil.rmtree(folder, ignore_errors=True)


# --- PgBouncer ---------------------------------------------------------------------------------------


def database_address(database_url: str) -> tuple[str, int, str]:
    """(host or socket folder, port, database name) of a PostgreSQL URL, as PgBouncer's [databases] wants."""
    url = make_url(database_url)
    host = url.host or str(url.query.get("host", "")) or "127.0.0.1"
    port = url.port or int(str(url.query.get("port", "5432")))
    return host, port, str(url.database)


@contextmanager
def pgbouncer(database_url: str, users: Mapping[str, str]) -> Iterator[Daemon]:
    """server-stack/pgbouncer/pgbouncer.ini in front of ``database_url``'s database, as alias 'encore'.
    ``users``: name -> password, the auth_file's entries. Runs as the postgres user (it refuses root)."""
    owner = "postgres" if os.geteuid() == 0 else None
    folder = _folder("pgbouncer", owner)
    host, db_port, name = database_address(database_url)
    userlist = _write(folder / "userlist.txt", "".join(f'"{u}" "{p}"\n' for u, p in users.items()), owner)
    port = free_port()
    ini = render(
        STACK / "pgbouncer" / "pgbouncer.ini",
        {
            "PGBOUNCER_DB_HOST": host,
            "PGBOUNCER_DB_PORT": str(db_port),
            "PGBOUNCER_DB_NAME": name,
            "PGBOUNCER_LISTEN_ADDR": "127.0.0.1",
            "PGBOUNCER_PORT": str(port),
            "PGBOUNCER_RUN_DIR": str(folder),
            "PGBOUNCER_USERLIST": str(userlist),
        },
    )
    config = _write(folder / "pgbouncer.ini", ini, owner)
    argv = [str(_which("pgbouncer")), *(["-u", owner] if owner else []), str(config)]
    with _running("pgbouncer", argv, port, folder) as daemon:
        yield daemon


# --- HAProxy -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Balancer:
    url: str
    """Where devices connect: https://localhost:<port>."""
    stats_url: str
    daemon: Daemon


@contextmanager
def haproxy(
    cert_and_key_pem: bytes,
    backend_ca_file: Path,
    backends: Sequence[str],
    config: Path = STACK / "haproxy" / "haproxy.cfg",
) -> Iterator[Balancer]:
    """server-stack/haproxy/haproxy.cfg as committed (HAProxy reads its placeholders from the environment),
    terminating TLS with ``cert_and_key_pem`` in front of two replicas (host:port, TLS by ``backend_ca_file``).
    ``config``: another file, for a control that shows what the committed one prevents."""
    first, second = backends
    folder = _folder("haproxy")
    cert = _write(folder / "frontend.pem", cert_and_key_pem.decode())
    port, stats_port = free_port(), free_port()
    env = {
        "HAPROXY_BIND": f"127.0.0.1:{port}",
        "HAPROXY_CERT": str(cert),
        "HAPROXY_STATS_BIND": f"127.0.0.1:{stats_port}",
        "ENCORE_BACKEND_CA": str(backend_ca_file),
        "ENCORE_SERVER_1": first,
        "ENCORE_SERVER_2": second,
    }
    argv = [str(_which("haproxy")), "-db", "-f", str(config)]
    with _running("haproxy", argv, port, folder, env) as daemon:
        yield Balancer(f"https://localhost:{port}", f"http://127.0.0.1:{stats_port}/stats;csv", daemon)


def backend_stats(balancer: Balancer) -> dict[str, dict[str, str]]:
    """HAProxy's own figures per replica (status UP/DOWN, stot: sessions served), from its CSV page."""
    with urllib.request.urlopen(balancer.stats_url, timeout=5) as answer:
        lines = answer.read().decode().lstrip("# ").splitlines()
    return {
        row["svname"]: row
        for row in csv.DictReader(lines)
        if row["pxname"] == "encore_servers" and row["svname"] not in {"FRONTEND", "BACKEND"}
    }


def kill_group(pid: int) -> None:
    """SIGKILL a process started in a session of its own (encore-server: uvicorn and its workers), as a crash."""
    os.killpg(pid, signal.SIGKILL)


# --- Redis and Mosquitto, TLS only ---------------------------------------------------------------------


@dataclass(frozen=True)
class Broker:
    port: int
    ca_file: Path
    """The CA that signed the broker's certificate (for localhost and 127.0.0.1)."""
    folder: Path
    daemon: Daemon


def _tls_files(ca: trustme.CA, folder: Path, owner: str | None = None) -> dict[str, Path]:
    cert = ca.issue_cert("localhost", "127.0.0.1")
    files = {
        "ca": _write(folder / "ca.pem", ca.cert_pem.bytes().decode(), owner),
        "cert": _write(
            folder / "cert.pem", b"".join(b.bytes() for b in cert.cert_chain_pems).decode(), owner
        ),
        "key": _write(folder / "key.pem", cert.private_key_pem.bytes().decode(), owner),
    }
    files["ca"].chmod(0o644)
    return files


@contextmanager
def redis_tls(ca: trustme.CA, admin_user: str, admin_password: str) -> Iterator[Broker]:
    """redis-server from server-stack/redis (redis.conf and users.acl): TLS only, default user off, one
    admin user; the rest is what `encore-ops redis-acl` creates through that admin."""
    folder = _folder("redis")
    tls = _tls_files(ca, folder)
    acl_file = folder / "users.acl"
    acl_file.write_text(
        render(
            STACK / "redis" / "users.acl",
            {
                "REDIS_ADMIN_USER": admin_user,
                "REDIS_ADMIN_PASSWORD_SHA256": hashlib.sha256(admin_password.encode()).hexdigest(),
            },
        )
    )
    port = free_port()
    conf = render(
        STACK / "redis" / "redis.conf",
        {
            "REDIS_TLS_PORT": str(port),
            "REDIS_BIND": "127.0.0.1",
            "REDIS_TLS_CERT": str(tls["cert"]),
            "REDIS_TLS_KEY": str(tls["key"]),
            "REDIS_TLS_CA": str(tls["ca"]),
            "REDIS_ACL_FILE": str(acl_file),
            "REDIS_DIR": str(folder),
        },
    )
    config = _write(folder / "redis.conf", conf)
    with _running("redis", [str(_which("redis-server")), str(config)], port, folder) as daemon:
        yield Broker(port, tls["ca"], folder, daemon)


@contextmanager
def mosquitto_tls(ca: trustme.CA, users: Mapping[str, str], server_user: str) -> Iterator[Broker]:
    """mosquitto from server-stack/mosquitto (mosquitto.conf and acl): TLS only, anonymous off, ``users``
    (name -> password) in its password file, ``server_user`` the one that may send gate commands."""
    owner = "mosquitto" if os.geteuid() == 0 else None  # as root it drops to that user, then reads its files
    folder = _folder("mosquitto", owner)
    tls = _tls_files(ca, folder, owner)
    passwords = _write(folder / "passwords", "", owner)
    for name, password in users.items():
        subprocess.run(
            [str(_which("mosquitto_passwd")), "-b", str(passwords), name, password],
            check=True,
            capture_output=True,
        )
    acl = _write(
        folder / "acl", render(STACK / "mosquitto" / "acl", {"MQTT_SERVER_USER": server_user}), owner
    )
    port = free_port()
    conf = render(
        STACK / "mosquitto" / "mosquitto.conf",
        {
            "MOSQUITTO_PASSWORD_FILE": str(passwords),
            "MOSQUITTO_ACL_FILE": str(acl),
            "MOSQUITTO_TLS_PORT": str(port),
            "MOSQUITTO_BIND": "127.0.0.1",
            "MOSQUITTO_TLS_CA": str(tls["ca"]),
            "MOSQUITTO_TLS_CERT": str(tls["cert"]),
            "MOSQUITTO_TLS_KEY": str(tls["key"]),
        },
    )
    config = _write(folder / "mosquitto.conf", conf, owner)
    with _running("mosquitto", [str(_which("mosquitto")), "-c", str(config)], port, folder) as daemon:
        yield Broker(port, tls["ca"], folder, daemon)
