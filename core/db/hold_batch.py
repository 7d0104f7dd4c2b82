"""Many standing holds of one section in one statement (PostgreSQL only): what a busy sale's holds share.

A hold's statement costs PostgreSQL far more to set up (its plan's ~50 nodes, its locks, its commit's WAL flush)
than to run, and under load a section's buyers ask at the same moment. core/services/hold_lanes.py gathers the
ones waiting for the same section and this statement makes all their holds at once: one round trip, one commit,
each hold all-or-nothing, each request's checks its own (its actor's status, its quantity; the concert on sale
and the section standing are shared).

Only what the common case needs is here: free places, picked in the usual order (SKIP LOCKED) and handed out in
the order the requests came, each hold its consecutive share. A request this statement did not hold for (a check
failed, its request key made a hold before, the free places ran out before its share, a picked place changed
after the snapshot) gets nothing written here and makes its own hold_statements.hold_standing, which takes
lapsed holds too and says exactly why when it cannot hold.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import TextualSelect

from core.db import places as places_db
from core.db.driver import Hot, positional
from core.db.hold_statements import (
    _NOW,
    _PLACE,
    _STATUS,
    Ask,
    HoldAttempt,
    _columns,
    _detail,
    _typed,
)
from core.domain.ids import HoldId, SectionId


@dataclass(frozen=True, slots=True)
class BatchAsk:
    """One request of a batch: who asks, the new hold's id and key (Ask), and how many places."""

    ask: Ask
    quantity: int


def limit_for(places: int) -> int:
    """The pick's LIMIT: written into the statement (so a generic plan keeps the partial index, as
    hold_statements' are) and rounded up to a multiple of 4, so a connection prepares at most 16 of them
    (MAX_PLACES 64: core/services/hold_lanes.py). The up to 3 places picked beyond the total stay free; they
    are locked for the statement, which near a sell-out can send another buyer's hold into a crowded pause."""
    return -(-places // 4) * 4


@functools.lru_cache(maxsize=64)
def _batch_sql(kind: str, limit: int) -> TextualSelect:
    status = _STATUS[kind].replace("CAST(:actor_id AS bigint)", "r.actor_id")
    arrays = (
        "CAST(:holds AS varchar[]), CAST(:keys AS varchar[]), CAST(:actors AS varchar[]), "
        "CAST(:actor_ids AS bigint[]), CAST(:devices AS bigint[]), CAST(:quantities AS integer[])"
    )
    reply = _columns({"p_kind": "'held'", **_PLACE, "max_ext": "sec.max_extensions", "until": "x.held_until"})
    return _typed(f"""
    WITH facts AS (
        SELECT c.hold_seconds, c.max_extensions, c.max_per_order, s.name, s.translations
        FROM concerts c
        JOIN sections s ON s.id = CAST(:section AS bigint) AND s.plan_id = c.plan_id AND s.kind = 'standing'
        WHERE c.id = CAST(:concert AS bigint) AND c.status = 'on_sale'
          AND c.sales_open_at <= {_NOW} AND {_NOW} < c.sales_close_at
    ),
    asked AS (
        SELECT r.hold, r.request_key, r.actor, r.device, r.q, r.n, {status} AS status
        FROM unnest({arrays}) WITH ORDINALITY AS r(hold, request_key, actor, actor_id, device, q, n)
    ),
    go AS (
        SELECT a.hold, a.request_key, a.actor, a.device, a.q, f.hold_seconds,
               sum(a.q) OVER (ORDER BY a.n) AS upto
        FROM asked a CROSS JOIN facts f
        WHERE a.status IS NOT DISTINCT FROM 'active' AND a.q <= f.max_per_order
    ),
    free_pick AS (
        SELECT id, xmin AS v FROM places
        WHERE concert_id = CAST(:concert AS bigint) AND section_id = CAST(:section AS bigint) AND state = 'free'
          AND EXISTS (SELECT 1 FROM go)
        ORDER BY pick_order, id LIMIT {int(limit)} FOR UPDATE SKIP LOCKED
    ),
    picked AS MATERIALIZED (SELECT id, v, row_number() OVER () AS rn FROM free_pick),{_tally()},
    attempt AS (SELECT go.* FROM go, tally WHERE go.upto <= tally.picked AND tally.changed = 0),
    hold AS (
        INSERT INTO holds (id, request_key, concert_id, actor, device_id, created_at, expires_at, place_count,
                           extensions, state)
        SELECT a.hold, a.request_key, CAST(:concert AS bigint), a.actor, a.device, {_NOW},
               {_NOW} + a.hold_seconds * interval '1 second', a.q, 0, 'active'
        FROM attempt a
        ON CONFLICT (request_key) DO NOTHING
        RETURNING id, expires_at
    ),
    shares AS (
        SELECT p.id, h.id AS hold_id, h.expires_at
        FROM attempt a JOIN hold h ON h.id = a.hold JOIN picked p ON p.rn > a.upto - a.q AND p.rn <= a.upto
    ),
    held AS (
        UPDATE places SET state = 'held', hold_id = shares.hold_id, held_until = shares.expires_at
        FROM shares WHERE places.id = shares.id
        RETURNING places.id, places.concert_id, places.section_id, places.category_id, places.state,
                  places.held_until, places.hold_id
    )
    SELECT x.hold_id AS p_hold, {reply}
    FROM held x CROSS JOIN facts sec JOIN price_categories pc ON pc.id = x.category_id""")


def _tally() -> str:
    """hold_statements' count of the places picked and of those changed after the statement's snapshot, made
    once (read by one CTE only, PostgreSQL would fold it into ``attempt`` and count again for every request:
    16 requests, 64 places, 1,024 look-ups), each place looked up by its key (joined, a batch's 64 places made
    a hash join over a scan of places the better plan on a small table)."""
    return """
    tally AS MATERIALIZED (
        SELECT count(*) AS picked,
               count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM places s WHERE s.id = p.id AND s.xmin = p.v))
                   AS changed
        FROM picked p
    )"""


def batch_statement(kind: str = "device", places: int = 4) -> TextualSelect:
    """The statement as a batch of ``places`` places runs it (for the EXPLAIN tests)."""
    return _batch_sql(kind, limit_for(places))


async def hold_standing_batch(
    conn: Hot, asks: Sequence[BatchAsk], section_id: SectionId
) -> dict[HoldId, HoldAttempt]:
    """The holds made, by hold id; a request missing from the answer had nothing written for it. Every ask is
    of one concert, one kind of actor (hold_statements.Ask.params) and has its own request key."""
    first = asks[0].ask
    each = [a.ask.params()[1] for a in asks]
    params: dict[str, Any] = {
        "concert": first.concert_id,
        "section": section_id,
        "now": first.now,
        "holds": [p["hold"] for p in each],
        "keys": [p["request_key"] for p in each],
        "actors": [p["actor"] for p in each],
        "actor_ids": [p.get("actor_id") for p in each],
        "devices": [p["device"] for p in each],
        "quantities": [a.quantity for a in asks],
    }
    kind, _ = first.params()
    sql, order = positional(_batch_sql(kind, limit_for(sum(a.quantity for a in asks))), conn.dialect)
    rows = await conn.fetch(sql, tuple(map(params.get, order)))
    placed: dict[HoldId, list[places_db.PlaceDetail]] = {}
    for r in rows:
        placed.setdefault(HoldId(r["p_hold"]), []).append(_detail(r))
    first_row = {HoldId(r["p_hold"]): r for r in rows}
    made = {}
    for hold_id, places in placed.items():
        r = first_row[hold_id]
        places.sort(key=lambda p: p.id)
        made[hold_id] = HoldAttempt(found=None, until=r["until"], placed=places, max_extensions=r["max_ext"])
    return made
