"""The public API of core for the apps: one module per area of use cases, plus the ServiceContext.

    from core.services import ServiceContext, catalog, sales, checkout
    hold = await sales.hold_places(ctx, actor, concert_id, place_ids)

Each function checks the actor's permission, runs one transaction and returns domain types.
"""

from core.services import (
    adapters,
    catalog,
    checkin,
    checkout,
    concert_admin,
    concerts,
    dashboard,
    devices,
    door,
    health,
    live,
    mail,
    order_desk,
    orders,
    payments,
    purchase,
    sales,
    sessions,
    staff,
    tickets,
    venues,
)
from core.services.context import ServiceContext

__all__ = [
    "ServiceContext",
    "adapters",
    "catalog",
    "checkin",
    "checkout",
    "concert_admin",
    "concerts",
    "dashboard",
    "devices",
    "door",
    "health",
    "live",
    "mail",
    "order_desk",
    "orders",
    "payments",
    "purchase",
    "sales",
    "sessions",
    "staff",
    "tickets",
    "venues",
]
