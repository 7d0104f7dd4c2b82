"""Ticket rendering off the caller's thread, and batch rendering fanned out over a process pool."""

from __future__ import annotations

import asyncio
import math
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from core.domain.tickets import Layout
from core.tickets.document import TicketDocument

__all__ = ["render_many", "render_pdf_async"]

# Several tasks per worker balance uneven chunks; a floor keeps pickling and IPC small next to rendering.
_TASKS_PER_WORKER = 4
_MIN_PDFS_PER_TASK = 8


async def render_pdf_async(tickets: Sequence[TicketDocument], layout: Layout) -> bytes:
    """render_pdf on a worker thread, so the event loop (and a GUI on it) keeps running."""
    from core.tickets.pdf import render_pdf  # reportlab is loaded at the first render, not at start-up

    return await asyncio.to_thread(render_pdf, list(tickets), layout)


async def render_many(
    docs: Sequence[TicketDocument], layout: Layout, *, workers: int, tickets_per_pdf: int = 1
) -> list[bytes]:
    """One PDF per `tickets_per_pdf` tickets, in order; `workers` > 1 renders in that many processes.

    With one worker the PDFs render on a thread: a process would only add start-up and copying."""
    if workers < 1 or tickets_per_pdf < 1:
        raise ValueError("workers and tickets_per_pdf must be at least 1")
    groups = [tuple(docs[i : i + tickets_per_pdf]) for i in range(0, len(docs), tickets_per_pdf)]
    if not groups:
        return []
    if workers == 1 or len(groups) == 1:
        return await asyncio.to_thread(_render_groups, groups, layout)
    size = max(_MIN_PDFS_PER_TASK, math.ceil(len(groups) / (workers * _TASKS_PER_WORKER)))
    tasks = [groups[i : i + size] for i in range(0, len(groups), size)]
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=_context()) as pool:
        parts = await asyncio.gather(*(loop.run_in_executor(pool, _render_groups, t, layout) for t in tasks))
    return [pdf for part in parts for pdf in part]


def _render_groups(groups: Sequence[tuple[TicketDocument, ...]], layout: Layout) -> list[bytes]:
    """The worker's entry point: module-level, so the pool can pickle it by name."""
    from core.tickets.pdf import render_pdf  # reportlab is loaded at the first render, not at start-up

    return [render_pdf(group, layout) for group in groups]


def _context() -> multiprocessing.context.BaseContext:
    # Never fork: the caller may run Qt, asyncio threads or a database pool, which a forked child would
    # inherit in a broken state. A fork server that has imported reportlab already starts workers fast.
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["core.tickets.pdf"])
        return context
    return multiprocessing.get_context("spawn")
