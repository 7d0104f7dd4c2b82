"""Save a streamed export to a file as it arrives: written beside the target as ``<name>.part`` and renamed only
once complete, so a cancelled or broken export never leaves a file that looks whole.

Chunks are written on the loop's thread: a write of one chunk (16 KiB or so) lands in the page cache in
microseconds, and a hop to a worker thread per chunk cost more than the write (each wake-up waits for the Qt loop
to turn). Only the final flush to disk, which can wait on a slow disk, runs in a thread. After each chunk the loop
turns once, so the bar moves and the window answers even when the whole export is already buffered.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import BinaryIO

from core.client.protocol import ExportStream

__all__ = ["save_export"]

Progress = Callable[[int, int], None]
"""(rows written so far, rows in all)"""


async def save_export(
    opened: AbstractAsyncContextManager[ExportStream], target: Path, progress: Progress
) -> int:
    """Stream the export into ``target``; the number of data rows written. Raises what the server raised (on
    entering, before any file exists) or CancelledError (the part file removed)."""
    part = target.with_name(target.name + ".part")
    rows = -1  # the header line is no row
    async with opened as export:
        total = export.total_rows
        progress(0, total)
        handle: BinaryIO = part.open("wb")
        try:
            async with contextlib.aclosing(export.chunks()) as chunks:  # closed here, even when cancelled
                async for chunk in chunks:
                    handle.write(chunk)
                    rows += chunk.count(b"\n")  # one record per line (the server flattens line breaks)
                    progress(max(rows, 0), total)
                    # The window paints between chunks: chunks already in the socket's buffer are handed over
                    # without a wait, and a large export would otherwise be written in one go while the bar
                    # stood.
                    await asyncio.sleep(0)
            await asyncio.to_thread(_finish, handle)
        except BaseException:
            handle.close()
            with contextlib.suppress(OSError):
                part.unlink()
            raise
    await asyncio.to_thread(os.replace, part, target)
    return max(rows, 0)


def _finish(handle: BinaryIO) -> None:
    handle.flush()
    os.fsync(handle.fileno())
    handle.close()
