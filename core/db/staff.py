"""Staff accounts: SQL in, domain types out. Hashes leave this module only inside StaffCredentials."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.errors import is_unique_violation
from core.db.tables import staff
from core.domain.errors import Conflict, ErrorCode
from core.domain.ids import StaffId
from core.domain.staff import Role, Staff

_NUMBER_TRIES = 5
# Whose PIN it is stays unsaid.
_PIN_TAKEN = "This PIN cannot be used: every staff member needs a PIN of their own. Choose another PIN."


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
        staff_number=int(row["staff_number"]),
    )


async def _next_number(conn: AsyncConnection) -> int:
    return (
        int((await conn.execute(select(func.coalesce(func.max(staff.c.staff_number), 0)))).scalar_one()) + 1
    )


async def insert_staff(
    conn: AsyncConnection,
    *,
    email: str,
    display_name: str,
    role: Role,
    password_hash: str | None,
    staff_number: int | None,
    now: datetime,
    pin_fingerprint: str | None = None,
    pin_hash: str | None = None,
) -> Staff:
    """Insert a staff member; with no ``staff_number`` the next free one. Two at once may pick the same
    number on PostgreSQL: the loser's savepoint rolls back and it takes the next one. A PIN another member
    has is refused by the unique index (staff_pin_taken). ``pin_hash``: an argon2 PIN as set before
    fingerprints (tests of that path only)."""
    for _ in range(_NUMBER_TRIES):
        number = staff_number if staff_number is not None else await _next_number(conn)
        try:
            async with conn.begin_nested():
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
                                pin_fingerprint=pin_fingerprint,
                                active=True,
                                created_at=now,
                                staff_number=number,
                            )
                            .returning(*staff.c)
                        )
                    )
                    .mappings()
                    .one()
                )
        except sa_exc.IntegrityError as exc:
            if is_unique_violation(exc, "staff", "email"):
                raise Conflict(
                    f"There is already a staff account for {email}.", code=ErrorCode.STAFF_EXISTS
                ) from None
            if is_unique_violation(exc, "staff", "pin_fingerprint"):
                raise _pin_taken() from None
            if is_unique_violation(exc, "staff", "staff_number") and staff_number is None:
                continue
            if is_unique_violation(exc, "staff", "staff_number"):
                raise Conflict(
                    f"Staff number {number} is taken; choose another or leave it empty for the next free one.",
                    code=ErrorCode.STAFF_NUMBER_TAKEN,
                ) from None
            raise
        return _staff(row)
    raise Conflict(
        "Several staff accounts were created at once and no free staff number was found; try again.",
        code=ErrorCode.STAFF_NUMBER_TAKEN,
    )


async def get_staff(conn: AsyncConnection, staff_id: StaffId) -> Staff | None:
    row = (await conn.execute(select(staff).where(staff.c.id == staff_id))).mappings().first()
    return None if row is None else _staff(row)


async def list_staff(conn: AsyncConnection) -> tuple[Staff, ...]:
    rows = (await conn.execute(select(staff).order_by(staff.c.staff_number))).mappings().all()
    return tuple(_staff(row) for row in rows)


async def count_active(conn: AsyncConnection) -> int:
    """How many accounts may sign in (the admin's self-test: a database nobody can sign in to is no use)."""
    return int(
        (await conn.execute(select(func.count()).select_from(staff).where(staff.c.active))).scalar_one()
    )


async def credentials_by_email(conn: AsyncConnection, email: str) -> StaffCredentials | None:
    row = (await conn.execute(select(staff).where(staff.c.email == email))).mappings().first()
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


async def set_pin_fingerprint(conn: AsyncConnection, staff_id: StaffId, fingerprint: str) -> Staff | None:
    """The member's PIN (an older argon2 one goes). A PIN another member has is refused by the unique index
    itself, never by a look first that a second admin could pass at the same moment: staff_pin_taken."""
    try:
        return await _update(conn, staff_id, pin_fingerprint=fingerprint, pin_hash=None)
    except sa_exc.IntegrityError as exc:
        if is_unique_violation(exc, "staff", "pin_fingerprint"):
            raise _pin_taken() from None
        raise


async def forget_pins(conn: AsyncConnection) -> int:
    """Every member's PIN gone (fingerprint and older argon2 hash); how many members had one."""
    had = staff.c.pin_fingerprint.is_not(None) | staff.c.pin_hash.is_not(None)
    done = await conn.execute(update(staff).where(had).values(pin_fingerprint=None, pin_hash=None))
    return int(done.rowcount)


async def replace_pin_hash(conn: AsyncConnection, staff_id: StaffId, old_hash: str, fingerprint: str) -> bool:
    """An argon2 PIN, just found right, kept as its fingerprint from now on (a PIN changed meanwhile is left
    alone). False when another member has the same PIN (two old PINs could be alike): this member keeps the
    argon2 one until it is set anew. In a savepoint, so that refusal leaves the transaction usable."""
    try:
        async with conn.begin_nested():
            await conn.execute(
                update(staff)
                .where(staff.c.id == staff_id, staff.c.pin_hash == old_hash)
                .values(pin_fingerprint=fingerprint, pin_hash=None)
            )
    except sa_exc.IntegrityError as exc:
        if is_unique_violation(exc, "staff", "pin_fingerprint"):
            return False
        raise
    return True


def _pin_taken() -> Conflict:
    return Conflict(_PIN_TAKEN, code=ErrorCode.STAFF_PIN_TAKEN)


async def lock_active_admins(conn: AsyncConnection) -> frozenset[StaffId]:
    """The active admins, their rows locked until the transaction ends (FOR UPDATE on PostgreSQL; SQLite's
    BEGIN IMMEDIATE already lets one writer in). A second change to the admins waits here and then reads the
    first one's result, so two admins demoting each other at once cannot both count the other as left."""
    rows = await conn.execute(
        select(staff.c.id)
        .where(staff.c.role == Role.ADMIN.value, staff.c.active.is_(True))
        .order_by(staff.c.id)
        .with_for_update()
    )
    return frozenset(StaffId(r) for r in rows.scalars())


async def _update(conn: AsyncConnection, staff_id: StaffId, **values: object) -> Staff | None:
    row = (
        (await conn.execute(update(staff).where(staff.c.id == staff_id).values(**values).returning(*staff.c)))
        .mappings()
        .first()
    )
    return None if row is None else _staff(row)


async def set_role(conn: AsyncConnection, staff_id: StaffId, role: Role) -> Staff | None:
    return await _update(conn, staff_id, role=role.value)


async def set_password_hash(conn: AsyncConnection, staff_id: StaffId, password_hash: str) -> Staff | None:
    return await _update(conn, staff_id, password_hash=password_hash)
