"""A door station: online check-in while the database answers, offline by signature when it does not, then sync.

The door keeps a local SQLite file (core.db.door_local): a snapshot of the trusted keys, the void list and the
concert's tickets, and a journal of every scan. ``scan`` switches between online and offline by itself;
``sync`` replays the offline admits on the server, idempotently and in scan-time order.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import checkin_sync
from core.db import device_keys as keys_db
from core.db import door_local as local_db
from core.db.actors import ensure_active
from core.db.transaction import Work
from core.domain.checkin import ScanResult
from core.domain.door import OFFLINE_NOTE, CheckinConflict, SnapshotInfo, SyncReport
from core.domain.errors import EncoreError, StorageUnavailable
from core.domain.ids import ConcertId
from core.domain.scans import ScanOutcome
from core.domain.staff import Actor, DeviceActor, Permission
from core.domain.validation import check_id
from core.security.permissions import require
from core.services import checkin
from core.services.common import concert_not_found
from core.services.context import ServiceContext
from core.tickets.payload import InvalidTicket, MalformedTicket
from core.tickets.qr import parse_text, read_ticket

__all__ = ["DoorStation", "list_conflicts"]

log = logging.getLogger(__name__)

T = TypeVar("T")
_SYNC_BATCH = 100
# Busy (a row lock held elsewhere) is not "offline": the server knows more than the snapshot (the ticket may
# have just been admitted or refunded), so the door says "scan again" (StorageBusy) instead of guessing.
_OFFLINE_ERRORS = (StorageUnavailable, TimeoutError)


class DoorStation:
    """One gate of one concert. ``online`` is the outcome of the last attempt to reach the database."""

    def __init__(
        self,
        ctx: ServiceContext,
        actor: DeviceActor,
        concert_id: ConcertId,
        gate: str,
        local_path: Path | str,
        *,
        online_timeout_s: float = 2.5,
        probe_interval: timedelta = timedelta(seconds=10),
    ) -> None:
        require(actor, Permission.CHECK_IN)
        check_id("concert", concert_id)
        self.ctx = ctx
        self.actor = actor
        self.concert_id = concert_id
        self.gate = checkin.check_gate(gate)
        self.online = True
        self.online_timeout_s = online_timeout_s
        self.probe_interval = probe_interval
        """While offline, the database is asked again at most this often: a silent network costs each
        guest in the queue the whole timeout otherwise."""
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

        async def read(conn: AsyncConnection) -> local_db.LocalSnapshot:
            await ensure_active(conn, self.actor)
            doors = await checkin_sync.concert_doors(conn, self.concert_id)
            if doors is None:
                raise concert_not_found(self.concert_id)
            keys = {k.key_id: k.public_key for k in await keys_db.trusted_keys(conn)}
            found = await checkin_sync.snapshot_tickets(conn, self.concert_id)
            header = local_db.SnapshotHeader(self.concert_id, doors[0], doors[1], self.ctx.clock.now())
            return local_db.LocalSnapshot(
                header,
                keys,
                void=[t.id for t in found if t.void],
                tickets=[
                    local_db.LocalTicket(
                        t.id, t.serial, t.place, t.last_scan_at if t.inside else None, t.last_gate, t.key_id
                    )
                    for t in found
                    if not t.void
                ],
            )

        try:
            snapshot = await self.ctx.db.read(read)
        except _OFFLINE_ERRORS:
            self._went_offline()
            raise
        self._came_online()

        async def store(conn: AsyncConnection) -> None:
            await local_db.replace_snapshot(conn, snapshot)

        await self._local_write(store)
        return SnapshotInfo(
            self.concert_id,
            snapshot.header.refreshed_at,
            keys=len(snapshot.keys),
            tickets=len(snapshot.tickets),
            void=len(snapshot.void),
        )

    async def unsynced(self) -> int:
        """Journal entries not yet sent to the server (the door screen shows it)."""
        return await self._local_read(local_db.count_unsynced)

    # --- scan -------------------------------------------------------------------------------------

    async def scan(self, text: str) -> ScanOutcome:
        """Online when the database answers within the timeout, else offline by signature; journaled either way."""
        try:
            parse_text(text)
        except InvalidTicket as exc:
            # Not a ticket at all: the same answer online or offline, and no sign of whether the database is up.
            garbage = ScanOutcome(ScanResult.NOT_VALID, f"NOT VALID: {exc.message}")
            await self._local_write(self._journaler(garbage, offline=not self.online, synced=True))
            return garbage
        if self._should_try_online():
            self._last_try = self.ctx.clock.now()
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
        """checkin.scan_ticket, but the guest waits at most ``online_timeout_s``.

        A cancelled database call can take seconds more to close its connection, so the attempt runs as a
        task that is cancelled and left to finish on its own (aclose waits for it) rather than awaited.
        """
        attempt = asyncio.create_task(
            checkin.scan_ticket(self.ctx, self.actor, text, concert_id=self.concert_id, gate=self.gate)
        )
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
        return self.ctx.clock.now() - self._last_try >= self.probe_interval

    def _offline_scanner(self, text: str) -> Work[ScanOutcome]:
        # One local write transaction decides and journals, so a ticket cannot be admitted twice here.
        async def work(conn: AsyncConnection) -> ScanOutcome:
            outcome = await _offline_verdict(conn, text, self.concert_id, self.ctx.clock.now())
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
            scanned_at=self.ctx.clock.now(),
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

        Entries are marked synced only after the server committed them. If the database goes away midway,
        the report says how many are still pending and the next sync carries on.
        """
        counts = {"recorded": 0, "conflicts": 0, "already_known": 0, "unknown": 0, "other": 0}
        while batch := await self._local_read(_next_batch):
            try:
                outcomes = await self.ctx.db.write(self._replayer(batch))
            except _OFFLINE_ERRORS:
                self._went_offline()
                break
            self._came_online()
            await self._local_write(_marker([e.journal_id for e in batch]))
            for outcome in outcomes:
                counts[outcome] += 1
        if counts["unknown"]:
            log.warning("%d offline admits name tickets the server does not know", counts["unknown"])
        return SyncReport(**counts, pending=await self.unsynced())

    def _replayer(self, batch: list[local_db.JournalEntry]) -> Work[list[str]]:
        async def work(conn: AsyncConnection) -> list[str]:
            return await self._replay(conn, batch)

        return work

    async def _replay(self, conn: AsyncConnection, batch: list[local_db.JournalEntry]) -> list[str]:
        await ensure_active(conn, self.actor)
        now = self.ctx.clock.now()
        outcomes = []
        for entry in batch:
            if entry.result != ScanResult.ADMIT.value or entry.ticket_id is None:
                outcomes.append("other")  # a refusal changes nothing on the server
                continue
            admit = checkin_sync.OfflineAdmit(
                entry.journal_id, entry.ticket_id, entry.gate, entry.scanned_at, self.actor.device_id
            )
            replayed = await checkin_sync.replay_admit(conn, admit, now)
            outcomes.append(_REPORT_FIELD[replayed])
        return outcomes

    # --- plumbing ---------------------------------------------------------------------------------

    def _went_offline(self) -> None:
        if self.online:
            log.warning("door %s: the database does not answer; checking tickets offline", self.gate)
        self.online = False

    def _came_online(self) -> None:
        if not self.online:
            log.info("door %s: the database answers again; back online, syncing the offline scans", self.gate)
            # Sync by itself once the database is back, while the door goes on scanning online.
            if self._syncing is None or self._syncing.done():
                self._syncing = asyncio.create_task(self._sync_quietly(), name=f"door-sync-{self.gate}")
        self.online = True

    async def settle(self) -> None:
        """Wait for a background sync (started when the database came back) to finish."""
        if self._syncing is not None:
            await asyncio.gather(self._syncing, return_exceptions=True)

    async def _sync_quietly(self) -> None:
        try:
            report = await self.sync()
        except EncoreError as exc:  # the database went away again: the next return to online tries again
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
    return await local_db.unsynced(conn, _SYNC_BATCH)


def _marker(journal_ids: list[str]) -> Work[None]:
    async def work(conn: AsyncConnection) -> None:
        await local_db.mark_synced(conn, journal_ids)

    return work


_REPORT_FIELD = {
    checkin_sync.Replay.RECORDED: "recorded",
    checkin_sync.Replay.CONFLICT: "conflicts",
    checkin_sync.Replay.ALREADY_KNOWN: "already_known",
    checkin_sync.Replay.UNKNOWN_TICKET: "unknown",
}


_NOT_GENUINE = (
    "NOT VALID: this ticket was not issued by this box office, or it was altered. Do not admit; send the guest "
    "to the box office."
)
_NO_SNAPSHOT = (
    "NOT VALID: this door has no ticket list for this concert, so it cannot check tickets offline. "
    "Do not admit; call a manager."
)


def _offline(outcome: ScanOutcome) -> ScanOutcome:
    return replace(outcome, message=f"{outcome.message} {OFFLINE_NOTE}")


async def _offline_verdict(
    conn: AsyncConnection, text: str, concert_id: ConcertId, now: datetime
) -> ScanOutcome:
    header = await local_db.snapshot_header(conn)
    if header is None or header.concert_id != concert_id:
        return _offline(ScanOutcome(ScanResult.NOT_VALID, _NO_SNAPSHOT))
    try:
        payload = read_ticket(text, await local_db.trusted_keys(conn))
    except MalformedTicket as exc:
        return _offline(ScanOutcome(ScanResult.NOT_VALID, f"NOT VALID: {exc.message}"))
    except InvalidTicket:
        return _offline(ScanOutcome(ScanResult.NOT_VALID, _NOT_GENUINE))
    # From here the payload is genuine (signed by a key this door trusts), so its ids can be shown.
    if payload.concert_id != concert_id:
        message = "WRONG CONCERT: this ticket is for another concert. Send the guest to the box office."
        return _offline(ScanOutcome(ScanResult.WRONG_CONCERT, message, payload.ticket_id, payload.concert_id))
    if await local_db.is_void(conn, payload.ticket_id):
        message = "VOID: this ticket was refunded or cancelled. Do not admit."
        return _offline(ScanOutcome(ScanResult.VOID, message, payload.ticket_id, concert_id))
    ticket = await local_db.ticket(conn, payload.ticket_id)
    if ticket is not None and ticket.key_id != payload.key_id:
        # Signed by a key the door trusts, but not the one that sold this ticket: a forgery.
        return _offline(ScanOutcome(ScanResult.NOT_VALID, _NOT_GENUINE, payload.ticket_id))
    if ticket is None:
        # Signed, but not in the snapshot (sold after it, or never completed): the door cannot vouch for it.
        return _offline(ScanOutcome(ScanResult.NOT_VALID, _NOT_GENUINE, payload.ticket_id))
    return _offline(await _admit_or_not(conn, ticket, concert_id, header, now))


async def _admit_or_not(
    conn: AsyncConnection,
    ticket: local_db.LocalTicket,
    concert_id: ConcertId,
    header: local_db.SnapshotHeader,
    now: datetime,
) -> ScanOutcome:
    found = ScanOutcome(ScanResult.ADMIT, "", ticket.ticket_id, concert_id, ticket.serial, ticket.place)
    zone = ZoneInfo(header.timezone)
    if now < header.opens_at:
        opens = header.opens_at.astimezone(zone).strftime("%H:%M")
        message = f"TOO EARLY: entry opens at {opens}. Ask the guest to wait."
        return replace(found, result=ScanResult.TOO_EARLY, message=message)
    # This door's own admits (online or offline), else the ticket was already inside at the snapshot.
    used = await local_db.first_admit(conn, ticket.ticket_id, ScanResult.ADMIT.value)
    if used is None and ticket.admitted_at is not None:
        used = (ticket.admitted_at, ticket.admitted_gate or "another gate")
    if used is None:
        return replace(found, message=f"ADMIT: {ticket.place}.")
    at, gate = used
    message = (
        f"ALREADY USED: admitted at {at.astimezone(zone).strftime('%H:%M')} at {gate}. Do not admit again."
    )
    return replace(found, result=ScanResult.ALREADY_USED, message=message, first_scan_at=at, first_gate=gate)


async def list_conflicts(
    ctx: ServiceContext, actor: Actor, concert_id: ConcertId | None = None
) -> list[CheckinConflict]:
    """Tickets admitted twice while doors were offline (or admitted offline while void), for managers."""
    require(actor, Permission.VIEW_REPORTS)
    if concert_id is not None:
        check_id("concert", concert_id)

    async def work(conn: AsyncConnection) -> list[CheckinConflict]:
        await ensure_active(conn, actor)
        return await checkin_sync.open_conflicts(conn, concert_id)

    return await ctx.db.read(work)
