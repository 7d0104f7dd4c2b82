"""Two processes' first runs at once, the race made certain: in each (spawned) process, the look that finds no
secret yet waits until the other process's look has found none too, so both go on to create one."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from types import ModuleType
from typing import Any

RUNS = 2


def look_then_wait(module: ModuleType, barrier: Any) -> None:
    """Make ``module``'s secret_absent wait for the other run after it has looked."""
    looked = module.secret_absent

    def absent_then_wait(ref: str) -> bool:
        absent = looked(ref)
        barrier.wait(30)
        return bool(absent)

    module.secret_absent = absent_then_wait


def at_once(first_run: Callable[..., Any], *args: Any) -> set[Any]:
    """Run ``first_run(barrier, *args)`` in RUNS spawned processes at once; the set of what they returned."""
    spawn = multiprocessing.get_context("spawn")
    barrier, answers = spawn.Barrier(RUNS), spawn.Queue()
    runs = [spawn.Process(target=_run, args=(first_run, barrier, answers, *args)) for _ in range(RUNS)]
    for run in runs:
        run.start()
    got = {answers.get(timeout=60) for _ in runs}
    for run in runs:
        run.join(30)
        assert run.exitcode == 0
    return got


def _run(first_run: Callable[..., Any], barrier: Any, answers: Any, *args: Any) -> None:
    answers.put(first_run(barrier, *args))
