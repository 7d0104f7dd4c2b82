"""save_export on the app's real loop (qasync on Qt): Qt's loop turns between chunks even when every chunk is
already there (an export buffered in the socket), so the bar moves and the window answers while a large file
is written. CI once saw the Exports screen write a whole concert's rows in one turn."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer

from admin.viewmodels.export_file import save_export

ROWS_PER_CHUNK = 50
CHUNKS = 20


class _Buffered:
    """An ExportStream whose chunks are all in memory: none waits, as when they sit in the socket's buffer."""

    filename = "buffered.csv"
    total_rows = ROWS_PER_CHUNK * CHUNKS

    async def __aenter__(self) -> _Buffered:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        return None

    async def chunks(self) -> AsyncIterator[bytes]:
        yield b"n\n" + b"".join(b"%d\n" % i for i in range(ROWS_PER_CHUNK))
        for c in range(1, CHUNKS):
            yield b"".join(b"%d\n" % (c * ROWS_PER_CHUNK + i) for i in range(ROWS_PER_CHUNK))


class _Turns:
    """Counts turns of Qt's loop: a zero-interval timer fires once per turn."""

    def __init__(self) -> None:
        self.count = 0
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(0)

    def _tick(self) -> None:
        self.count += 1


def test_the_loop_turns_between_buffered_chunks(qt_run: Any, tmp_path: Path) -> None:
    turns = _Turns()
    seen: list[tuple[int, int]] = []
    target = tmp_path / "orders.csv"
    written = qt_run(save_export(_Buffered(), target, lambda done, _total: seen.append((done, turns.count))))
    turns.timer.stop()

    assert written == ROWS_PER_CHUNK * CHUNKS
    assert len(target.read_text().splitlines()) == 1 + written
    after_chunks = [at for done, at in seen if done > 0]
    assert len(after_chunks) == CHUNKS
    assert all(b > a for a, b in itertools.pairwise(after_chunks)), seen


def test_the_control_reading_the_same_chunks_without_the_turn_never_lets_qt_in(qt_run: Any) -> None:
    """The stream alone gives Qt no turn: the turns above are save_export's."""
    turns = _Turns()

    async def read() -> list[int]:
        at: list[int] = []
        async for _chunk in _Buffered().chunks():
            at.append(turns.count)
        return at

    at = qt_run(read())
    turns.timer.stop()
    assert len(at) == CHUNKS
    assert len(set(at)) == 1, at


class _Endless:
    """An export whose bytes keep coming until the reader stops. ``closed_while_open``: its generator was closed
    before the export itself (as httpx needs: the response's stream under it is still there to close)."""

    filename = "endless.csv"
    total_rows = 10**9

    def __init__(self) -> None:
        self.sent = 0
        self.open = False
        self.closed_while_open: bool | None = None

    async def __aenter__(self) -> _Endless:
        self.open = True
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self.open = False

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            while True:
                self.sent += 1
                yield b"row\n" * 100  # already buffered: the reader's own pause is where a cancel lands
        finally:
            self.closed_while_open = self.open


def test_a_cancelled_save_closes_the_stream_at_once_and_leaves_no_file(qt_run: Any, tmp_path: Path) -> None:
    """Cancelled (the Cancel button), the stream's generator is closed by save_export itself, while the export
    is still open: not later by the garbage collector, when httpx's stream could no longer close cleanly (CI
    printed "async generator ignored GeneratorExit" for it)."""
    export = _Endless()
    target = tmp_path / "orders.csv"

    async def cancel_after_a_few() -> None:
        saving = asyncio.ensure_future(save_export(export, target, lambda _done, _total: None))
        while export.sent < 5:  # noqa: ASYNC110 (the generator is not ours to signal from)
            await asyncio.sleep(0.001)
        saving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await saving

    qt_run(cancel_after_a_few())
    assert export.closed_while_open is True  # closed by save_export, not later by the garbage collector
    assert not target.exists()
    assert not list(tmp_path.glob("*.part"))
