"""The lanes' own rules (core/services/hold_lanes.py), with batches that record what they were given.

Who runs alone, who waits, who leads the next batch, what happens to a request cancelled at each point. The
holds themselves are tested on PostgreSQL in test_hold_lanes.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from core.services import hold_lanes
from core.services.hold_lanes import HoldLanes, Waiting

LANE = ("device", 1, 2)


class Recorder:
    """``alone`` and ``batch`` for a lane: each records its call, and waits for ``gate`` when told to."""

    def __init__(self) -> None:
        self.alone_calls: list[str] = []
        self.batches: list[list[str]] = []
        self.gate = asyncio.Event()  # what alone() waits for
        self.gate.set()
        self.batch_gate = asyncio.Event()  # what batch() waits for
        self.batch_gate.set()
        self.refuse: set[str] = set()
        self.fail = False

    def alone(self, name: str):
        async def run() -> str:
            self.alone_calls.append(name)
            await self.gate.wait()
            return f"alone:{name}"

        return run

    async def batch(self, group: Sequence[Waiting[str]]) -> dict[int, str]:
        self.batches.append([w.asked for w in group])
        await self.batch_gate.wait()
        if self.fail:
            raise RuntimeError("the statement failed")
        return {n: f"batch:{w.asked}" for n, w in enumerate(group) if w.asked not in self.refuse}


def _request(name: str, places: int = 1, key: str | None = None) -> Waiting[str]:
    return Waiting(name, places, key or f"key-{name}")


async def _start(lanes: HoldLanes, rec: Recorder, names: list[str], **kw) -> list[asyncio.Task[str]]:
    """Start one task per name, in order, each past its first step (so the lane has seen them all)."""
    tasks = []
    for name in names:
        tasks.append(asyncio.create_task(lanes.hold(LANE, _request(name, **kw), rec.alone(name), rec.batch)))
        await asyncio.sleep(0)
    return tasks


async def test_a_quiet_lane_makes_each_hold_alone_at_once_and_forgets_the_lane():
    lanes, rec = HoldLanes(in_flight=2), Recorder()
    assert await lanes.hold(LANE, _request("a"), rec.alone("a"), rec.batch) == "alone:a"
    assert await lanes.hold(LANE, _request("b"), rec.alone("b"), rec.batch) == "alone:b"
    assert rec.alone_calls == ["a", "b"]
    assert rec.batches == []
    assert lanes._lanes() == {}


async def test_requests_that_find_the_lane_full_are_made_together_by_the_first_of_them():
    lanes, rec = HoldLanes(in_flight=1), Recorder()
    rec.gate.clear()
    tasks = await _start(lanes, rec, ["a", "b", "c", "d"])
    assert rec.alone_calls == ["a"]
    assert rec.batches == []
    rec.gate.set()
    assert await asyncio.gather(*tasks) == ["alone:a", "batch:b", "batch:c", "batch:d"]
    assert rec.batches == [["b", "c", "d"]]
    assert lanes._lanes() == {}


async def test_a_request_the_batch_did_not_hold_for_makes_its_own_hold_after_it():
    lanes, rec = HoldLanes(in_flight=1), Recorder()
    rec.gate.clear()
    rec.refuse = {"c"}
    tasks = await _start(lanes, rec, ["a", "b", "c", "d"])
    rec.gate.set()
    assert await asyncio.gather(*tasks) == ["alone:a", "batch:b", "alone:c", "batch:d"]
    assert rec.alone_calls == ["a", "c"]


async def test_a_failed_batch_lets_each_of_its_requests_make_its_own_hold(expect_log):
    lanes, rec = HoldLanes(in_flight=1), Recorder()
    rec.gate.clear()
    rec.fail = True
    tasks = await _start(lanes, rec, ["a", "b", "c"])
    rec.gate.set()
    with expect_log("core.services.hold_lanes", "a batch of 2 standing holds failed"):
        assert await asyncio.gather(*tasks) == ["alone:a", "alone:b", "alone:c"]
    assert rec.batches == [["b", "c"]]


async def test_a_batch_stops_at_the_caps_and_at_a_repeated_request_key(monkeypatch):
    monkeypatch.setattr(hold_lanes, "MAX_HOLDS", 3)
    lanes, rec = HoldLanes(in_flight=1), Recorder()
    rec.gate.clear()
    tasks = await _start(lanes, rec, ["a"])
    tasks += await _start(lanes, rec, ["b", "c", "d", "e"])  # b leads c, d (3 holds); e leads the next
    tasks += await _start(lanes, rec, ["f"], key="key-e")  # the same request as e: not in e's batch
    rec.gate.set()
    await asyncio.gather(*tasks)
    assert rec.batches == [["b", "c", "d"]]
    assert rec.alone_calls == ["a", "e", "f"]  # e alone (f could not join it), then f alone

    monkeypatch.setattr(hold_lanes, "MAX_PLACES", 5)
    rec2 = Recorder()
    rec2.gate.clear()
    tasks = await _start(lanes, rec2, ["a"])
    tasks += await _start(lanes, rec2, ["b", "c", "d"], places=2)  # b and c: 4 places; d would make 6
    rec2.gate.set()
    await asyncio.gather(*tasks)
    assert rec2.batches == [["b", "c"]]
    assert rec2.alone_calls == ["a", "d"]


async def test_a_request_cancelled_while_it_waits_leaves_the_lane():
    lanes, rec = HoldLanes(in_flight=1), Recorder()
    rec.gate.clear()
    a, b, c = await _start(lanes, rec, ["a", "b", "c"])
    b.cancel()
    await asyncio.sleep(0)
    rec.gate.set()
    assert await a == "alone:a"
    assert await asyncio.wait_for(c, 5) == "alone:c"  # c led a batch of one: itself
    with pytest.raises(asyncio.CancelledError):
        await b
    assert rec.batches == []
    assert rec.alone_calls == ["a", "c"]
    assert lanes._lanes() == {}


async def test_a_request_cancelled_just_after_it_was_handed_the_lead_passes_it_on():
    lanes, rec = HoldLanes(in_flight=1), Recorder()
    rec.gate.clear()
    tasks: dict[str, asyncio.Task[str]] = {}

    async def a_then_cancel_b() -> str:
        made = await lanes.hold(LANE, _request("a"), rec.alone("a"), rec.batch)
        tasks["b"].cancel()  # a's statement has just handed b the lead; b has not run since
        return made

    tasks["a"] = asyncio.create_task(a_then_cancel_b())
    await asyncio.sleep(0)
    tasks["b"], tasks["c"] = await _start(lanes, rec, ["b", "c"])
    rec.gate.set()
    assert await tasks["a"] == "alone:a"
    with pytest.raises(asyncio.CancelledError):
        await tasks["b"]
    assert (
        await asyncio.wait_for(tasks["c"], 5) == "alone:c"
    )  # c got the lead b could not use: a batch of one, itself
    assert rec.batches == []
    assert rec.alone_calls == ["a", "c"]
    assert lanes._lanes() == {}


async def test_a_leader_cancelled_during_its_batch_does_not_take_the_others_holds_with_it():
    lanes, rec = HoldLanes(in_flight=1), Recorder()
    rec.gate.clear()
    rec.batch_gate.clear()
    a, b, c, d = await _start(lanes, rec, ["a", "b", "c", "d"])
    rec.gate.set()
    assert await a == "alone:a"
    for _ in range(10):  # b wakes, leads, starts its batch's task, which starts the statement
        await asyncio.sleep(0)
    assert rec.batches == [["b", "c", "d"]]  # b leads b, c, d; its statement waits at the batch gate
    b.cancel()  # b's buyer is gone; the statement goes on (it may have committed already)
    with pytest.raises(asyncio.CancelledError):
        await b
    rec.batch_gate.set()
    assert await asyncio.wait_for(asyncio.gather(c, d), 5) == ["batch:c", "batch:d"]
    assert rec.alone_calls == ["a"]
    assert lanes._lanes() == {}


async def test_a_leader_alone_whose_hold_fails_passes_the_lead_on():
    lanes, rec = HoldLanes(in_flight=1), Recorder()
    rec.gate.clear()

    async def refused() -> str:
        await rec.gate.wait()
        raise RuntimeError("not enough places")

    a = asyncio.create_task(lanes.hold(LANE, _request("a"), refused, rec.batch))
    await asyncio.sleep(0)
    (b,) = await _start(lanes, rec, ["b"])
    rec.gate.set()
    with pytest.raises(RuntimeError):
        await a
    assert await asyncio.wait_for(b, 5) == "alone:b"  # b led next: a batch of one, itself
    assert lanes._lanes() == {}


async def test_a_waiter_cancelled_as_the_lead_passes_is_not_taken_into_the_batch():
    lanes, rec = HoldLanes(in_flight=1), Recorder()
    rec.gate.clear()
    tasks: dict[str, asyncio.Task[str]] = {}

    async def a_then_cancel_c() -> str:
        made = await lanes.hold(LANE, _request("a"), rec.alone("a"), rec.batch)
        tasks["c"].cancel()  # b has been handed the lead and runs next, before c hears it was cancelled
        return made

    tasks["a"] = asyncio.create_task(a_then_cancel_c())
    await asyncio.sleep(0)
    tasks["b"], tasks["c"] = await _start(lanes, rec, ["b", "c"])
    rec.gate.set()
    assert await tasks["a"] == "alone:a"
    assert await asyncio.wait_for(tasks["b"], 5) == "alone:b"  # alone: c was not taken along
    with pytest.raises(asyncio.CancelledError):
        await tasks["c"]
    assert rec.batches == []
    assert lanes._lanes() == {}
