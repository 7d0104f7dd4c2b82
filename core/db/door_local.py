"""The door's own SQLite file: a snapshot for offline checks (keys, void list, tickets) and a journal of every scan.

Its schema is its own MetaData, never the server's: the file lives on the door device, is created on first
use, and is not migrated with the server's database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    delete,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.engine import create_engine
from core.db.transaction import Database
from core.db.types import UtcDateTime
from core.domain.door import DoorSnapshot, SnapshotHeader, SnapshotTicket
from core.domain.ids import ConcertId, TicketId
from core.domain.names import translations_from
from core.domain.places import PlaceName

local_metadata = MetaData()

_snapshot = Table(
    "snapshot",
    local_metadata,
    Column("id", Integer, primary_key=True),  # always 1: one concert per door file
    Column("concert_id", Integer, nullable=False),
    Column("opens_at", UtcDateTime(), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("refreshed_at", UtcDateTime(), nullable=False),
    # Whether the server's database was a demo: offline, DEMO tickets are valid only if it was.
    Column("demo_database", Boolean, nullable=False),
)
_keys = Table(
    "trusted_keys",
    local_metadata,
    Column("key_id", Integer, primary_key=True),
    Column("public_key", LargeBinary, nullable=False),
)
_void = Table("void_tickets", local_metadata, Column("ticket_id", Integer, primary_key=True))
_tickets = Table(
    "tickets",
    local_metadata,
    Column("ticket_id", Integer, primary_key=True),
    Column("serial", String(20), nullable=False),
    Column("place", String(200), nullable=False),
    # The place as parts, so the door says it in its own language; no section: an older server sent only
    # the English label above.
    Column("section", String(200), nullable=True),
    Column("row_label", String(20), nullable=True),
    Column("seat", Integer, nullable=True),
    Column("section_names", JSON, nullable=True),
    Column("key_id", Integer, nullable=True),
    # Already inside when the snapshot was taken (admitted by any door): offline says ALREADY USED.
    Column("admitted_at", UtcDateTime(), nullable=True),
    Column("admitted_gate", String(64), nullable=True),
    Column("demo", Boolean, nullable=False),
)
_journal = Table(
    "journal",
    local_metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("journal_id", String(36), nullable=False, unique=True),
    Column("scanned_at", UtcDateTime(), nullable=False),
    Column("gate", String(64), nullable=False),
    Column("ticket_id", Integer, nullable=True),
    Column("result", String(16), nullable=False),
    Column("offline", Boolean, nullable=False),
    Column("synced", Boolean, nullable=False),
    Index("ix_journal_synced_scanned_at", "synced", "scanned_at"),
    Index("ix_journal_ticket_id", "ticket_id"),
)


def open_local(path: Path | str) -> Database:
    """The door file as a Database (WAL, BEGIN IMMEDIATE, typed errors), like the embedded server database."""
    return Database(create_engine(f"sqlite+aiosqlite:///{Path(path)}"))


_SNAPSHOT_TABLES = (_snapshot, _keys, _void, _tickets)


async def create_schema(conn: AsyncConnection) -> None:
    """Create what is missing. A snapshot from an older Encore lacks columns the door needs (the demo marks,
    the place's parts): it is dropped, not guessed at; the journal stays, and the next refresh fills the
    snapshot again."""

    def outdated(sync: Connection) -> bool:
        found = inspect(sync)
        return any(
            found.has_table(t.name)
            and bool({c.name for c in t.columns} - {c["name"] for c in found.get_columns(t.name)})
            for t in _SNAPSHOT_TABLES
        )

    if await conn.run_sync(outdated):
        await conn.run_sync(lambda sync: local_metadata.drop_all(sync, tables=list(_SNAPSHOT_TABLES)))
    await conn.run_sync(local_metadata.create_all)


@dataclass(frozen=True, slots=True)
class JournalEntry:
    journal_id: str
    scanned_at: datetime
    gate: str
    ticket_id: TicketId | None
    result: str
    offline: bool
    synced: bool


async def replace_snapshot(conn: AsyncConnection, snapshot: DoorSnapshot) -> None:
    """Swap the whole snapshot in the caller's one transaction: a door never checks against half of one.
    The journal is kept: it is the record of what this door did."""
    header, keys, void, tickets = snapshot.header, snapshot.keys, snapshot.void, snapshot.tickets
    for table in (_snapshot, _keys, _void, _tickets):
        await conn.execute(delete(table))
    await conn.execute(
        insert(_snapshot).values(
            id=1,
            concert_id=header.concert_id,
            opens_at=header.opens_at,
            timezone=header.timezone,
            refreshed_at=header.refreshed_at,
            demo_database=header.demo_database,
        )
    )
    if keys:
        await conn.execute(insert(_keys), [{"key_id": k.key_id, "public_key": k.public_key} for k in keys])
    void_rows = [{"ticket_id": t} for t in void]
    if void_rows:
        await conn.execute(insert(_void), void_rows)
    if tickets:
        await conn.execute(insert(_tickets), [_ticket_row(t) for t in tickets])


def _ticket_row(ticket: SnapshotTicket) -> dict[str, object]:
    name = ticket.place_name
    return {
        "ticket_id": ticket.ticket_id,
        "serial": ticket.serial,
        "place": ticket.place,
        "section": name.section if name else None,
        "row_label": name.row if name else None,
        "seat": name.seat if name else None,
        "section_names": dict(name.section_names) if name and name.section_names else None,
        "key_id": ticket.key_id,
        "admitted_at": ticket.admitted_at,
        "admitted_gate": ticket.admitted_gate,
        "demo": ticket.demo,
    }


async def snapshot_header(conn: AsyncConnection) -> SnapshotHeader | None:
    row = (await conn.execute(select(_snapshot).where(_snapshot.c.id == 1))).first()
    if row is None:
        return None
    return SnapshotHeader(
        ConcertId(row.concert_id), row.opens_at, row.timezone, row.refreshed_at, bool(row.demo_database)
    )


async def trusted_keys(conn: AsyncConnection) -> dict[int, bytes]:
    return {int(r.key_id): bytes(r.public_key) for r in await conn.execute(select(_keys))}


async def is_void(conn: AsyncConnection, ticket_id: TicketId) -> bool:
    found = await conn.execute(select(_void.c.ticket_id).where(_void.c.ticket_id == ticket_id))
    return found.first() is not None


async def ticket(conn: AsyncConnection, ticket_id: TicketId) -> SnapshotTicket | None:
    row = (await conn.execute(select(_tickets).where(_tickets.c.ticket_id == ticket_id))).first()
    if row is None:
        return None
    return SnapshotTicket(
        TicketId(row.ticket_id),
        row.serial,
        row.place,
        row.admitted_at,
        row.admitted_gate,
        row.key_id,
        bool(row.demo),
        None
        if row.section is None
        else PlaceName(row.section, row.row_label, row.seat, translations_from(row.section_names)),
    )


async def first_admit(conn: AsyncConnection, ticket_id: TicketId, admit: str) -> tuple[datetime, str] | None:
    """When and where this door's journal first admitted the ticket (online or offline), if it did."""
    row = (
        await conn.execute(
            select(_journal.c.scanned_at, _journal.c.gate)
            .where(_journal.c.ticket_id == ticket_id, _journal.c.result == admit)
            .order_by(_journal.c.scanned_at, _journal.c.seq)
            .limit(1)
        )
    ).first()
    return None if row is None else (row.scanned_at, row.gate)


async def add_entry(conn: AsyncConnection, entry: JournalEntry) -> None:
    await conn.execute(
        insert(_journal).values(
            journal_id=entry.journal_id,
            scanned_at=entry.scanned_at,
            gate=entry.gate,
            ticket_id=entry.ticket_id,
            result=entry.result,
            offline=entry.offline,
            synced=entry.synced,
        )
    )


async def unsynced(conn: AsyncConnection, limit: int) -> list[JournalEntry]:
    """The oldest unsynced entries by scan time (then by the order they were written): the replay order."""
    rows = await conn.execute(
        select(_journal)
        .where(_journal.c.synced.is_(False))
        .order_by(_journal.c.scanned_at, _journal.c.seq)
        .limit(limit)
    )
    return [
        JournalEntry(
            r.journal_id,
            r.scanned_at,
            r.gate,
            None if r.ticket_id is None else TicketId(r.ticket_id),
            r.result,
            bool(r.offline),
            bool(r.synced),
        )
        for r in rows
    ]


async def mark_synced(conn: AsyncConnection, journal_ids: Sequence[str]) -> None:
    if journal_ids:
        await conn.execute(update(_journal).where(_journal.c.journal_id.in_(journal_ids)).values(synced=True))


async def count_unsynced(conn: AsyncConnection) -> int:
    found = await conn.execute(select(func.count()).select_from(_journal).where(_journal.c.synced.is_(False)))
    return int(found.scalar_one())
