"""Start n attempts, then release them at once so their transactions overlap; typed refusals become codes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from core.domain.errors import EncoreError


async def together(n: int, attempt: Callable[[int], Awaitable[object]]) -> list[object]:
    """Each attempt's result, or the ``code`` of the EncoreError it raised (anything else propagates)."""
    start = asyncio.Event()

    async def one(i: int) -> object:
        await start.wait()
        try:
            return await attempt(i)
        except EncoreError as error:
            return error.code

    tasks = [asyncio.create_task(one(i)) for i in range(n)]
    await asyncio.sleep(0.05)
    start.set()
    return list(await asyncio.gather(*tasks))
