"""The append-only audit log: one row per change a person or device makes; read back filtered and paged."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import audit_log, devices, staff
from core.domain.reports import AuditEntry, AuditQuery
from core.domain.staff import Actor, describe

__all__ = [
    "actions",
    "actions_statement",
    "count",
    "count_statement",
    "name_entries",
    "page",
    "page_statement",
    "record",
]


async def record(
    conn: AsyncConnection, *, at: datetime, actor: Actor, action: str, subject: str, **details: Any
) -> None:
    await conn.execute(
        audit_log.insert().values(
            at=at, actor=describe(actor), action=action, subject=subject, details=details
        )
    )


def _where(query: AuditQuery) -> ColumnElement[bool]:
    c = audit_log.c
    terms: list[ColumnElement[bool]] = []
    if query.staff_id is not None:
        terms.append(c.actor == f"staff:{int(query.staff_id)}")
    if query.device_id is not None:
        terms.append(c.actor == f"device:{int(query.device_id)}")
    if query.action:
        terms.append(c.action == query.action)
    if query.since is not None:
        terms.append(c.at >= query.since)
    if query.until is not None:
        terms.append(c.at < query.until)
    return and_(True, *terms)


def count_statement(query: AuditQuery, *, up_to: int | None = None) -> Select[int]:
    """How many entries match (the screen's total; the export's, up to the newest when it began)."""
    where = _where(query) if up_to is None else and_(_where(query), audit_log.c.id <= up_to)
    return select(func.count()).select_from(audit_log).where(where)


async def count(conn: AsyncConnection, query: AuditQuery, *, up_to: int | None = None) -> int:
    return int((await conn.execute(count_statement(query, up_to=up_to))).scalar_one())


async def newest_id(conn: AsyncConnection) -> int:
    return int((await conn.execute(select(func.coalesce(func.max(audit_log.c.id), 0)))).scalar_one())


async def page(
    conn: AsyncConnection, query: AuditQuery, *, before: int | None, limit: int
) -> list[AuditEntry]:
    """Up to ``limit`` entries older than id ``before`` (None: the newest), newest first. Paging by id, not by
    offset: a page stays the same when entries are added meanwhile, and a deep page costs no more."""
    rows = (await conn.execute(page_statement(query, before=before, limit=limit))).all()
    return await name_entries(conn, rows)


def page_statement(query: AuditQuery, *, before: int | None, limit: int) -> Select[Any]:
    """The newest ``limit`` matching entries older than id ``before``: each filter has an index that walks
    it by id (migration 0018), so a page reads about ``limit`` entries, not every match."""
    where = _where(query)
    if before is not None:
        where = and_(where, audit_log.c.id < before)
    return select(audit_log).where(where).order_by(audit_log.c.id.desc()).limit(limit)


async def oldest_first(
    conn: AsyncConnection, query: AuditQuery, *, after: int, up_to: int, limit: int
) -> list[AuditEntry]:
    """The export's order: by id from ``after`` (exclusive) to ``up_to`` (the newest when it began)."""
    where = and_(_where(query), audit_log.c.id > after, audit_log.c.id <= up_to)
    rows = (await conn.execute(select(audit_log).where(where).order_by(audit_log.c.id).limit(limit))).all()
    return await name_entries(conn, rows)


def actions_statement() -> Select[tuple[str]]:
    """The log's distinct actions, each found by one step down the (action, id) index from the one before (a
    skip scan: some dozens of probes), where SELECT DISTINCT read every entry of the index, a year's log."""
    a = audit_log.c.action
    step = select(func.min(a).label("action")).cte("actions", recursive=True)
    after = select(func.min(a)).where(a > step.c.action).scalar_subquery()
    found = step.union_all(select(after).where(step.c.action.is_not(None)))
    return select(found.c.action).where(found.c.action.is_not(None)).order_by(found.c.action)


async def actions(conn: AsyncConnection) -> list[str]:
    return [str(a) for a in (await conn.execute(actions_statement())).scalars()]


async def name_entries(conn: AsyncConnection, rows: Sequence[Any]) -> list[AuditEntry]:
    """Entries with the name of who made each (as it is now: a renamed device shows its new name)."""
    staff_ids: set[int] = set()
    device_ids: set[int] = set()
    for row in rows:
        kind, _, ident = row.actor.partition(":")
        if ident.isdigit() and kind in ("staff", "device"):
            (staff_ids if kind == "staff" else device_ids).add(int(ident))
    names: dict[str, str] = {}
    if staff_ids:
        found = await conn.execute(select(staff.c.id, staff.c.display_name).where(staff.c.id.in_(staff_ids)))
        names.update((f"staff:{i}", str(n)) for i, n in found.all())
    if device_ids:
        found = await conn.execute(select(devices.c.id, devices.c.name).where(devices.c.id.in_(device_ids)))
        names.update((f"device:{i}", str(n)) for i, n in found.all())
    return [
        AuditEntry(
            id=int(row.id),
            at=row.at,
            actor=row.actor,
            actor_name=names.get(row.actor) or _unnamed(row.actor),
            action=row.action,
            subject=row.subject,
            details=dict(row.details or {}),
        )
        for row in rows
    ]


def _unnamed(actor: str) -> str:
    """'system:sign-in' -> 'System (sign-in)'; a deleted staff member or device keeps its stored id."""
    kind, _, rest = actor.partition(":")
    return f"System ({rest})" if kind == "system" else actor
