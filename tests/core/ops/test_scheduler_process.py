"""`encore-ops scheduler` as a real process (APScheduler firing the jobs) and `encore-ops health` as the
container probes run it: exit 0 with a reason while healthy, 1 with the reason once not."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from core.ops.health import scheduler_health, server_health
from tests.builders import build_stage
from tests.core.ops.test_scheduler_jobs import _sell
from tests.support import pgdb
from tests.support.api_server import encore_server
from tests.support.context import open_context, signing_key_ref


def _ops(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "core.ops.cli", *args],
        env=env or os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_scheduler_probe_reads_the_heartbeat(tmp_path: Path) -> None:
    beat = tmp_path / "alive"
    ok, reason = scheduler_health(beat, 30)
    assert not ok
    assert "not running" in reason
    beat.touch()
    os.utime(beat, (1_000_000, 1_000_000))
    assert scheduler_health(beat, 30, now=1_000_029) == (True, "scheduler alive (heartbeat 29 s ago)")
    ok, reason = scheduler_health(beat, 30, now=1_000_031)
    assert not ok
    assert reason == "heartbeat 31 s old (limit 30 s): the scheduler's loop is stuck"


@pytest.mark.postgres
async def test_the_scheduler_process_sends_the_mail_and_answers_its_probe(
    pg_database_url, clock, start_smtp, tmp_path
):
    server = start_smtp()
    async with open_context(pg_database_url, clock) as ctx:
        stage = await build_stage(ctx)
        await _sell(ctx, stage, stage.seats[:1], "ada@example.org")
    beat = tmp_path / "scheduler.alive"
    (tmp_path / "encore.toml").write_text("# settings come from the environment\n")
    env = {
        **os.environ,
        "ENCORE_CONFIG": str(tmp_path / "encore.toml"),
        "ENCORE_DATABASE_URL": pg_database_url,
        "ENCORE_TICKET_SIGNING_KEY_REF": signing_key_ref(pg_database_url),
        "ENCORE_SMTP_HOST": server.settings.smtp_host,
        "ENCORE_SMTP_PORT": str(server.settings.smtp_port),
        "ENCORE_SMTP_SECURITY": "none",
        "ENCORE_MAIL_FROM": server.settings.mail_from,
        "ENCORE_LOG_LEVEL": "WARNING",
    }
    await asyncio.to_thread(_run_and_probe, env, beat, tmp_path / "scheduler.log", server)


def _run_and_probe(env: dict[str, str], beat: Path, log: Path, server) -> None:
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "core.ops.cli", "scheduler", "--heartbeat", str(beat)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while not server.recorder.envelopes:  # the send-mail job runs at start
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        assert server.recorder.envelopes[0].rcpt_tos == ["ada@example.org"]
        probe = _ops("health", "scheduler", "--heartbeat", str(beat), env=env)
        assert (probe.returncode, probe.stdout.startswith("scheduler alive")) == (0, True), probe.stderr
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        assert process.wait(timeout=30) == 0, log.read_text()
    probe = _ops("health", "scheduler", "--heartbeat", str(beat), env=env)
    assert probe.returncode == 1
    assert (
        probe.stderr.strip() == f"no heartbeat at {beat}: the scheduler is not running (or not yet started)"
    )
    assert "Traceback" not in log.read_text()


@pytest.mark.postgres
def test_the_server_probe_asks_the_running_server(pg_server_url, pg_database_url, tmp_path):
    with encore_server(pg_database_url, tmp_path / "server") as running:
        url = running.url.replace("localhost", "127.0.0.1")
        probe = _ops("health", "server", "--url", url)
        assert (probe.returncode, probe.stdout.strip()) == (0, f"server at {url} is ready"), probe.stderr
        name = make_url(pg_database_url).database
        # Its database goes away (no new connections, the pooled ones cut): alive, but not ready.
        asyncio.run(pgdb._execute(pg_server_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        try:
            asyncio.run(pgdb._execute(pg_server_url, pgdb._terminate(name)))
            # (In-process from here: the command line's plumbing is the same for every answer.) The server
            # answers readiness from a check at most a second old, so the first probe may still say ready.
            deadline = time.monotonic() + 10.0
            while (answer := server_health(url, 5.0))[0] and time.monotonic() < deadline:
                time.sleep(0.2)
            ok, reason = answer
            assert not ok
            assert reason.startswith(f"server at {url}: Not ready: the database cannot be reached ("), reason
            assert server_health(url, 5.0, live=True) == (True, f"server at {url} is up")
        finally:
            asyncio.run(pgdb._execute(pg_server_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        time.sleep(1.0)  # the server's cached answer expires
        assert server_health(url, 5.0) == (True, f"server at {url} is ready")
    probe = _ops("health", "server", "--url", url, "--timeout", "2")
    assert probe.returncode == 1
    assert probe.stderr.strip() == f"server at {url} does not answer: ConnectError"
