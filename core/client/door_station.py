"""A door station: online check-in while the server answers, offline by signature when it does not, then sync.

The door keeps a local SQLite file (core.db.door_local): a snapshot of the trusted public keys, the void list and
the concert's tickets, and a journal of every scan. ``scan`` switches between online and offline by itself;
``sync`` replays the offline admits on the server, idempotently and in scan-time order. The server is reached
through a DoorLink (core.client.protocol): core's services in this process, or encore-server over HTTPS.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from core.client.door_offline import offline_verdict
from core.db import door_local as local_db
from core.db.transaction import Work
from core.domain import checkin_rules as rules
from core.domain.checkin import ScanResult
from core.domain.clock import Clock
from core.domain.door import OfflineAdmit, Replay, SnapshotAge, SnapshotInfo, SyncReport
from core.domain.errors import EncoreError, ErrorCode, StorageUnavailable
from core.domain.ids import ConcertId, TicketId
from core.domain.scans import ScanOutcome
from core.domain.validation import check_id
from core.services.checkin import check_gate
from core.tickets.payload import InvalidTicket
from core.tickets.qr import parse_text

if TYPE_CHECKING:
    from core.client.protocol import DoorLink

__all__ = ["DoorStation"]

log = logging.getLogger(__name__)

T = TypeVar("T")
SYNC_BATCH = 100
DEFAULT_MAX_SNAPSHOT_AGE = timedelta(hours=6)
"""The door_snapshot_max_age_s default (core.config): the clients pass the device's setting."""
# Busy (a row lock held elsewhere) is not "offline": the server knows more than the snapshot (the ticket may
# have just been admitted or refunded), so the door says "scan again" (StorageBusy) instead of guessing.
_OFFLINE_ERRORS = (StorageUnavailable, TimeoutError)
_REPORT_FIELD = {
    Replay.RECORDED: "recorded",
    Replay.CONFLICT: "conflicts",
    Replay.ALREADY_KNOWN: "already_known",
    Replay.UNKNOWN_TICKET: "unknown",
}


class DoorStation:
    """One gate of one concert. ``online`` is the outcome of the last attempt to reach the server."""

    def __init__(
        self,
        link: DoorLink,
        clock: Clock,
        concert_id: ConcertId,
        gate: str,
        local_path: Path | str,
        *,
        online_timeout_s: float = 2.5,
        probe_interval: timedelta = timedelta(seconds=10),
        max_snapshot_age: timedelta = DEFAULT_MAX_SNAPSHOT_AGE,
    ) -> None:
        self.link = link
        self.clock = clock
        self.concert_id = ConcertId(check_id("concert", concert_id))
        self.gate = check_gate(gate)
        self.online = True
        self.online_timeout_s = online_timeout_s
        self.probe_interval = probe_interval
        """While offline, the server is asked again at most this often: a silent network costs each
        guest in the queue the whole timeout otherwise."""
        self.max_snapshot_age = max_snapshot_age
        """Offline, a snapshot older than this checks no ticket: the door says "check by hand"."""
        self._last_try: datetime | None = None
        self._local = local_db.open_local(local_path)
        self._schema_ready = False
        self._stragglers: set[asyncio.Task[ScanOutcome]] = set()
        self._syncing: asyncio.Task[None] | None = None

    async def __aenter__(self) -> DoorStation:
        return self

    async def __aexit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await asyncio.gather(*self._stragglers, return_exceptions=True)
        if self._syncing is not None:
            await asyncio.gather(self._syncing, return_exceptions=True)
        await self._local.dispose()

    # --- snapshot ---------------------------------------------------------------------------------

    async def refresh_snapshot(self) -> SnapshotInfo:
        """Copy the trusted keys, the void list and the concert's tickets into the local file (online)."""
        try:
            snapshot = await self.link.snapshot(self.concert_id)
        except _OFFLINE_ERRORS:
            self._went_offline()
            raise
        self._came_online()

        async def store(conn: AsyncConnection) -> None:
            await local_db.replace_snapshot(conn, snapshot)

        await self._local_write(store)
        return snapshot.info()

    async def snapshot_age(self) -> SnapshotAge | None:
        """How old this door's offline list for its concert is (None: it has none); the screen shows it."""
        header = await self._local_read(local_db.snapshot_header)
        if header is None or header.concert_id != self.concert_id:
            return None
        return SnapshotAge.at(header.refreshed_at, self.clock.now(), self.max_snapshot_age, header.timezone)

    async def unsynced(self) -> int:
        """Journal entries not yet sent to the server (the door screen shows it)."""
        return await self._local_read(local_db.count_unsynced)

    # --- scan -------------------------------------------------------------------------------------

    async def scan(self, text: str) -> ScanOutcome:
        """Online when the server answers within the timeout, else offline by signature; journaled either way."""
        try:
            parse_text(text)
        except InvalidTicket as exc:
            # Not a ticket at all: the same answer online or offline, and no sign of whether the server is up.
            garbage = rules.not_a_ticket(newer_format=exc.code == ErrorCode.TICKET_UNSUPPORTED_VERSION)
            await self._local_write(self._journaler(garbage, offline=not self.online, synced=True))
            return garbage
        if self._should_try_online():
            self._last_try = self.clock.now()
            try:
                outcome = await self._online_scan(text)
            except _OFFLINE_ERRORS:
                self._went_offline()
            else:
                self._came_online()
                await self._local_write(self._journaler(outcome, offline=False, synced=True))
                return outcome
        return await self._local_write(self._offline_scanner(text))

    async def _online_scan(self, text: str) -> ScanOutcome:
        """The link's scan, but the guest waits at most ``online_timeout_s``.

        A cancelled database call can take seconds more to close its connection, so the attempt runs as a
        task that is cancelled and left to finish on its own (aclose waits for it) rather than awaited.
        """
        attempt = asyncio.create_task(self.link.scan(self.concert_id, self.gate, text, "in"))
        done, _ = await asyncio.wait({attempt}, timeout=self.online_timeout_s)
        if not done:
            attempt.cancel()
            self._stragglers.add(attempt)
            attempt.add_done_callback(self._forget)
            raise TimeoutError
        return attempt.result()

    def _forget(self, attempt: asyncio.Task[ScanOutcome]) -> None:
        self._stragglers.discard(attempt)
        if not attempt.cancelled():
            attempt.exception()  # retrieved: its failure is already answered by the offline verdict

    def _should_try_online(self) -> bool:
        if self.online or self._last_try is None:
            return True
        return self.clock.now() - self._last_try >= self.probe_interval

    def _offline_scanner(self, text: str) -> Work[ScanOutcome]:
        # One local write transaction decides and journals, so a ticket cannot be admitted twice here.
        async def work(conn: AsyncConnection) -> ScanOutcome:
            now = self.clock.now()
            outcome = await offline_verdict(conn, text, self.concert_id, now, self.max_snapshot_age)
            await self._journal(conn, outcome, offline=True, synced=False)
            return outcome

        return work

    def _journaler(self, outcome: ScanOutcome, *, offline: bool, synced: bool) -> Work[None]:
        async def work(conn: AsyncConnection) -> None:
            await self._journal(conn, outcome, offline=offline, synced=synced)

        return work

    async def _journal(
        self, conn: AsyncConnection, outcome: ScanOutcome, *, offline: bool, synced: bool
    ) -> None:
        entry = local_db.JournalEntry(
            journal_id=str(uuid.uuid4()),
            scanned_at=self.clock.now(),
            gate=self.gate,
            ticket_id=outcome.ticket_id,
            result=outcome.result.value,
            offline=offline,
            synced=synced,  # an online scan is already on the server
        )
        await local_db.add_entry(conn, entry)

    # --- sync -------------------------------------------------------------------------------------

    async def sync(self) -> SyncReport:
        """Replay unsynced offline admits on the server in scan-time order; safe to run any number of times.

        Entries are marked synced only after the server committed them. If the server goes away midway,
        the report says how many are still pending and the next sync carries on.
        """
        counts = {"recorded": 0, "conflicts": 0, "already_known": 0, "unknown": 0, "other": 0}
        while batch := await self._local_read(_next_batch):
            admits = [_admit(e) for e in batch if _is_admit(e)]
            counts["other"] += len(batch) - len(admits)  # a refusal changes nothing on the server
            try:
                replayed = await self.link.replay(admits) if admits else []
            except _OFFLINE_ERRORS:
                self._went_offline()
                counts["other"] -= len(batch) - len(admits)  # not synced after all: counted next time
                break
            self._came_online()
            await self._local_write(_marker([e.journal_id for e in batch]))
            for outcome in replayed:
                counts[_REPORT_FIELD[outcome]] += 1
        if counts["unknown"]:
            log.warning("%d offline admits name tickets the server does not know", counts["unknown"])
        return SyncReport(**counts, pending=await self.unsynced())

    # --- plumbing ---------------------------------------------------------------------------------

    def _went_offline(self) -> None:
        if self.online:
            log.warning("door %s: the server does not answer; checking tickets offline", self.gate)
        self.online = False

    def _came_online(self) -> None:
        if not self.online:
            log.info("door %s: the server answers again; back online, syncing the offline scans", self.gate)
            # Sync by itself once the server is back, while the door goes on scanning online.
            if self._syncing is None or self._syncing.done():
                self._syncing = asyncio.create_task(self._sync_quietly(), name=f"door-sync-{self.gate}")
        self.online = True

    async def settle(self) -> None:
        """Wait for a background sync (started when the server came back) to finish."""
        if self._syncing is not None:
            await asyncio.gather(self._syncing, return_exceptions=True)

    async def _sync_quietly(self) -> None:
        try:
            report = await self.sync()
        except EncoreError as exc:  # the server went away again: the next return to online tries again
            log.warning("door %s: offline scans not synced yet (%s); will retry", self.gate, exc.message)
            return
        log.info(
            "door %s: synced %d offline admits, %d conflicts", self.gate, report.recorded, report.conflicts
        )

    async def _local_write(self, work: Work[T]) -> T:
        await self._ensure_schema()
        return await self._local.write(work)

    async def _local_read(self, work: Work[T]) -> T:
        await self._ensure_schema()
        return await self._local.read(work)

    async def _ensure_schema(self) -> None:
        if not self._schema_ready:
            await self._local.write(local_db.create_schema)
            self._schema_ready = True


async def _next_batch(conn: AsyncConnection) -> list[local_db.JournalEntry]:
    return await local_db.unsynced(conn, SYNC_BATCH)


def _is_admit(entry: local_db.JournalEntry) -> bool:
    return entry.result == ScanResult.ADMIT.value and entry.ticket_id is not None


def _admit(entry: local_db.JournalEntry) -> OfflineAdmit:
    assert entry.ticket_id is not None  # _is_admit
    return OfflineAdmit(entry.journal_id, TicketId(entry.ticket_id), entry.gate, entry.scanned_at)


def _marker(journal_ids: list[str]) -> Work[None]:
    async def work(conn: AsyncConnection) -> None:
        await local_db.mark_synced(conn, journal_ids)

    return work
