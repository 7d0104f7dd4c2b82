"""Rendering off the event loop, and batches fanned out over processes: same PDFs, loop never starved."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from core.tickets.batch import render_many, render_pdf_async
from core.tickets.pdf import Layout, render_pdf
from tests.core.tickets.test_pdf import decode, make_ticket

TICKETS = [
    make_ticket(
        serial=f"T-{i:04d}", qr_text=f"ENC{i:04d}X{i * 7919}", seat=None if i % 5 == 0 else i, demo=i == 3
    )
    for i in range(40)
]


async def test_two_workers_render_the_same_pdfs_as_one() -> None:
    one = await render_many(TICKETS, Layout.TICKET80, workers=1)
    two = await render_many(TICKETS, Layout.TICKET80, workers=2)

    assert len(one) == len(TICKETS)
    assert two == one
    assert [page[0].text for pdf in two[:3] for page in decode(pdf)] == [t.qr_text for t in TICKETS[:3]]


async def test_tickets_per_pdf_groups_them_in_order() -> None:
    seven = TICKETS[:7]

    pdfs = await render_many(seven, Layout.A4, workers=2, tickets_per_pdf=3)

    assert pdfs == [render_pdf(seven[i : i + 3], Layout.A4) for i in (0, 3, 6)]
    assert [sorted(b.text for b in page) for page in decode(pdfs[2])] == [[TICKETS[6].qr_text]]


async def test_nothing_to_render_gives_nothing_and_bad_counts_are_refused() -> None:
    assert await render_many([], Layout.A4, workers=2) == []
    with pytest.raises(ValueError, match="at least 1"):
        await render_many(TICKETS, Layout.A4, workers=0)


async def _ticks_while(render: Callable[[], Awaitable[object]]) -> int:
    """How often a 1 ms ticker ran on the loop while `render` was awaited."""
    ticks = 0
    running = True

    async def ticker() -> None:
        nonlocal ticks
        while running:
            ticks += 1
            await asyncio.sleep(0.001)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)  # let the ticker take its first tick before the work starts
    before = ticks
    await render()
    during = ticks - before
    running = False
    await task
    return during


async def test_rendering_on_a_thread_keeps_the_loop_ticking() -> None:
    batch = TICKETS[:30]

    during = await _ticks_while(lambda: render_pdf_async(batch, Layout.TICKET80))

    assert during >= 3


async def test_control_rendering_on_the_loop_starves_the_ticker() -> None:
    batch = TICKETS[:30]

    async def on_the_loop() -> bytes:
        return render_pdf(batch, Layout.TICKET80)

    assert await _ticks_while(on_the_loop) == 0
