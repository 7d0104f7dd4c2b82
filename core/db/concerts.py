"""Concerts, price categories and assignments, status changes, and expanding a plan into places."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import case, func, literal, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import TextClause

from core.db.rows import concert_from_row, load_concert
from core.db.tables import concerts, places, price_assignments, price_categories, seats, sections
from core.domain.concerts import Concert, ConcertStatus
from core.domain.ids import CategoryId, ConcertId, PlanId, SeatId, SectionId
from core.domain.places import PlaceState

SeatKey = tuple[str, str, int]
"""(section name, row label, seat number)."""


async def insert_concert(conn: AsyncConnection, **values: Any) -> Concert:
    row = (await conn.execute(concerts.insert().values(**values).returning(*concerts.c))).one()
    return concert_from_row(row)


async def get_concert(conn: AsyncConnection, concert_id: ConcertId) -> Concert | None:
    return await load_concert(conn, concert_id)


async def insert_category(
    conn: AsyncConnection, *, concert_id: ConcertId, name: str, price_minor: int, currency: str, colour: str
) -> CategoryId:
    result = await conn.execute(
        price_categories.insert()
        .values(
            concert_id=concert_id,
            name=name,
            price_minor=price_minor,
            currency=currency,
            colour=colour.lower(),
        )
        .returning(price_categories.c.id)
    )
    return CategoryId(result.scalar_one())


async def insert_assignments(
    conn: AsyncConnection,
    concert_id: ConcertId,
    section_categories: Iterable[tuple[SectionId, CategoryId]],
    seat_categories: Iterable[tuple[SeatId, CategoryId]],
) -> None:
    rows: list[dict[str, int | None]] = [
        {"concert_id": concert_id, "category_id": c, "section_id": s, "seat_id": None}
        for s, c in section_categories
    ]
    rows += [
        {"concert_id": concert_id, "category_id": c, "section_id": None, "seat_id": s}
        for s, c in seat_categories
    ]
    if rows:
        await conn.execute(price_assignments.insert(), rows)


async def find_seats(
    conn: AsyncConnection, plan_id: PlanId, keys: Sequence[SeatKey]
) -> dict[SeatKey, SeatId]:
    """Seat ids for (section, row, number) keys of one plan; keys that do not exist are simply absent."""
    if not keys:
        return {}
    names = {k[0] for k in keys}
    rows = await conn.execute(
        select(sections.c.name, seats.c.row_label, seats.c.number, seats.c.id)
        .join(sections, sections.c.id == seats.c.section_id)
        .where(sections.c.plan_id == plan_id, sections.c.name.in_(names))
    )
    wanted = set(keys)
    return {(n, r, num): SeatId(i) for n, r, num, i in rows if (n, r, num) in wanted}


async def set_status(
    conn: AsyncConnection, concert_id: ConcertId, new: ConcertStatus, *, allowed_from: Iterable[ConcertStatus]
) -> bool:
    """Move the concert to ``new`` only from one of ``allowed_from``: one conditional UPDATE, race-free."""
    result = await conn.execute(
        update(concerts)
        .where(concerts.c.id == concert_id, concerts.c.status.in_([s.value for s in allowed_from]))
        .values(status=new.value)
    )
    return result.rowcount == 1


async def count_places(conn: AsyncConnection, concert_id: ConcertId) -> int:
    query = select(func.count()).select_from(places).where(places.c.concert_id == concert_id)
    return int((await conn.execute(query)).scalar_one())


async def expand_places(conn: AsyncConnection, concert_id: ConcertId, plan_id: PlanId) -> int:
    """One place per seat (seat category over section category; a seat the plan blocks starts blocked) and
    ``capacity`` per standing section.

    Two INSERT … SELECT statements, so 10,000s of rows never travel through Python.
    """
    seat_pa = price_assignments.alias("seat_pa")
    section_pa = price_assignments.alias("section_pa")
    seated = (
        select(
            literal(concert_id),
            seats.c.section_id,
            seats.c.id,
            func.coalesce(seat_pa.c.category_id, section_pa.c.category_id),
            case(
                (seats.c.blocked != "", literal(PlaceState.BLOCKED.value)),
                else_=literal(PlaceState.FREE.value),
            ),
        )
        .select_from(seats)
        .join(sections, sections.c.id == seats.c.section_id)
        .join(
            section_pa, (section_pa.c.concert_id == concert_id) & (section_pa.c.section_id == sections.c.id)
        )
        .outerjoin(seat_pa, (seat_pa.c.concert_id == concert_id) & (seat_pa.c.seat_id == seats.c.id))
        .where(sections.c.plan_id == plan_id)
        .order_by(sections.c.sort_order, seats.c.id)
    )
    columns = ["concert_id", "section_id", "seat_id", "category_id", "state"]
    first = await conn.execute(places.insert().from_select(columns, seated))
    second = await conn.execute(_standing_insert(conn, concert_id, plan_id))
    return max(first.rowcount, 0) + max(second.rowcount, 0)


_STANDING_COLUMNS = "INSERT INTO places (concert_id, section_id, seat_id, category_id) "
_STANDING_FROM = (
    "SELECT :concert_id, s.id, NULL, pa.category_id FROM sections AS s "
    "JOIN price_assignments AS pa ON pa.concert_id = :concert_id AND pa.section_id = s.id "
)
_STANDING_WHERE = "WHERE s.plan_id = :plan_id AND s.kind = 'standing' ORDER BY s.sort_order, s.id, n.i"
# PostgreSQL: generate_series per section. SQLite: a recursive counter up to the largest standing capacity,
# inside the INSERT so that the driver still reports the row count.
_STANDING_PG = text(
    _STANDING_COLUMNS
    + _STANDING_FROM
    + "CROSS JOIN generate_series(1, s.capacity) AS n(i) "
    + _STANDING_WHERE
)
_STANDING_SQLITE = text(
    _STANDING_COLUMNS + "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
    "(SELECT coalesce(max(capacity), 0) FROM sections WHERE plan_id = :plan_id AND kind = 'standing')) "
    + _STANDING_FROM
    + "JOIN n ON n.i <= s.capacity "
    + _STANDING_WHERE
)


def _standing_insert(conn: AsyncConnection, concert_id: ConcertId, plan_id: PlanId) -> TextClause:
    statement = _STANDING_PG if conn.dialect.name == "postgresql" else _STANDING_SQLITE
    return statement.bindparams(concert_id=concert_id, plan_id=plan_id)


async def analyze_places(conn: AsyncConnection) -> None:
    """Refresh planner statistics after a bulk load (PostgreSQL); SQLite's planner does without."""
    if conn.dialect.name == "postgresql":
        await conn.execute(text("ANALYZE places"))
