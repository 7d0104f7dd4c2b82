"""Every hold, extend and release as one statement on PostgreSQL: one round trip, no BEGIN/COMMIT.

Each statement runs in autocommit (``Database.statement``) and is its own transaction. It reads the facts the
checks need (the concert, its venue's timezone, the actor's status, the section), writes only when every check
passes, and returns those facts beside what it wrote, so the service can say exactly why nothing was written from
the same reply. The shape of every statement:

    facts  (the concert, the actor)          go    one row when the checks pass
    pick   FOR UPDATE (SKIP LOCKED), only when go has its row
    hold   INSERT INTO holds ... only when the pick has every place, ON CONFLICT (request_key) DO NOTHING
    held   UPDATE places ... FROM hold       prior the hold this request key made, read when none was inserted
    the final SELECT: the held places with labels, or (no hold) a chosen seat's refusal and the report

A hold's statement leaves the facts, the prior hold and the crowded counts to encore_hold_report (migration
0021), which it calls only when it made no hold: PostgreSQL sets up every node of a plan each time it runs, so a
report built into the statement was paid for by every hold that succeeded.

The rules of seat locking (core/db/places.py) hold here too: chosen seats are locked in id order, standing
places are picked with SKIP LOCKED, a hold row is locked before its places. The UPDATE of places names rows by id
only: the pick returned their newest versions, locked, so the UPDATE re-finds exactly those (a takeable test in
its WHERE would run on the statement's older snapshot and could drop a row the pick had just seen freed).
State values and the LIMIT are written into the SQL, not bound, so generic plans keep the partial indexes.

On SQLite (no data-modifying CTEs, no row locks) the same functions run the statements one by one inside the
caller's write transaction (BEGIN IMMEDIATE, one writer) and return the same outcome; when a check fails the
caller raises and the transaction rolls back.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import JSON, TextualSelect, text
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import actors as actors_db
from core.db import holds as holds_db
from core.db import places as places_db
from core.db import seating as seating_db
from core.db.driver import Hot, Record, positional
from core.db.errors import busy
from core.db.rows import concert_from_row, load_concert
from core.domain.devices import DeviceStatus
from core.domain.holds import HoldState
from core.domain.ids import CategoryId, ConcertId, DeviceId, HoldId, PlaceId, SectionId
from core.domain.money import Money
from core.domain.names import Translations, translations_from
from core.domain.places import PlaceState
from core.domain.seat_picking import SeatSpot
from core.domain.staff import Actor, DeviceActor, StaffActor, describe
from core.domain.venues import Section, SectionKind


@dataclass(frozen=True, slots=True)
class PriorHold:
    """The hold a request key already made (a retried request gets it back)."""

    row: holds_db.HoldRow
    max_extensions: int
    places: list[places_db.PlaceDetail]


@dataclass(frozen=True, slots=True)
class HoldAttempt:
    """What one hold statement saw and did. ``until`` is set only when it made the hold (``placed``)."""

    found: actors_db.SaleContext | None
    prior: PriorHold | None = None
    until: datetime | None = None
    placed: list[places_db.PlaceDetail] = field(default_factory=list)
    refused: list[places_db.PlaceDetail] = field(default_factory=list)
    """Chosen seats of this concert that were not takeable (when the hold was not made)."""
    in_concert: frozenset[PlaceId] = frozenset()
    """Chosen seats that belong to this concert (the rest are strangers), when the checks passed."""
    max_extensions: int = 0
    """The concert's cap on extensions, when the hold was made."""
    changed: bool = False
    """A picked place changed after the statement's snapshot: nothing was written, run it again."""
    crowded: bool = False
    """A standing hold found fewer places it could lock than its snapshot shows takeable: other statements had
    the rest locked (SKIP LOCKED passed them). Nothing was written; "not enough places" would not be true yet."""


@dataclass(frozen=True, slots=True)
class HoldChange:
    """What one extend or release statement saw and did: the hold as it was, and its places as they were."""

    row: holds_db.HoldRow | None
    max_extensions: int = 0
    mine: list[places_db.PlaceDetail] = field(default_factory=list)
    until: datetime | None = None
    """The new expiry, when an extension was made."""
    done: bool = False
    changed: bool = False
    """The hold or one of its places changed after the statement's snapshot: nothing was written."""


def may_hold(found: actors_db.SaleContext | None, now: datetime, count: int, standing_section: bool) -> bool:
    """The checks a hold statement makes before writing, in Python (SQLite's path and the statement agree)."""
    if found is None:
        return False
    c = found.concert
    return (
        c.status.value == "on_sale"
        and c.sales_open_at <= now < c.sales_close_at
        and found.actor_status == "active"
        and count <= c.max_per_order
        and (
            not standing_section or (found.section is not None and found.section.kind is SectionKind.STANDING)
        )
    )


# --- the SQL ---------------------------------------------------------------------------------------

_STATUS = {
    "device": f"(SELECT CASE WHEN d.status = '{DeviceStatus.APPROVED.value}' THEN 'active' ELSE d.status END "
    "FROM devices d WHERE d.id = CAST(:actor_id AS bigint))",
    "staff": "(SELECT CASE WHEN s.active THEN 'active' ELSE 'inactive' END "
    "FROM staff s WHERE s.id = CAST(:actor_id AS bigint))",
    "system": "'active'",
}

_CONCERT_COLUMNS = (
    "id, title, artist, venue_id, plan_id, doors_at, starts_at, sales_open_at, sales_close_at, status, "
    "max_per_order, hold_seconds, max_extensions, reentry_allowed, currency"
)

_NOW = "CAST(:now AS timestamptz)"


def _facts(kind: str, count: str, *, standing: bool) -> str:
    """The sale context (concert_and_actor's row) and ``ok``: every check a hold makes before it writes."""
    section_ok = " AND s.kind = 'standing'" if standing else ""
    return f"""
    facts AS (
        SELECT {", ".join(f"c.{col}" for col in _CONCERT_COLUMNS.split(", "))},
               v.timezone AS venue_tz, a.status AS actor_status,
               s.id AS section_id, s.name AS section_name, s.kind AS section_kind, s.capacity AS section_capacity,
               (c.status = 'on_sale' AND c.sales_open_at <= {_NOW} AND {_NOW} < c.sales_close_at
                AND a.status IS NOT DISTINCT FROM 'active' AND {count} <= c.max_per_order{section_ok}) AS ok
        FROM concerts c
        JOIN venues v ON v.id = c.venue_id
        CROSS JOIN (SELECT {_STATUS[kind]} AS status) a
        LEFT JOIN sections s ON s.id = CAST(:section AS bigint) AND s.plan_id = c.plan_id
        WHERE c.id = CAST(:concert AS bigint)
    )"""


_GO = """
    go AS (SELECT hold_seconds FROM facts WHERE ok)"""


_TALLY = """
    tally AS (
        SELECT count(*) AS picked, count(*) FILTER (WHERE s.xmin IS NULL OR NOT (s.xmin = p.v)) AS changed
        FROM picked p LEFT JOIN places s ON s.id = p.id
    )"""
"""How many places the pick locked, and how many of them changed after the statement's snapshot: their newest
version (which the pick locked) is not the one the snapshot sees."""


def _hold_insert(source: str, seconds: str, count: str) -> str:
    """The hold row, from ``source`` (a FROM clause whose one row passed every check), unless its request key
    made one already (then nothing: the statement reads that hold instead)."""
    return f"""
    hold AS (
        INSERT INTO holds (id, request_key, concert_id, actor, device_id, created_at, expires_at, place_count,
                           extensions, state)
        SELECT CAST(:hold AS varchar), CAST(:request_key AS varchar), CAST(:concert AS bigint),
               CAST(:actor AS varchar), CAST(:device AS bigint), {_NOW},
               {_NOW} + {seconds} * interval '1 second', {count}, 0, 'active'
        {source}
        ON CONFLICT (request_key) DO NOTHING
        RETURNING id, expires_at
    )"""


def _writes(attempt: str, count: str, held_filter: str = "") -> str:
    """The hold row and its places, written only when ``attempt`` (a SELECT of the concert's hold_seconds) has
    its row: every check passed, every place is there, none changed; and only when the request key is new.

    The request key is checked by the insert itself (ON CONFLICT on its unique index); the hold it already made
    is read by the report (encore_hold_report), only when nothing was inserted. A look-up before the pick was
    planned once per connection: made while ``holds`` was small (a new venue's first sales), the plan read the
    whole table for every hold until autovacuum's next ANALYZE, as the table grew by hundreds of rows a second.
    When ``attempt`` had its row and the statement then made no hold and the report sees none with its key, the
    key's insert waited for a hold this snapshot cannot see (the same request, sent twice at once): nothing was
    written, and the statement runs again, as for a changed place."""
    return f"""
    attempt AS ({attempt}),
    {_hold_insert("FROM attempt", "attempt.hold_seconds", count)},
    held AS (
        UPDATE places SET state = 'held', hold_id = hold.id, held_until = hold.expires_at
        FROM hold WHERE places.id IN (SELECT id FROM picked){held_filter}
        RETURNING places.id, places.concert_id, places.section_id, places.seat_id, places.category_id,
                  places.state, places.held_until
    )"""


_PLACE_COLUMNS = """
           x.p_kind, x.id AS p_id, x.concert_id AS p_concert_id, x.section_id AS p_section_id,
           x.category_id AS p_category_id, x.state AS p_state, x.held_until AS p_held_until,
           sec.name AS p_section, sec.translations AS p_section_names, st.row_label AS p_row,
           st.number AS p_number, st.accessible AS p_accessible, pc.name AS p_category,
           pc.translations AS p_category_names, pc.price_minor AS p_price_minor, pc.currency AS p_currency"""

_PLACE_JOINS = """
    LEFT JOIN sections sec ON sec.id = x.section_id
    LEFT JOIN price_categories pc ON pc.id = x.category_id
    LEFT JOIN seats st ON st.id = x.seat_id
    ORDER BY x.id"""


def _typed(sql: str) -> TextualSelect:
    return text(sql).columns(p_section_names=JSON, p_category_names=JSON, report=JSON)


REPORT_COLUMNS = (
    "id", "title", "artist", "venue_id", "plan_id", "doors_at", "starts_at", "sales_open_at", "sales_close_at",
    "status", "max_per_order", "hold_seconds", "max_extensions", "reentry_allowed", "currency", "venue_tz",
    "actor_status", "section_id", "section_name", "section_kind", "section_capacity", "ok", "max_ext", "crowded",
    "pr_id", "pr_concert_id", "pr_actor", "pr_device_id", "pr_expires_at", "pr_place_count", "pr_extensions",
    "pr_state", "pr_max_extensions", "until", "changed",
    "p_kind", "p_id", "p_concert_id", "p_section_id", "p_category_id", "p_state", "p_held_until", "p_section",
    "p_section_names", "p_row", "p_number", "p_accessible", "p_category", "p_category_names", "p_price_minor",
    "p_currency",
)  # fmt: skip
"""The keys of each row of encore_hold_report's JSON (migration 0022; a test compares them with the function's):
the facts, whether the pick was crowded, the hold the request key made before and its places."""

_REPORT_TIMES = (
    "doors_at",
    "starts_at",
    "sales_open_at",
    "sales_close_at",
    "pr_expires_at",
    "until",
    "p_held_until",
)
"""The report's timestamps: JSON has them as ISO 8601 text."""

REPLY_COLUMNS = (
    "until", "max_ext", "p_kind", "p_id", "p_concert_id", "p_section_id", "p_category_id", "p_state",
    "p_held_until", "p_section", "p_section_names", "p_row", "p_number", "p_accessible", "p_category",
    "p_category_names", "p_price_minor", "p_currency", "report",
)  # fmt: skip
"""A hold statement's reply, in order: a held place's row (with the hold's expiry and cap on extensions), a
chosen seat's refusal row, or the row that carries encore_hold_report's JSON when no hold was made."""

_PLACE = {
    "p_id": "x.id",
    "p_concert_id": "x.concert_id",
    "p_section_id": "x.section_id",
    "p_category_id": "x.category_id",
    "p_state": "x.state",
    "p_held_until": "x.held_until",
    "p_section": "sec.name",
    "p_section_names": "sec.translations",
    "p_category": "pc.name",
    "p_category_names": "pc.translations",
    "p_price_minor": "pc.price_minor",
    "p_currency": "pc.currency",
}
_SEAT = {"p_row": "st.row_label", "p_number": "st.number", "p_accessible": "st.accessible"}


def _columns(values: dict[str, str]) -> str:
    values = {"report": "CAST(NULL AS json)"} | values  # typed: the place rows may be a UNION of their own
    return ", ".join(f"{values.get(name, 'NULL')} AS {name}" for name in REPLY_COLUMNS)


def _place_rows(kind: str, source: str, *, seats: bool, extra: dict[str, str] | None = None) -> str:
    """One reply row per place of ``source`` (aliased x), labelled and priced; the other columns NULL (the
    facts come with a refusal only: a hold made passed every check). A standing place has no seat."""
    columns = _columns({"p_kind": kind, **_PLACE, **(_SEAT if seats else {}), **(extra or {})})
    joins = (
        "LEFT JOIN sections sec ON sec.id = x.section_id "
        "LEFT JOIN price_categories pc ON pc.id = x.category_id LEFT JOIN seats st ON st.id = x.seat_id"
        if seats  # a standing hold's places are all of the section its facts read: its name comes with them
        else "CROSS JOIN facts sec JOIN price_categories pc ON pc.id = x.category_id"
    )
    return f"SELECT {columns} FROM {source} {joins}"


def _held_rows(*, seats: bool) -> str:
    extra = {"max_ext": "(SELECT max_extensions FROM facts)", "until": "h.expires_at"}
    return _place_rows("'held'", "held x CROSS JOIN hold h", seats=seats, extra=extra)


def _report(kind: str, count: str, *, standing: bool, picked: str, changed: str, source: str = "") -> str:
    """The row that says why nothing was held: encore_hold_report's JSON, called only then. A scalar in the
    target list: the statement sets up one column for it, not a scan of its rows (migration 0022)."""
    section = "CAST(:section AS bigint)" if standing else "CAST(NULL AS bigint)"
    actor_id = "CAST(:actor_id AS bigint)" if kind != "system" else "CAST(NULL AS bigint)"
    report = f"""encore_hold_report(
        CAST(:concert AS bigint), {section}, '{kind}', {actor_id}, CAST(:request_key AS varchar), {_NOW},
        {count}, {str(standing).lower()}, {picked}, {changed}, EXISTS (SELECT 1 FROM attempt))"""
    return f"SELECT {_columns({'report': report})} {source} WHERE NOT EXISTS (SELECT 1 FROM hold)"


@functools.lru_cache(maxsize=64)
def _standing_sql(kind: str, quantity: int) -> TextualSelect:
    """The hold, and nothing else when it is made: the checks (``ok``), the picks, the writes, the held places
    with their labels. When it makes none, encore_hold_report (migration 0022) says why, from the same
    snapshot; it runs only then. The report used to be part of this statement: every successful hold paid for
    setting up its plan (issue 11: 2,200-2,400 holds/s with it, 3,400-3,500 without, 64 tasks)."""
    q = str(int(quantity))  # written in: a generic plan with LIMIT $n expects many rows (places.py)
    where = (
        "concert_id = CAST(:concert AS bigint) AND section_id = CAST(:section AS bigint) "
        "AND EXISTS (SELECT 1 FROM go)"
    )
    attempt = f"SELECT go.hold_seconds FROM go, tally WHERE tally.picked = {q} AND tally.changed = 0"
    report = _report(kind, q, standing=True, picked="t.picked", changed="t.changed", source="FROM tally t")
    return _typed(f"""
    WITH {_lean_facts(kind, q, standing=True)},{_GO},
    free_pick AS (
        SELECT id, xmin AS v FROM places WHERE {where} AND state = 'free'
        ORDER BY pick_order, id LIMIT {q} FOR UPDATE SKIP LOCKED
    ),
    lapsed_pick AS (
        SELECT id, xmin AS v FROM places WHERE {where} AND state = 'held' AND held_until <= {_NOW}
        ORDER BY held_until, id LIMIT {q} FOR UPDATE SKIP LOCKED
    ),
    picked AS (SELECT id, v FROM free_pick UNION ALL SELECT id, v FROM lapsed_pick LIMIT {q}),{_TALLY},
    {_writes(attempt, q)}
    {_held_rows(seats=False)}
    UNION ALL {report}""")


def _lean_facts(kind: str, count: str, *, standing: bool) -> str:
    """What a hold's writes need: ``ok`` (every check, as _facts makes them: encore_hold_report reads the rest
    when they fail), the concert's hold time and cap on extensions, and a standing section's names."""
    section = "CAST(:section AS bigint)" if standing else "NULL"
    section_ok = " AND s.kind = 'standing'" if standing else ""
    return f"""
    facts AS (
        SELECT c.hold_seconds, c.max_extensions, s.name, s.translations,
               (c.status = 'on_sale' AND c.sales_open_at <= {_NOW} AND {_NOW} < c.sales_close_at
                AND a.status IS NOT DISTINCT FROM 'active' AND {count} <= c.max_per_order{section_ok}) AS ok
        FROM concerts c
        CROSS JOIN (SELECT {_STATUS[kind]} AS status) a
        LEFT JOIN sections s ON s.id = {section} AND s.plan_id = c.plan_id
        WHERE c.id = CAST(:concert AS bigint)
    )"""


_COUNT = "CAST(:count AS integer)"


def _takeable(table: str = "") -> str:
    return f"({table}state = 'free' OR ({table}state = 'held' AND {table}held_until <= {_NOW}))"


_TAKEABLE = _takeable()


@functools.lru_cache(maxsize=8)
def _chosen_sql(kind: str) -> TextualSelect:
    """Chosen seats wait for each other's locks (in id order, so never in a cycle). A seat whose lock waited
    may have changed after the statement's snapshot, and the UPDATE starts from that snapshot: so the UPDATE
    tests takeable on the row it updates, as a plain UPDATE would, and a seat the snapshot saw taken but that
    was freed while we waited (``stale``) is refused like a taken one: nothing is written, as before. When no
    hold is made, each locked seat comes back as free or refused (they name the seats someone else took)."""
    enough = (
        f"(SELECT count(*) FROM locked WHERE {_TAKEABLE}) = {_COUNT} AND NOT EXISTS (SELECT 1 FROM stale)"
    )
    refusal = (
        f"CASE WHEN {_takeable('x.')} AND x.id NOT IN (SELECT id FROM stale) THEN 'free' ELSE 'refused' END"
    )
    return _typed(f"""
    WITH {_lean_facts(kind, _COUNT, standing=False)},{_GO},
    locked AS (
        SELECT id, concert_id, section_id, seat_id, category_id, state, held_until FROM places
        WHERE id = ANY(CAST(:ids AS bigint[])) AND concert_id = CAST(:concert AS bigint)
          AND EXISTS (SELECT 1 FROM go)
        ORDER BY id FOR UPDATE
    ),
    stale AS (
        SELECT l.id FROM locked l JOIN places s ON s.id = l.id
        WHERE {_takeable("l.")} AND NOT {_takeable("s.")}
    ),
    picked AS (SELECT id FROM locked),
    {_writes(f"SELECT hold_seconds FROM go WHERE {enough}", _COUNT, held_filter=f" AND {_takeable('places.')}")}
    {_held_rows(seats=True)}
    UNION ALL {_place_rows(refusal, "locked x", seats=True)} WHERE NOT EXISTS (SELECT 1 FROM hold)
    UNION ALL {_report(kind, _COUNT, standing=False, picked="0", changed="0")}""")


def _actor_params(actor: Actor) -> tuple[str, dict[str, Any]]:
    if isinstance(actor, DeviceActor):
        return "device", {"actor_id": actor.device_id, "device": actor.device_id}
    if isinstance(actor, StaffActor):
        return "staff", {"actor_id": actor.staff_id, "device": None}
    return "system", {"device": None}


def _detail(r: Any) -> places_db.PlaceDetail:
    """A place of the reply (a driver record, read by column name)."""
    return places_db.PlaceDetail(
        id=PlaceId(r["p_id"]),
        concert_id=ConcertId(r["p_concert_id"]),
        section_id=SectionId(r["p_section_id"]),
        section=r["p_section"],
        row=r["p_row"],
        number=r["p_number"],
        category_id=CategoryId(r["p_category_id"]),
        category=r["p_category"],
        price=_money(r["p_price_minor"], r["p_currency"]),
        state=PlaceState(r["p_state"]),
        accessible=bool(r["p_accessible"]),
        held_until=r["p_held_until"],
        section_names=_names(r["p_section_names"]),
        category_names=_names(r["p_category_names"]),
    )


@functools.lru_cache(maxsize=1024)
def _money(minor: int, currency: str) -> Money:
    return Money(minor, currency)


def _names(value: Any) -> Translations:
    """Translations from a JSON column: the driver hands over its text, decoded once per distinct text (a
    change of names is a new text, so nothing stale is ever read)."""
    return _names_of_text(value) if isinstance(value, str) else translations_from(value)


@functools.lru_cache(maxsize=1024)
def _names_of_text(value: str) -> Translations:
    return translations_from(json.loads(value))


def _found(r: Any) -> actors_db.SaleContext | None:
    if r.id is None:
        return None
    concert = concert_from_row(r)
    section = None
    if r.section_id is not None:
        section = Section(
            SectionId(r.section_id),
            concert.plan_id,
            r.section_name,
            SectionKind(r.section_kind),
            r.section_capacity,
        )
    return actors_db.SaleContext(concert, r.venue_tz, r.actor_status, section)


def _prior(r: Any, places: list[places_db.PlaceDetail]) -> PriorHold | None:
    if r.pr_id is None:
        return None
    row = holds_db.HoldRow(
        id=HoldId(r.pr_id),
        concert_id=ConcertId(r.pr_concert_id),
        actor=r.pr_actor,
        device_id=None if r.pr_device_id is None else DeviceId(r.pr_device_id),
        expires_at=r.pr_expires_at,
        place_count=r.pr_place_count,
        extensions=r.pr_extensions,
        state=HoldState(r.pr_state),
    )
    return PriorHold(row, r.pr_max_extensions, places)


def _report_rows(value: Any) -> list[dict[str, Any]]:
    """encore_hold_report's rows from its JSON (the driver hands over its text), timestamps as datetimes."""
    rows: list[dict[str, Any]] = json.loads(value) if isinstance(value, str) else value
    for row in rows:
        for key in _REPORT_TIMES:
            if (stamp := row[key]) is not None:
                row[key] = datetime.fromisoformat(stamp).astimezone(UTC)  # JSON has the session's zone
    return rows


def _attempt(rows: list[Any]) -> HoldAttempt:
    by_kind: dict[str, list[places_db.PlaceDetail]] = {"held": [], "prior": [], "free": [], "refused": []}
    report = (
        None  # encore_hold_report's rows, when no hold was made: the facts on each, a prior hold's places
    )
    for r in rows:
        if (kind := r["p_kind"]) is not None:
            by_kind[kind].append(_detail(r))
        elif (value := r["report"]) is not None:
            report = _report_rows(value)
    for r in report or ():
        if (kind := r["p_kind"]) is not None:
            by_kind[kind].append(_detail(r))
    for (
        places
    ) in by_kind.values():  # in id order (the statement leaves the order to us: a sort costs it more)
        places.sort(key=lambda p: p.id)
    if report is None:  # made: every check passed (and the facts were not sent)
        first = rows[0]
        return HoldAttempt(
            found=None, until=first["until"], placed=by_kind["held"], max_extensions=first["max_ext"]
        )
    facts = Record(report[0])
    return HoldAttempt(
        found=_found(facts),
        prior=_prior(facts, by_kind["prior"]),
        refused=by_kind["refused"],
        in_concert=frozenset(p.id for p in by_kind["free"] + by_kind["refused"]),
        changed=bool(facts.changed),
        crowded=bool(facts.crowded),
    )


@dataclass(frozen=True, slots=True)
class Ask:
    """What a hold asks for, beside the places: who, which concert, when, and the new hold's id and key."""

    actor: Actor
    concert_id: ConcertId
    hold_id: HoldId
    now: datetime
    request_key: str

    def params(self) -> tuple[str, dict[str, Any]]:
        kind, params = _actor_params(self.actor)
        return kind, params | {
            "concert": self.concert_id,
            "hold": self.hold_id,
            "now": self.now,
            "request_key": self.request_key,
            "actor": describe(self.actor),
        }


SETTLE_ATTEMPTS = 5
"""Runs of one statement while rows it locked keep changing under it (each run writes nothing)."""

_Outcome = TypeVar("_Outcome", HoldAttempt, HoldChange)


async def _until_settled(
    conn: Hot,
    statement: TextualSelect,
    params: dict[str, Any],
    read: Callable[[list[Any]], _Outcome],
) -> _Outcome:
    """Run the statement until no row it locked had changed after its snapshot.

    A row lock that waited for another writer hands back the row's newest version, but the statement's UPDATE
    starts from its snapshot's older one, and PostgreSQL then may skip the row or build the new row from the
    old one (seen: a refunded seat held with the sold ticket still on it). So each statement compares what
    it locked with what its snapshot sees (xmin) and writes nothing when they differ; the next run has a newer
    snapshot. Only a contended row costs this second round trip.

    A ``crowded`` outcome (HoldAttempt.crowded) is returned as it is: the places it needs are locked by
    statements still running, so running again at once would find the same; the service pauses with the
    connection given back (sales.CROWDED_PAUSES_S).
    """
    sql, order = positional(statement, conn.dialect)
    args = tuple(map(params.get, order))
    for _ in range(SETTLE_ATTEMPTS - 1):
        outcome = read(await conn.fetch(sql, args))
        if not outcome.changed:
            return outcome
    outcome = read(await conn.fetch(sql, args))
    if outcome.changed:
        raise busy()
    return outcome


# --- the operations --------------------------------------------------------------------------------


async def hold_standing(
    conn: AsyncConnection | Hot, ask: Ask, section_id: SectionId, quantity: int
) -> HoldAttempt:
    """Hold ``quantity`` takeable places of a standing section (free ones first, then lapsed holds)."""
    if not isinstance(conn, Hot):
        return await _standing_sqlite(conn, ask, section_id, quantity)
    kind, params = ask.params()
    params |= {"section": section_id}
    return await _until_settled(conn, _standing_sql(kind, quantity), params, _attempt)


async def hold_chosen(conn: AsyncConnection | Hot, ask: Ask, place_ids: list[PlaceId]) -> HoldAttempt:
    """Hold exactly these places, all or none (locked in id order)."""
    if not isinstance(conn, Hot):
        return await _chosen_sqlite(conn, ask, place_ids)
    kind, params = ask.params()
    params |= {"section": 0, "ids": list(place_ids), "count": len(place_ids)}
    return await _until_settled(conn, _chosen_sql(kind), params, _attempt)


def _hold_and_mine() -> str:
    """The hold row (locked first) with its concert's limits, and its places still held, locked in id order;
    the places only when the hold is this actor's and active (no lock is taken for a refusal). ``changed``:
    rows that changed after the statement's snapshot (the lock waited for another writer); nothing is written
    then, and the statement runs again."""
    return """
    h AS (
        SELECT holds.id, holds.concert_id, holds.actor, holds.device_id, holds.expires_at, holds.place_count,
               holds.extensions, holds.state, c.max_extensions, c.hold_seconds, holds.xmin AS v
        FROM holds JOIN concerts c ON c.id = holds.concert_id
        WHERE holds.id = CAST(:hold AS varchar) FOR UPDATE OF holds
    ),
    mine AS (
        SELECT id, concert_id, section_id, seat_id, category_id, state, held_until, xmin AS v FROM places
        WHERE hold_id = CAST(:hold AS varchar) AND state = 'held'
          AND EXISTS (SELECT 1 FROM h WHERE actor = CAST(:actor AS varchar) AND state = 'active')
        ORDER BY id FOR UPDATE
    ),
    changed AS (
        SELECT 1 FROM h JOIN holds s ON s.id = h.id WHERE NOT (s.xmin = h.v)
        UNION ALL
        SELECT 1 FROM mine m JOIN places s ON s.id = m.id WHERE NOT (s.xmin = m.v)
    )"""


_CHANGE_FINAL = f"""
    SELECT h.id AS h_id, h.concert_id AS h_concert_id, h.actor AS h_actor, h.device_id AS h_device_id,
           h.expires_at AS h_expires_at, h.place_count AS h_place_count, h.extensions AS h_extensions,
           h.state AS h_state, h.max_extensions AS h_max_extensions, done.until, done.applied,
           (SELECT count(*) FROM changed) AS changed, {_PLACE_COLUMNS}
    FROM (SELECT 1) AS one
    LEFT JOIN h ON true
    LEFT JOIN done ON true
    LEFT JOIN (SELECT 'mine' AS p_kind, * FROM mine) AS x ON true {_PLACE_JOINS}"""

_EXTEND_SQL = _typed(f"""
    WITH {_hold_and_mine()},
    go AS (
        SELECT id, hold_seconds FROM h
        WHERE actor = CAST(:actor AS varchar) AND state = 'active' AND extensions < max_extensions
          AND (SELECT count(*) FROM mine) >= place_count AND NOT EXISTS (SELECT 1 FROM changed)
    ),
    done AS (
        UPDATE holds SET expires_at = {_NOW} + go.hold_seconds * interval '1 second',
                         extensions = holds.extensions + 1
        FROM go WHERE holds.id = go.id
        RETURNING holds.expires_at AS until, true AS applied
    ),
    moved AS (
        UPDATE places SET held_until = done.until FROM done WHERE places.id IN (SELECT id FROM mine)
        RETURNING places.id
    )
    {_CHANGE_FINAL}""")

_RELEASE_SQL = _typed(f"""
    WITH {_hold_and_mine()},
    go AS (
        SELECT id FROM h
        WHERE actor = CAST(:actor AS varchar) AND state = 'active' AND NOT EXISTS (SELECT 1 FROM changed)
    ),
    freed AS (
        UPDATE places SET state = 'free', hold_id = NULL, held_until = NULL
        FROM go WHERE places.id IN (SELECT id FROM mine)
        RETURNING places.id
    ),
    done AS (
        UPDATE holds SET state = 'released' FROM go WHERE holds.id = go.id
        RETURNING CAST(NULL AS timestamptz) AS until, true AS applied
    )
    {_CHANGE_FINAL}""")


def _change(rows: list[Any]) -> HoldChange:
    first = Record(rows[0])
    if first.h_id is None:
        return HoldChange(None)
    row = holds_db.HoldRow(
        id=HoldId(first.h_id),
        concert_id=ConcertId(first.h_concert_id),
        actor=first.h_actor,
        device_id=None if first.h_device_id is None else DeviceId(first.h_device_id),
        expires_at=first.h_expires_at,
        place_count=first.h_place_count,
        extensions=first.h_extensions,
        state=HoldState(first.h_state),
    )
    mine = [_detail(r) for r in rows if r["p_id"] is not None]
    return HoldChange(
        row, first.h_max_extensions, mine, first.until, bool(first.applied), changed=bool(first.changed)
    )


async def extend(conn: AsyncConnection | Hot, hold_id: HoldId, actor: Actor, now: datetime) -> HoldChange:
    """More time for an active hold of this actor's whose places are all still held, below the cap."""
    if not isinstance(conn, Hot):
        return await _extend_sqlite(conn, hold_id, actor, now)
    params = {"hold": hold_id, "actor": describe(actor), "now": now}
    return await _until_settled(conn, _EXTEND_SQL, params, _change)


async def release(conn: AsyncConnection | Hot, hold_id: HoldId, actor: Actor) -> HoldChange:
    """Free the places of an active hold of this actor's and mark it released."""
    if not isinstance(conn, Hot):
        return await _release_sqlite(conn, hold_id, actor)
    params = {"hold": hold_id, "actor": describe(actor)}
    return await _until_settled(conn, _RELEASE_SQL, params, _change)


_SECTION = "places.concert_id = CAST(:concert AS bigint) AND places.section_id = CAST(:section AS bigint)"


@functools.lru_cache(maxsize=8)
def _free_seats_sql(kind: str) -> TextualSelect:
    """Free seats, then lapsed ones, each on its partial index (one OR of the two is a scan of places under a
    generic plan). The facts come on the first row only (on every one of a section's thousands of rows they
    were most of the reply and of its decoding)."""
    return text(f"""
    WITH {_facts(kind, "0", standing=False)}
    SELECT f.*, x.id AS s_place, x.row_label AS s_row, x.number AS s_number, x.x AS s_x, x.y AS s_y
    FROM (SELECT 1) AS one
    LEFT JOIN (
        SELECT u.*, row_number() OVER (ORDER BY u.row_label, u.number) = 1 AS first FROM (
            SELECT places.id, seats.row_label, seats.number, seats.x, seats.y
            FROM places JOIN seats ON seats.id = places.seat_id
            WHERE {_SECTION} AND places.state = 'free'
              AND EXISTS (SELECT 1 FROM facts WHERE ok AND section_kind = 'seated')
            UNION ALL
            SELECT places.id, seats.row_label, seats.number, seats.x, seats.y
            FROM places JOIN seats ON seats.id = places.seat_id
            WHERE {_SECTION} AND places.state = 'held' AND places.held_until <= {_NOW}
              AND EXISTS (SELECT 1 FROM facts WHERE ok AND section_kind = 'seated')
        ) AS u
    ) AS x ON true
    LEFT JOIN facts f ON x.first IS NOT FALSE
    ORDER BY x.row_label, x.number""").columns()


async def free_seats(
    conn: AsyncConnection | Hot, concert_id: ConcertId, actor: Actor, section_id: SectionId, now: datetime
) -> tuple[actors_db.SaleContext | None, list[SeatSpot]]:
    """The sale context and, when it may be sold from now, the section's takeable seats in row order: what
    best available chooses from. One statement on PostgreSQL."""
    if not isinstance(conn, Hot):
        found = await actors_db.concert_and_actor(conn, concert_id, actor, section_id=section_id)
        seated = found is not None and found.section is not None and found.section.kind is SectionKind.SEATED
        if not (seated and may_hold(found, now, 0, standing_section=False)):
            return found, []
        return found, await seating_db.takeable_seats(conn, concert_id, section_id, now)
    kind, params = _actor_params(actor)
    params |= {"concert": concert_id, "section": section_id, "now": now}
    rows = await conn.query(_free_seats_sql(kind), params)
    spots = [
        SeatSpot(PlaceId(r[-5]), r[-4], r[-3], r[-2], r[-1]) for r in rows if r[-5] is not None
    ]  # s_place, s_row, s_number, s_x, s_y: the last five columns, read by position (thousands of rows)
    return _found(Record(rows[0])), spots


# --- SQLite: the same, one statement at a time in the caller's transaction --------------------------


async def _prior_sqlite(conn: AsyncConnection, request_key: str) -> PriorHold | None:
    row = await holds_db.by_request_key(conn, request_key)
    if row is None:
        return None
    concert = await load_concert(conn, row.concert_id)
    assert concert is not None  # a hold's concert cannot be deleted
    return PriorHold(row, concert.max_extensions, await places_db.lock_hold_places(conn, row.id))


async def _start_sqlite(
    conn: AsyncConnection, ask: Ask, count: int, section_id: SectionId | None
) -> tuple[HoldAttempt | None, actors_db.SaleContext | None, datetime]:
    found = await actors_db.concert_and_actor(conn, ask.concert_id, ask.actor, section_id=section_id)
    if (prior := await _prior_sqlite(conn, ask.request_key)) is not None:
        return HoldAttempt(found=found, prior=prior), None, ask.now
    if not may_hold(found, ask.now, count, section_id is not None):
        return HoldAttempt(found=found), found, ask.now
    assert found is not None
    until = ask.now + timedelta(seconds=found.concert.hold_seconds)
    await holds_db.insert(
        conn,
        hold_id=ask.hold_id,
        concert_id=ask.concert_id,
        actor=describe(ask.actor),
        device_id=ask.actor.device_id if isinstance(ask.actor, DeviceActor) else None,
        now=ask.now,
        expires_at=until,
        place_count=count,
        request_key=ask.request_key,
    )
    return None, found, until


async def _standing_sqlite(
    conn: AsyncConnection, ask: Ask, section_id: SectionId, quantity: int
) -> HoldAttempt:
    done, found, until = await _start_sqlite(conn, ask, quantity, section_id)
    if done is not None:
        return done
    assert found is not None  # checked by _start_sqlite
    taken = await places_db.hold_any(conn, ask.concert_id, section_id, quantity, ask.hold_id, until, ask.now)
    if len(taken) < quantity:
        return HoldAttempt(found=found)  # the caller raises: the transaction rolls back
    placed = await places_db.details(conn, [t.id for t in taken])
    return HoldAttempt(found=found, until=until, placed=placed, max_extensions=found.concert.max_extensions)


async def _chosen_sqlite(conn: AsyncConnection, ask: Ask, place_ids: list[PlaceId]) -> HoldAttempt:
    done, found, until = await _start_sqlite(conn, ask, len(place_ids), None)
    if done is not None:
        return done
    assert found is not None  # checked by _start_sqlite
    taken = await places_db.hold_specific(conn, ask.concert_id, place_ids, ask.hold_id, until, ask.now)
    if len(taken) == len(place_ids):
        placed = await places_db.details(conn, [t.id for t in taken])
        return HoldAttempt(
            found=found, until=until, placed=placed, max_extensions=found.concert.max_extensions
        )
    mine = [d for d in await places_db.details(conn, place_ids) if d.concert_id == ask.concert_id]
    got = {t.id for t in taken}
    return HoldAttempt(
        found=found,
        refused=[d for d in mine if d.id not in got],
        in_concert=frozenset(d.id for d in mine),
    )


async def _hold_sqlite(
    conn: AsyncConnection, hold_id: HoldId, actor: Actor
) -> tuple[holds_db.HoldRow | None, int, list[places_db.PlaceDetail]]:
    row = await holds_db.lock(conn, hold_id)
    if row is None:
        return None, 0, []
    concert = await load_concert(conn, row.concert_id)
    assert concert is not None  # a hold's concert cannot be deleted
    mine: list[places_db.PlaceDetail] = []
    if row.actor == describe(actor) and row.state is HoldState.ACTIVE:
        mine = await places_db.lock_hold_places(conn, hold_id)
    return row, concert.max_extensions, mine


async def _extend_sqlite(conn: AsyncConnection, hold_id: HoldId, actor: Actor, now: datetime) -> HoldChange:
    row, max_extensions, mine = await _hold_sqlite(conn, hold_id, actor)
    if row is None or not mine or row.extensions >= max_extensions or len(mine) < row.place_count:
        return HoldChange(row, max_extensions, mine)
    concert = await load_concert(conn, row.concert_id)
    assert concert is not None
    until = now + timedelta(seconds=concert.hold_seconds)
    await places_db.extend(conn, [p.id for p in mine], until)
    await holds_db.extend(conn, hold_id, until)
    return HoldChange(row, max_extensions, mine, until, True)


async def _release_sqlite(conn: AsyncConnection, hold_id: HoldId, actor: Actor) -> HoldChange:
    row, max_extensions, mine = await _hold_sqlite(conn, hold_id, actor)
    if row is None or row.actor != describe(actor) or row.state is not HoldState.ACTIVE:
        return HoldChange(row, max_extensions, mine)
    await places_db.release(conn, [p.id for p in mine])
    await holds_db.set_state(conn, hold_id, HoldState.RELEASED)
    return HoldChange(row, max_extensions, mine, None, True)


def statements(quantity: int = 2) -> dict[str, TextualSelect]:
    """Every statement of this module as a device runs it, by name: for the EXPLAIN tests."""
    return {
        "standing": _standing_sql("device", quantity),
        "chosen": _chosen_sql("device"),
        "extend": _EXTEND_SQL,
        "release": _RELEASE_SQL,
        "free seats": _free_seats_sql("device"),
    }
