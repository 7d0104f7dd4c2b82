"""Checkout on PostgreSQL in two statements: a look that allocates the ticket ids, and one sale.

The look (``look``) reads what a checkout checks before taking payment and draws the new tickets' ids from
their sequence, so the tickets can be signed before anything is written. The sale (``sell``) is one
statement: it locks the hold and then its places, checks that nothing changed since the look, and writes the
order, its tickets (signed), the sold places, the hold's state and the mail outbox row, all or nothing. When
anything differs it writes nothing and returns None, and the caller runs the checkout's transaction, which
says exactly what is wrong. Each runs in autocommit (Database.statement): one round trip each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.driver import Hot, Record
from core.db.holds import HoldRow
from core.db.places import PlaceDetail
from core.db.signing_keys import is_server_key
from core.db.site import DEMO
from core.domain.holds import HoldState
from core.domain.ids import CategoryId, ConcertId, DeviceId, HoldId, OrderId, PlaceId, SectionId, TicketId
from core.domain.money import Money
from core.domain.names import translations_from
from core.domain.places import PlaceState
from core.domain.staff import Actor, DeviceActor, StaffActor, describe

__all__ = ["LOOK", "SELL", "Look", "Sale", "look", "look_params", "sell", "sell_params"]

# The actor's status as actors.check_status reads it: 'active', or what it is instead (None: unknown).
_ACTOR_STATUS = """
    CASE CAST(:kind AS text)
      WHEN 'device' THEN (SELECT CASE WHEN d.status = 'approved' THEN 'active' ELSE d.status END
                          FROM devices d WHERE d.id = CAST(:actor_id AS bigint))
      WHEN 'staff' THEN (SELECT CASE WHEN st.active THEN 'active' ELSE 'inactive' END
                         FROM staff st WHERE st.id = CAST(:actor_id AS bigint))
      ELSE 'active'
    END"""

# One row per place the hold still holds (one row of NULL places when none): the states are literals, not
# parameters, so a generic plan still sees them (see places.in_state).
LOOK = text(f"""
SELECT {_ACTOR_STATUS} AS actor_status,
       (SELECT value FROM site WHERE key = '{DEMO}') AS demo,
       k.id AS order_id, k.hold_id AS key_hold,
       h.id AS hold_id, h.concert_id, h.actor, h.device_id, h.expires_at, h.place_count, h.extensions,
       h.state AS hold_state, c.currency AS concert_currency,
       p.*
FROM (SELECT 1) AS one
LEFT JOIN orders k ON k.idempotency_key = CAST(:key AS varchar)
LEFT JOIN holds h ON h.id = CAST(:hold AS varchar)
LEFT JOIN concerts c ON c.id = h.concert_id
LEFT JOIN LATERAL (
    SELECT pl.id AS place_id, pl.section_id, pl.category_id, pl.held_until,
           s.name AS section, s.translations AS section_names, se.row_label, se.number, se.accessible,
           pc.name AS category, pc.translations AS category_names, pc.price_minor, pc.currency,
           nextval('tickets_id_seq') AS ticket_id
    FROM places pl
    JOIN sections s ON s.id = pl.section_id
    JOIN price_categories pc ON pc.id = pl.category_id
    LEFT JOIN seats se ON se.id = pl.seat_id
    WHERE pl.hold_id = h.id AND pl.state = 'held'
) p ON true
ORDER BY p.place_id
""")


@dataclass(frozen=True, slots=True)
class Look:
    """What a checkout needs to know before it takes payment, read in one statement."""

    actor_status: str | None
    demo_database: bool
    existing: tuple[OrderId, HoldId] | None
    """The order this idempotency key already made, and its hold."""
    hold: HoldRow | None
    currency: str | None
    places: tuple[PlaceDetail, ...]
    """Still held by the hold, in id order."""
    ticket_ids: tuple[TicketId, ...]
    """Drawn from the tickets' sequence, one per place, ascending: the ids the sale will give its tickets."""


def _actor_params(actor: Actor) -> dict[str, Any]:
    if isinstance(actor, DeviceActor):
        return {"kind": "device", "actor_id": actor.device_id}
    if isinstance(actor, StaffActor):
        return {"kind": "staff", "actor_id": actor.staff_id}
    return {"kind": "system", "actor_id": 0}


def look_params(actor: Actor, hold_id: HoldId, idempotency_key: str) -> dict[str, Any]:
    return {"key": idempotency_key, "hold": hold_id, **_actor_params(actor)}


async def _rows(conn: AsyncConnection | Hot, statement: TextClause, params: dict[str, Any]) -> list[Any]:
    """The rows by column name as attributes: through the driver alone on a ``Hot`` connection."""
    if isinstance(conn, Hot):
        return [Record(r) for r in await conn.query(statement, params)]
    return list((await conn.execute(statement, params)).all())


async def look(conn: AsyncConnection | Hot, actor: Actor, hold_id: HoldId, idempotency_key: str) -> Look:
    rows = await _rows(conn, LOOK, look_params(actor, hold_id, idempotency_key))
    first = rows[0]
    hold = None
    if first.hold_id is not None:
        hold = HoldRow(
            id=HoldId(first.hold_id),
            concert_id=ConcertId(first.concert_id),
            actor=first.actor,
            device_id=None if first.device_id is None else DeviceId(first.device_id),
            expires_at=first.expires_at,
            place_count=first.place_count,
            extensions=first.extensions,
            state=HoldState(first.hold_state),
        )
    places = tuple(
        PlaceDetail(
            id=PlaceId(r.place_id),
            concert_id=ConcertId(r.concert_id),
            section_id=SectionId(r.section_id),
            section=r.section,
            row=r.row_label,
            number=r.number,
            category_id=CategoryId(r.category_id),
            category=r.category,
            price=Money(r.price_minor, r.currency),
            state=PlaceState.HELD,
            accessible=bool(r.accessible),
            held_until=r.held_until,
            section_names=translations_from(r.section_names),
            category_names=translations_from(r.category_names),
        )
        for r in rows
        if r.place_id is not None
    )
    return Look(
        actor_status=first.actor_status,
        demo_database=first.demo == "true",
        existing=None if first.order_id is None else (OrderId(first.order_id), HoldId(first.key_hold)),
        hold=hold,
        currency=first.concert_currency,
        places=places,
        ticket_ids=tuple(sorted(TicketId(r.ticket_id) for r in rows if r.ticket_id is not None)),
    )


# Locks the hold, then (once the hold is locked) its places in id order: the order every hold operation
# takes. FOR UPDATE returns the rows as they are after any transaction it waited for, and a place that
# another buyer took meanwhile no longer matches and drops out; the checks in `ok` then fail and nothing is
# written. The places' price categories must still price them as the look did.
SELL = text(f"""
WITH h AS (
    SELECT id, concert_id, actor, state, place_count FROM holds WHERE id = CAST(:hold AS varchar) FOR UPDATE
),
p AS (
    SELECT pl.id, pl.category_id, pl.held_until FROM places pl
    WHERE pl.hold_id = CAST(:hold AS varchar) AND pl.state = 'held' AND EXISTS (SELECT FROM h)
    ORDER BY pl.id FOR UPDATE OF pl
),
g AS (
    SELECT * FROM unnest(
        CAST(:place_ids AS bigint[]), CAST(:category_ids AS bigint[]), CAST(:prices AS bigint[]),
        CAST(:ticket_ids AS bigint[]), CAST(:serials AS varchar[]), CAST(:signatures AS bytea[])
    ) AS g(place_id, category_id, price_minor, ticket_id, serial, signature)
),
ok AS (
    SELECT h.concert_id FROM h JOIN concerts c ON c.id = h.concert_id
    WHERE h.state = 'active' AND h.actor = CAST(:actor AS varchar)
      AND c.status <> 'cancelled' AND c.currency = CAST(:currency AS varchar)
      AND ({_ACTOR_STATUS}) = 'active'
      AND (CAST(:method AS varchar) <> 'demo'
           OR EXISTS (SELECT FROM site WHERE key = '{DEMO}' AND value = 'true'))
      AND h.place_count = cardinality(CAST(:place_ids AS bigint[]))
      AND (SELECT array_agg(p.id ORDER BY p.id) FROM p) = CAST(:place_ids AS bigint[])
      AND (SELECT array_agg(p.category_id ORDER BY p.id) FROM p) = CAST(:category_ids AS bigint[])
      AND (SELECT array_agg(pc.price_minor ORDER BY p.id)
           FROM p JOIN price_categories pc ON pc.id = p.category_id AND pc.currency = c.currency)
          = CAST(:prices AS bigint[])
),
o AS (
    INSERT INTO orders (code, concert_id, hold_id, idempotency_key, actor, device_id, status, total_minor,
                        currency, payment_method, payment_reference, buyer_email, demo, created_at, language)
    SELECT CAST(:code AS varchar), ok.concert_id, CAST(:hold AS varchar), CAST(:key AS varchar),
           CAST(:actor AS varchar), CAST(:device_id AS bigint), 'paid', CAST(:total AS bigint),
           CAST(:currency AS varchar), CAST(:method AS varchar), CAST(:reference AS varchar),
           CAST(:email AS varchar), CAST(:demo AS boolean), CAST(:now AS timestamptz),
           CAST(:language AS varchar)
    FROM ok
    RETURNING id, concert_id
),
t AS (
    INSERT INTO tickets (id, serial, order_id, concert_id, place_id, category_id, price_minor, currency, state,
                         print_count, issued_at, signature, signing_key_id, key_id)
    SELECT g.ticket_id, g.serial, o.id, o.concert_id, g.place_id, g.category_id, g.price_minor,
           CAST(:currency AS varchar), 'valid', 0, CAST(:now AS timestamptz), g.signature,
           CAST(:signing_key_id AS bigint), CAST(:device_key_id AS bigint)
    FROM o, g
    RETURNING id, place_id
),
s AS (
    UPDATE places SET state = 'sold', hold_id = NULL, held_until = NULL, ticket_id = t.id
    FROM t WHERE places.id = t.place_id
    RETURNING places.id
),
hs AS (
    UPDATE holds SET state = 'checked_out' FROM o WHERE holds.id = CAST(:hold AS varchar) RETURNING holds.id
),
m AS (
    INSERT INTO mail_outbox (order_id, to_address, status, attempts, next_attempt_at, created_at)
    SELECT o.id, CAST(:email AS varchar), 'pending', 0, CAST(:now AS timestamptz), CAST(:now AS timestamptz)
    FROM o WHERE CAST(:email AS varchar) IS NOT NULL
    RETURNING id
)
SELECT o.id AS order_id, p.id AS place_id, p.held_until FROM o, p ORDER BY p.id
""")


@dataclass(frozen=True, slots=True)
class Sale:
    """The order to write; its tickets are already signed."""

    code: str
    concert_id: ConcertId
    hold_id: HoldId
    idempotency_key: str
    actor: Actor
    device_id: DeviceId | None
    total: Money
    method: str
    reference: str
    buyer_email: str | None
    demo: bool
    language: str
    now: datetime
    places: Sequence[PlaceDetail]
    ticket_ids: Sequence[TicketId]
    serials: Sequence[str]
    signatures: Sequence[bytes]
    key_id: int


async def sell(
    conn: AsyncConnection | Hot, sale: Sale
) -> tuple[OrderId, dict[PlaceId, datetime | None]] | None:
    """The order's id and each sold place's held-until as the sale found it, or None when nothing was written
    because something changed since the look (the caller finds out what in a transaction)."""
    rows = await _rows(conn, SELL, sell_params(sale))
    if not rows:
        return None
    return OrderId(rows[0].order_id), {PlaceId(r.place_id): r.held_until for r in rows}


def sell_params(sale: Sale) -> dict[str, Any]:
    server_key = is_server_key(sale.key_id)  # else a device's key (older tickets, tests): see set_signatures
    return {
        "hold": sale.hold_id,
        "actor": describe(sale.actor),
        **_actor_params(sale.actor),
        "place_ids": [p.id for p in sale.places],
        "category_ids": [p.category_id for p in sale.places],
        "prices": [p.price.minor for p in sale.places],
        "ticket_ids": list(sale.ticket_ids),
        "serials": list(sale.serials),
        "signatures": list(sale.signatures),
        "currency": sale.total.currency,
        "method": sale.method,
        "code": sale.code,
        "key": sale.idempotency_key,
        "device_id": sale.device_id,
        "total": sale.total.minor,
        "reference": sale.reference,
        "email": sale.buyer_email,
        "demo": sale.demo,
        "now": sale.now,
        "language": sale.language,
        "signing_key_id": sale.key_id if server_key else None,
        "device_key_id": None if server_key else sale.key_id,
    }
