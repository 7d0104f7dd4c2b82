"""Reports for managers and admins: the audit log (filtered, paged, exported), a concert's orders, tickets and
check-ins as CSV, and its sales report as a PDF.

Exports stream: ``open_*`` checks the permission and the input, counts the rows and writes an audit entry before
a byte is sent (so a refusal is a clean error, never a cut-off file), then ``chunks()`` reads the rows in batches
by id, each batch its own short read. Rows added after the export began are not in it, so the count it
announced is the count it sends.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit
from core.db import reports as db
from core.db.actors import ensure_active
from core.domain.errors import ErrorCode, InputError, NotFound
from core.domain.ids import ConcertId
from core.domain.reports import AUDIT_PAGE_MAX, AuditPage, AuditQuery, ExportKind, SalesReport
from core.domain.staff import Actor, Permission
from core.security.permissions import require
from core.services.context import ServiceContext
from core.services.sales_report_pdf import render_sales_report

__all__ = [
    "BATCH_ROWS",
    "CsvExport",
    "open_audit_export",
    "open_concert_export",
    "sales_report",
    "sales_report_pdf",
    "search_audit",
]

BATCH_ROWS = 1000
"""Rows per read and per chunk sent: small enough that a chunk leaves at once, large enough to be cheap."""
AUDIT_HEADER = ("id", "at_utc", "actor", "actor_name", "action", "subject", "details")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these is a formula to a spreadsheet (CSV injection): it gets a quote."""

Fetch = Callable[[AsyncConnection, int], Awaitable[list[tuple[int, list[Any]]]]]


@dataclass(eq=False)
class CsvExport:
    """An export about to be sent: its file name, its row count (for a progress bar) and its bytes, in chunks of
    whole rows. One record is one line: line breaks inside a cell become spaces."""

    filename: str
    total_rows: int
    _ctx: ServiceContext = field(repr=False)
    _header: Sequence[str] = field(repr=False)
    _fetch: Fetch = field(repr=False)

    async def chunks(self) -> AsyncGenerator[bytes, None]:
        yield _csv([self._header])
        after = 0
        while True:
            batch = await self._ctx.db.read(lambda conn, a=after: self._fetch(conn, a))  # type: ignore[misc]
            if not batch:
                return
            yield _csv(cells for _, cells in batch)
            after = batch[-1][0]

    async def aclose(self) -> None:
        """Nothing is held between chunks (each batch is its own read)."""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    text = " ".join(str(value).splitlines())
    return "'" + text if text.startswith(_FORMULA) else text


def _csv(rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([_cell(v) for v in row] for row in rows)
    return out.getvalue().encode()


async def search_audit(
    ctx: ServiceContext, actor: Actor, query: AuditQuery, *, before: int | None = None, limit: int = 50
) -> AuditPage:
    """One page of the audit log, newest first (admins)."""
    require(actor, Permission.VIEW_AUDIT)
    query = query.checked()
    if not 1 <= limit <= AUDIT_PAGE_MAX:
        raise InputError(
            "limit", f"ask for 1 to {AUDIT_PAGE_MAX} entries a page.", code=ErrorCode.VALUE_INVALID
        )
    if before is not None and before < 1:
        raise InputError("before", "pass the 'older' id of the page before.", code=ErrorCode.VALUE_INVALID)

    async def work(conn: AsyncConnection) -> AuditPage:
        await ensure_active(conn, actor)
        entries = await audit.page(conn, query, before=before, limit=limit + 1)
        older = entries[limit - 1].id if len(entries) > limit else None
        return AuditPage(entries[:limit], await audit.count(conn, query), older, await audit.actions(conn))

    return await ctx.db.read(work)


async def open_audit_export(ctx: ServiceContext, actor: Actor, query: AuditQuery) -> CsvExport:
    """The audit entries the query matches, oldest first, as CSV (admins). The export itself is audited."""
    require(actor, Permission.VIEW_AUDIT)
    query = query.checked()

    async def work(conn: AsyncConnection) -> tuple[int, int]:
        await ensure_active(conn, actor)
        up_to = await audit.newest_id(conn)
        total = await audit.count(conn, query, up_to=up_to)
        await audit.record(conn, at=ctx.clock.now(), actor=actor, action="audit_exported", subject="audit_log",
                           rows=total, filter=_described(query))  # fmt: skip
        return up_to, total

    up_to, total = await ctx.db.write(work)

    async def fetch(conn: AsyncConnection, after: int) -> list[tuple[int, list[Any]]]:
        entries = await audit.oldest_first(conn, query, after=after, up_to=up_to, limit=BATCH_ROWS)
        return [
            (e.id, [e.id, e.at, e.actor, e.actor_name, e.action, e.subject, _details(e.details)])
            for e in entries
        ]

    stamp = ctx.clock.now().strftime("%Y%m%d-%H%M")
    return CsvExport(f"audit-{stamp}.csv", total, ctx, AUDIT_HEADER, fetch)


async def open_concert_export(
    ctx: ServiceContext, actor: Actor, concert_id: ConcertId, kind: ExportKind
) -> CsvExport:
    """A concert's orders, tickets or check-ins as CSV (managers and admins), audited (they hold buyers'
    e-mail addresses)."""
    require(actor, Permission.VIEW_REPORTS)
    table = db.EXPORTS[ExportKind(kind)]

    async def work(conn: AsyncConnection) -> tuple[int, int]:
        await ensure_active(conn, actor)
        if not await db.concert_exists(conn, concert_id):
            raise _no_concert(concert_id)
        up_to = await table.newest_id(conn, concert_id)
        total = await table.count(conn, concert_id, up_to)
        await audit.record(conn, at=ctx.clock.now(), actor=actor, action="export_made",
                           subject=f"concert:{int(concert_id)}", kind=str(kind), rows=total)  # fmt: skip
        return up_to, total

    up_to, total = await ctx.db.write(work)

    async def fetch(conn: AsyncConnection, after: int) -> list[tuple[int, list[Any]]]:
        return await table.batch(conn, concert_id, after, up_to, BATCH_ROWS)

    return CsvExport(f"concert-{int(concert_id)}-{kind}.csv", total, ctx, table.header, fetch)


async def sales_report(ctx: ServiceContext, actor: Actor, concert_id: ConcertId) -> SalesReport:
    require(actor, Permission.VIEW_REPORTS)

    async def work(conn: AsyncConnection) -> SalesReport:
        await ensure_active(conn, actor)
        found = await db.sales_report(conn, concert_id, ctx.clock.now())
        if found is None:
            raise _no_concert(concert_id)
        return found

    return await ctx.db.read(work)


async def sales_report_pdf(ctx: ServiceContext, actor: Actor, concert_id: ConcertId) -> bytes:
    """The sales report as an A4 PDF, drawn in a thread (managers and admins)."""
    report = await sales_report(ctx, actor, concert_id)
    return await asyncio.to_thread(render_sales_report, report)


def _no_concert(concert_id: ConcertId) -> NotFound:
    return NotFound(
        f"There is no concert {int(concert_id)}. Reload the list of concerts and choose one from it.",
        code=ErrorCode.CONCERT_NOT_FOUND,
    )


def _details(details: dict[str, Any]) -> str:
    return "; ".join(f"{k}={v}" for k, v in sorted(details.items()))


def _described(query: AuditQuery) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, datetime) else v)
        for k, v in (("staff_id", query.staff_id), ("device_id", query.device_id), ("action", query.action),
                     ("since", query.since), ("until", query.until))
        if v not in (None, "")
    }  # fmt: skip
