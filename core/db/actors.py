"""Is the acting device or staff member still allowed to act? Checked inside the transaction that acts."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ScalarSelect, Select, and_, bindparam, case, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.rows import concert_from_row
from core.db.tables import concerts, devices, sections, staff, venues
from core.domain.concerts import Concert
from core.domain.devices import DeviceStatus
from core.domain.errors import DeviceNotApproved, NotAllowed
from core.domain.ids import ConcertId, SectionId
from core.domain.staff import Actor, DeviceActor, StaffActor
from core.domain.venues import Section, SectionKind

_ACTIVE = "active"


def _status_query(kind: str) -> ScalarSelect[Any]:
    """One scalar: 'active' when the actor may act now, else what it is ('pending', 'revoked', 'inactive').
    The actor's id is the bind parameter b_actor."""
    if kind == "device":
        status = case((devices.c.status == DeviceStatus.APPROVED.value, _ACTIVE), else_=devices.c.status)
        return select(status).where(devices.c.id == bindparam("b_actor")).scalar_subquery()
    if kind == "staff":
        active = case((staff.c.active, _ACTIVE), else_="inactive")
        return select(active).where(staff.c.id == bindparam("b_actor")).scalar_subquery()
    return select(literal(_ACTIVE)).scalar_subquery()


def _actor_params(actor: Actor) -> tuple[str, dict[str, Any]]:
    if isinstance(actor, DeviceActor):
        return "device", {"b_actor": actor.device_id}
    if isinstance(actor, StaffActor):
        return "staff", {"b_actor": actor.staff_id}
    return "system", {}


def check_status(actor: Actor, status: str | None) -> None:
    """A revoked device or a deactivated staff account stops acting at once, not at its next sign-in."""
    if status == _ACTIVE:
        return
    if isinstance(actor, DeviceActor):
        if status is None:
            raise DeviceNotApproved(
                f"Device {actor.name} is not registered. Restart it to register, then ask a manager to approve it."
            )
        if status == DeviceStatus.PENDING.value:
            raise DeviceNotApproved(
                f"Device {actor.name} is waiting for approval. A manager can approve it in the admin app."
            )
        raise DeviceNotApproved(
            f"Device {actor.name} has been revoked and cannot sell or scan. Call a manager."
        )
    raise NotAllowed(f"The account of {actor.name} is not active. Ask an admin to reactivate it.")


def status_of(actor: Actor) -> tuple[ScalarSelect[Any], dict[str, Any]]:
    """The actor's status as a scalar subquery, and its bind parameters: to fold the check into a statement
    that reads something else (then ``check_status`` its value)."""
    kind, params = _actor_params(actor)
    return _status_query(kind), params


async def ensure_active(conn: AsyncConnection, actor: Actor) -> None:
    kind, params = _actor_params(actor)
    check_status(actor, (await conn.execute(select(_status_query(kind)), params)).scalar())


@dataclass(frozen=True, slots=True)
class SaleContext:
    concert: Concert
    timezone: str
    actor_status: str | None
    section: Section | None = None
    """The section asked about, when it belongs to the concert's plan."""


@functools.lru_cache(maxsize=8)
def _sale_context_query(kind: str) -> Select[Any]:
    """Built once per actor kind (the hot path skips rebuilding it); binds b_concert, b_actor, b_section."""
    return (
        select(
            concerts,
            venues.c.timezone.label("venue_tz"),
            _status_query(kind).label("actor_status"),
            sections.c.id.label("section_id"),
            sections.c.name.label("section_name"),
            sections.c.kind.label("section_kind"),
            sections.c.capacity.label("section_capacity"),
        )
        .join(venues, venues.c.id == concerts.c.venue_id)
        .outerjoin(
            sections, and_(sections.c.id == bindparam("b_section"), sections.c.plan_id == concerts.c.plan_id)
        )
        .where(concerts.c.id == bindparam("b_concert"))
    )


async def concert_and_actor(
    conn: AsyncConnection, concert_id: ConcertId, actor: Actor, *, section_id: SectionId | None = None
) -> SaleContext | None:
    """The concert, its venue's timezone, the actor's status and (optionally) one of its sections, in one
    round trip: every hold starts here."""
    kind, params = _actor_params(actor)
    params |= {"b_concert": concert_id, "b_section": section_id or 0}
    row = (await conn.execute(_sale_context_query(kind), params)).first()
    if row is None:
        return None
    concert = concert_from_row(row)
    section = None
    if row.section_id is not None:
        section = Section(
            SectionId(row.section_id),
            concert.plan_id,
            row.section_name,
            SectionKind(row.section_kind),
            row.section_capacity,
        )
    return SaleContext(concert, row.venue_tz, row.actor_status, section)
