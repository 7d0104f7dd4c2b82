"""Small pieces several services share: the same error for the same problem, the event's origin."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from core.db.actors import SaleContext, check_status
from core.domain.concerts import Concert
from core.domain.errors import ErrorCode, NotFound
from core.domain.ids import CategoryId, ConcertId, DeviceId
from core.domain.staff import Actor, DeviceActor


def concert_not_found(concert_id: ConcertId) -> NotFound:
    return NotFound(
        f"There is no concert number {concert_id}. Choose a concert from the list.",
        code=ErrorCode.CONCERT_NOT_FOUND,
    )


def origin_of(actor: Actor) -> DeviceId | None:
    """The device an event came from, so a kiosk can tell its own changes from others'."""
    return actor.device_id if isinstance(actor, DeviceActor) else None


def concert_on_sale(found: SaleContext | None, concert_id: ConcertId, actor: Actor, now: datetime) -> Concert:
    """The checks every sale starts with: the concert exists, the actor may act, and the concert is on sale now."""
    if found is None:
        raise concert_not_found(concert_id)
    # Who before when: a revoked device or a deactivated account hears that, not whether sales are open (the
    # device's own status is checked here, in the sale's statement, for a hold made with its token alone).
    check_status(actor, found.actor_status)
    closed = found.concert.sales_closed(now, ZoneInfo(found.timezone))
    if closed is not None:
        raise closed
    return found.concert


def count_by_category(category_ids: Iterable[CategoryId], sign: int) -> dict[CategoryId, int]:
    counts: dict[CategoryId, int] = {}
    for cat in category_ids:  # a plain dict: a Counter costs more than the few places of a sale
        counts[cat] = counts.get(cat, 0) + sign
    return counts
