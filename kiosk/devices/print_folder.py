"""A printer that drops each job as a PDF file into a folder (a hot folder, a USB stick, a test)."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

from core.domain.errors import ErrorCode
from kiosk.viewmodels.printing import PrinterState, PrinterStatus, PrintFailed

_MIN_FREE_BYTES = 5 * 1024 * 1024
"""Below this the status says "almost full": a few hundred tickets' worth, time to empty the folder."""
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class FolderPrinter:
    """Each job becomes `<job>-<UTC time>.pdf`, written atomically (temp file, fsync, rename), so a program
    watching the folder never picks up half a ticket."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    async def print_pdf(self, pdf: bytes, *, job_name: str, copies: int = 1) -> None:
        if copies < 1:
            raise ValueError(f"copies must be at least 1, not {copies}")
        await asyncio.to_thread(self._write_all, pdf, job_name, copies)

    def status(self) -> PrinterStatus:
        if not self.folder.is_dir():
            return PrinterStatus(PrinterState.OFFLINE, f"ticket folder {self.folder} is missing")
        if not os.access(self.folder, os.W_OK | os.X_OK):
            return PrinterStatus(PrinterState.ERROR, f"ticket folder {self.folder} is read-only")
        if shutil.disk_usage(self.folder).free < _MIN_FREE_BYTES:
            return PrinterStatus(PrinterState.ERROR, f"ticket folder {self.folder} is almost full")
        return PrinterStatus(PrinterState.READY, f"ticket folder {self.folder}")

    def _write_all(self, pdf: bytes, job_name: str, copies: int) -> list[Path]:
        stem = _UNSAFE.sub("-", job_name).strip("-.")[:80] or "tickets"
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        written = []
        for copy in range(1, copies + 1):
            suffix = "" if copies == 1 else f"-copy{copy}"
            written.append(self._write(self.folder / f"{stem}-{stamp}{suffix}.pdf", pdf))
        return written

    def _write(self, target: Path, pdf: bytes) -> Path:
        # A dot file: hot-folder watchers skip hidden files, and the rename makes the finished file appear.
        temp = target.with_name(f".{target.name}.part")
        try:
            with open(temp, "xb") as f:
                f.write(pdf)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temp, target)
        except OSError as exc:
            with contextlib.suppress(OSError):  # the folder may be gone altogether
                temp.unlink(missing_ok=True)
            raise _failure(self.folder, exc) from exc
        return target


def _failure(folder: Path, exc: OSError) -> PrintFailed:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return PrintFailed(
            f"ticket folder {folder} is full",
            message="The ticket printer is full. Please call staff to print your tickets.",
            code=ErrorCode.PRINT_FOLDER_FULL,
        )
    return PrintFailed(
        f"ticket folder {folder} cannot be written ({exc.strerror or type(exc).__name__})",
        message="The ticket printer is not available. Please call staff to print your tickets.",
        code=ErrorCode.PRINT_FOLDER_UNWRITABLE,
    )
