"""Staff accounts: SQL in, domain types out. Hashes leave this module only inside StaffCredentials."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exc as sa_exc
from sqlalchemy import select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.errors import is_unique_violation
from core.db.tables import staff
from core.domain.errors import Conflict
from core.domain.ids import StaffId
from core.domain.staff import Role, Staff


@dataclass(frozen=True, slots=True)
class StaffCredentials:
    staff: Staff
    password_hash: str | None
    pin_hash: str | None


def _staff(row: RowMapping) -> Staff:
    return Staff(
        id=StaffId(row["id"]),
        email=row["email"],
        display_name=row["display_name"],
        role=Role(row["role"]),
        active=bool(row["active"]),
    )


async def insert_staff(
    conn: AsyncConnection,
    *,
    email: str,
    display_name: str,
    role: Role,
    password_hash: str | None,
    pin_hash: str | None,
    now: datetime,
) -> Staff:
    try:
        row = (
            (
                await conn.execute(
                    staff.insert()
                    .values(
                        email=email,
                        display_name=display_name,
                        role=role.value,
                        password_hash=password_hash,
                        pin_hash=pin_hash,
                        active=True,
                        created_at=now,
                    )
                    .returning(*staff.c)
                )
            )
            .mappings()
            .one()
        )
    except sa_exc.IntegrityError as exc:
        if is_unique_violation(exc, "staff", "email"):
            raise Conflict(f"There is already a staff account for {email}.", code="staff_exists") from None
        raise
    return _staff(row)


async def get_staff(conn: AsyncConnection, staff_id: StaffId) -> Staff | None:
    row = (await conn.execute(select(staff).where(staff.c.id == staff_id))).mappings().first()
    return None if row is None else _staff(row)


async def credentials_by_email(conn: AsyncConnection, email: str) -> StaffCredentials | None:
    row = (await conn.execute(select(staff).where(staff.c.email == email))).mappings().first()
    return None if row is None else StaffCredentials(_staff(row), row["password_hash"], row["pin_hash"])


async def credentials_by_id(conn: AsyncConnection, staff_id: StaffId) -> StaffCredentials | None:
    row = (await conn.execute(select(staff).where(staff.c.id == staff_id))).mappings().first()
    return None if row is None else StaffCredentials(_staff(row), row["password_hash"], row["pin_hash"])


async def set_active(conn: AsyncConnection, staff_id: StaffId, active: bool) -> Staff | None:
    row = (
        (
            await conn.execute(
                update(staff).where(staff.c.id == staff_id).values(active=active).returning(*staff.c)
            )
        )
        .mappings()
        .first()
    )
    return None if row is None else _staff(row)
