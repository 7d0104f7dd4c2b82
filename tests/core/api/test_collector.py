"""A server worker sets its garbage collector for serving once started (core/api/collector.py); an app that shares
its process (tests, the embedded mode) leaves the process's collector as it was."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from core.api.collector import YOUNG_THRESHOLD
from tests.support.context import pin_key_ref, signing_key_ref

_START = textwrap.dedent(
    """
    import asyncio, gc, json, sys
    from core.api.app import create_app
    from core.config import Settings
    from core.security.tokens import TokenKey

    async def main(url, signing, pin, own_process):
        settings = Settings(database_url=url, ticket_signing_key_ref=signing, pin_key_ref=pin)
        app = create_app(settings, token_key=TokenKey.generate(), own_process=own_process)
        seen = {"before": [gc.get_threshold()[0], gc.get_freeze_count()]}
        async with app.lifespan():  # what uvicorn runs when the worker starts
            seen["started"] = [gc.get_threshold()[0], gc.get_freeze_count()]
        print(json.dumps(seen))

    asyncio.run(main(*sys.argv[1:4], sys.argv[4] == "own"))
    """
)


def _start(url: str, mode: str) -> dict[str, list[int]]:
    """A fresh interpreter (the collector is per process) starts the app: its collector before and after."""
    done = subprocess.run(
        [sys.executable, "-c", _START, url, signing_key_ref(url), pin_key_ref(url), mode],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen: dict[str, list[int]] = json.loads(done.stdout.strip().splitlines()[-1])
    return seen


def test_a_server_worker_freezes_what_start_up_made_and_collects_young_objects_less_often(
    pg_database_url: str,
) -> None:
    seen = _start(pg_database_url, "own")
    assert seen["before"] == [700, 0]  # CPython's defaults
    threshold, frozen = seen["started"]
    assert threshold == YOUNG_THRESHOLD
    assert frozen > 50_000  # imports, the app, its context and pools: out of every later pass


def test_an_app_that_shares_its_process_leaves_the_collector_alone(pg_database_url: str) -> None:
    seen = _start(pg_database_url, "shared")
    assert seen["started"] == [700, 0]
