"""Is the acting device or staff member still allowed to act? Checked inside the transaction that acts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import devices, staff
from core.domain.devices import DeviceStatus
from core.domain.errors import DeviceNotApproved, NotAllowed
from core.domain.staff import Actor, DeviceActor, StaffActor


async def ensure_active(conn: AsyncConnection, actor: Actor) -> None:
    """A revoked device or a deactivated staff account stops acting at once, not at its next sign-in."""
    if isinstance(actor, DeviceActor):
        status = (
            await conn.execute(select(devices.c.status).where(devices.c.id == actor.device_id))
        ).scalar()
        if status is None:
            raise DeviceNotApproved(
                f"Device {actor.name} is not registered. Restart it to register, then ask a manager to approve it."
            )
        if status == DeviceStatus.PENDING.value:
            raise DeviceNotApproved(
                f"Device {actor.name} is waiting for approval. A manager can approve it in the admin app."
            )
        if status == DeviceStatus.REVOKED.value:
            raise DeviceNotApproved(
                f"Device {actor.name} has been revoked and cannot sell or scan. Call a manager."
            )
    elif isinstance(actor, StaffActor):
        active = (await conn.execute(select(staff.c.active).where(staff.c.id == actor.staff_id))).scalar()
        if not active:
            raise NotAllowed(f"The account of {actor.name} is not active. Ask an admin to reactivate it.")
