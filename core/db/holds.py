"""Hold rows: who holds, until when, how often extended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import holds
from core.domain.holds import HoldState
from core.domain.ids import ConcertId, DeviceId, HoldId


@dataclass(frozen=True, slots=True)
class HoldRow:
    id: HoldId
    concert_id: ConcertId
    actor: str
    device_id: DeviceId | None
    expires_at: datetime
    place_count: int
    extensions: int
    state: HoldState


_INSERT = holds.insert()


async def insert(
    conn: AsyncConnection,
    *,
    hold_id: HoldId,
    concert_id: ConcertId,
    actor: str,
    device_id: DeviceId | None,
    now: datetime,
    expires_at: datetime,
    place_count: int,
    request_key: str | None = None,
) -> None:
    # The prebuilt INSERT with a parameter dict: nothing to build or re-key per hold.
    await conn.execute(
        _INSERT,
        {
            "id": hold_id,
            "request_key": request_key,
            "concert_id": concert_id,
            "actor": actor,
            "device_id": device_id,
            "created_at": now,
            "expires_at": expires_at,
            "place_count": place_count,
            "extensions": 0,
            "state": HoldState.ACTIVE.value,
        },
    )


async def lock(conn: AsyncConnection, hold_id: HoldId) -> HoldRow | None:
    """Lock the hold row first: every operation on a hold takes this lock before its places' locks."""
    row = (await conn.execute(select(holds).where(holds.c.id == hold_id).with_for_update())).first()
    return None if row is None else _hold(row)


async def get(conn: AsyncConnection, hold_id: HoldId) -> HoldRow | None:
    """The hold row as it stands, unlocked (a look before taking payment; checkout locks it again)."""
    row = (await conn.execute(select(holds).where(holds.c.id == hold_id))).first()
    return None if row is None else _hold(row)


async def by_request_key(conn: AsyncConnection, request_key: str) -> HoldRow | None:
    row = (
        await conn.execute(select(holds).where(holds.c.request_key == request_key).with_for_update())
    ).first()
    return None if row is None else _hold(row)


def _hold(row: Any) -> HoldRow:
    return HoldRow(
        id=HoldId(row.id),
        concert_id=ConcertId(row.concert_id),
        actor=row.actor,
        device_id=None if row.device_id is None else DeviceId(row.device_id),
        expires_at=row.expires_at,
        place_count=row.place_count,
        extensions=row.extensions,
        state=HoldState(row.state),
    )


async def set_state(conn: AsyncConnection, hold_id: HoldId, state: HoldState) -> None:
    await conn.execute(update(holds).where(holds.c.id == hold_id).values(state=state.value))


async def extend(conn: AsyncConnection, hold_id: HoldId, expires_at: datetime) -> None:
    await conn.execute(
        update(holds)
        .where(holds.c.id == hold_id)
        .values(expires_at=expires_at, extensions=holds.c.extensions + 1)
    )
