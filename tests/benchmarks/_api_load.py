"""One load-generator process of the framework benchmark: N keep-alive httpx tasks until a deadline, JSON out.

``python -m tests.benchmarks._api_load '<json spec>'`` with url, mode (hold | ping), token, concert_id,
section_id, tasks, start_at (time.time() to begin at, so several processes start together), duration, seed.
Each task opens its connection (a ping) before start_at; then it sends one request after the other until the
deadline. Prints {"ok", "places", "lat", "errors", "elapsed", "late_s", "cpu_s"} on stdout.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from typing import Any

import httpx

TIMEOUT_S = 10.0


async def _run(spec: dict[str, Any]) -> dict[str, Any]:
    tasks = int(spec["tasks"])
    headers = {"authorization": f"Bearer {spec['token']}"}
    limits = httpx.Limits(max_connections=tasks, max_keepalive_connections=tasks)
    lat: list[float] = []
    errors: Counter[str] = Counter()
    got = {"ok": 0, "places": 0}
    async with httpx.AsyncClient(
        base_url=spec["url"], headers=headers, limits=limits, timeout=TIMEOUT_S
    ) as client:
        late = 0.0

        async def one(n: int) -> None:
            nonlocal late
            await client.get("/v1/ping")  # opens this task's keep-alive connection before the clock starts
            late = max(late, time.time() - spec["start_at"])
            await asyncio.sleep(max(0.0, spec["start_at"] - time.time()))
            deadline = time.perf_counter() + spec["duration"]
            i = 0
            while time.perf_counter() < deadline:
                i += 1
                t0 = time.perf_counter()
                try:
                    if spec["mode"] == "ping":
                        r = await client.get("/v1/ping")
                    else:
                        body = {
                            "concert_id": spec["concert_id"],
                            "section_id": spec["section_id"],
                            "quantity": 1 + (n + i) % 4,
                            "request_key": f"{spec['seed']}-{n}-{i}",
                        }
                        r = await client.post("/v1/holds/standing", json=body)
                except httpx.HTTPError as exc:
                    errors[type(exc).__name__] += 1
                    continue
                if r.status_code in (200, 201):
                    lat.append(time.perf_counter() - t0)
                    got["ok"] += 1
                    if spec["mode"] != "ping":
                        got["places"] += len(r.json()["places"])
                else:
                    try:
                        code = r.json().get("code", "?")
                    except ValueError:
                        code = r.text[:60]
                    errors[f"{r.status_code}:{code}"] += 1

        cpu0 = time.process_time()
        await asyncio.gather(*(one(n) for n in range(tasks)))
        elapsed = spec["duration"]
        cpu = time.process_time() - cpu0
    return {
        **got,
        "lat": lat,
        "errors": dict(errors),
        "elapsed": elapsed,
        "late_s": round(late, 3),
        "cpu_s": round(cpu, 2),
    }


def main() -> None:
    spec = json.loads(sys.argv[1])
    print(json.dumps(asyncio.run(_run(spec))))


if __name__ == "__main__":
    main()
