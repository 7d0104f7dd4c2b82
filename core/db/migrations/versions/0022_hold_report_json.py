"""The hold report as one JSON value: a hold's statement sets up one column for it, not 51

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 01:30:00

encore_hold_report (migration 0021) says why a hold made nothing; a hold's statement calls it only then. It
returned a table of 51 columns, and the statement's reply had them all: PostgreSQL builds the function scan's
row type and the UNION's projections of every column each time the statement runs, used or not, so every hold
that succeeded still paid for the report's width. It now returns the same rows as one JSON array (an object per
row, keyed by hold_statements.REPORT_COLUMNS; a test compares them), called from the statement's target list:
standing holds ran 3-5% faster in an A/B on 2 cores (issue 11). The query is 0021's, its columns named.

Same name and arguments, so the server role's grant by name (core/db/roles.py) stays as written; a changed
result type means DROP and CREATE, and the function's grants are carried over in the same transaction. Servers
of the old code and this schema (or the other way round) disagree on the reply: stop them while migrating, as for
any migration.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

_SIGNATURE = "encore_hold_report(bigint, bigint, text, bigint, text, timestamptz, integer, boolean, bigint, bigint, boolean)"

_FUNCTION = """
CREATE FUNCTION encore_hold_report(
    in_concert bigint, in_section bigint, in_actor_kind text, in_actor_id bigint, in_request_key text,
    in_now timestamptz, in_q integer, in_standing boolean, in_picked bigint, in_changed bigint,
    in_attempted boolean)
RETURNS json
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    RETURN (SELECT json_agg(report) FROM (
    WITH facts AS (
        SELECT c.id, c.title::text AS title, c.artist::text AS artist, c.venue_id, c.plan_id, c.doors_at,
               c.starts_at, c.sales_open_at, c.sales_close_at, c.status::text AS status, c.max_per_order,
               c.hold_seconds, c.max_extensions, c.reentry_allowed, c.currency::text AS currency,
               v.timezone::text AS venue_tz, a.status AS actor_status,
               s.id AS section_id, s.name::text AS section_name, s.kind::text AS section_kind,
               s.capacity AS section_capacity,
               (c.status = 'on_sale' AND c.sales_open_at <= in_now AND in_now < c.sales_close_at
                AND a.status IS NOT DISTINCT FROM 'active' AND in_q <= c.max_per_order
                AND (NOT in_standing OR s.kind = 'standing')) AS ok
        FROM concerts c
        JOIN venues v ON v.id = c.venue_id
        CROSS JOIN (
            SELECT CASE in_actor_kind
                WHEN 'device' THEN (SELECT CASE WHEN d.status = 'approved' THEN 'active' ELSE d.status::text END
                                    FROM devices d WHERE d.id = in_actor_id)
                WHEN 'staff' THEN (SELECT CASE WHEN st.active THEN 'active' ELSE 'inactive' END
                                   FROM staff st WHERE st.id = in_actor_id)
                ELSE 'active' END AS status
        ) a
        LEFT JOIN sections s ON s.id = in_section AND s.plan_id = c.plan_id
        WHERE c.id = in_concert
    ),
    prior AS (SELECT * FROM holds WHERE holds.request_key = in_request_key),
    -- The statement tried to insert (every check passed, the places were all there, nothing changed) and made
    -- no hold, yet no hold with its key is visible: the same request, sent twice at once; it runs again.
    lost AS (SELECT 1 WHERE in_attempted AND NOT EXISTS (SELECT 1 FROM prior)),
    x AS (
        SELECT pl.id, pl.concert_id, pl.section_id, pl.seat_id, pl.category_id, pl.state, pl.held_until
        FROM places pl WHERE pl.hold_id = (SELECT prior.id FROM prior) AND pl.state = 'held'
    )
    SELECT f.id, f.title, f.artist, f.venue_id, f.plan_id, f.doors_at, f.starts_at, f.sales_open_at,
           f.sales_close_at, f.status, f.max_per_order, f.hold_seconds, f.max_extensions, f.reentry_allowed,
           f.currency, f.venue_tz, f.actor_status, f.section_id, f.section_name, f.section_kind,
           f.section_capacity, f.ok, f.max_extensions AS max_ext,
           CASE WHEN in_standing AND in_picked < in_q AND f.ok AND NOT EXISTS (SELECT 1 FROM prior)
                THEN (SELECT count(*) FROM (
                        SELECT 1 FROM places WHERE places.concert_id = in_concert
                          AND places.section_id = in_section AND places.state = 'free'
                        ORDER BY places.pick_order, places.id LIMIT in_q) fr)
                     + (SELECT count(*) FROM (
                        SELECT 1 FROM places WHERE places.concert_id = in_concert
                          AND places.section_id = in_section AND places.state = 'held'
                          AND places.held_until <= in_now
                        ORDER BY places.held_until, places.id LIMIT in_q) la) >= in_q
                ELSE false END AS crowded,
           pr.id::text AS pr_id, pr.concert_id AS pr_concert_id, pr.actor::text AS pr_actor,
           pr.device_id AS pr_device_id, pr.expires_at AS pr_expires_at, pr.place_count AS pr_place_count,
           pr.extensions AS pr_extensions, pr.state::text AS pr_state,
           (SELECT concerts.max_extensions FROM concerts WHERE concerts.id = pr.concert_id) AS pr_max_extensions,
           NULL::timestamptz AS until, in_changed + (SELECT count(*) FROM lost) AS changed,
           CASE WHEN x.id IS NULL THEN NULL ELSE 'prior' END AS p_kind, x.id AS p_id,
           x.concert_id AS p_concert_id, x.section_id AS p_section_id, x.category_id AS p_category_id,
           x.state::text AS p_state, x.held_until AS p_held_until, sec.name::text AS p_section,
           sec.translations AS p_section_names, st.row_label::text AS p_row, st.number AS p_number,
           st.accessible AS p_accessible, pc.name::text AS p_category, pc.translations AS p_category_names,
           pc.price_minor AS p_price_minor, pc.currency::text AS p_currency
    FROM (SELECT 1) AS one
    LEFT JOIN facts f ON true
    LEFT JOIN prior pr ON true
    LEFT JOIN x ON true
    LEFT JOIN sections sec ON sec.id = x.section_id
    LEFT JOIN price_categories pc ON pc.id = x.category_id
    LEFT JOIN seats st ON st.id = x.seat_id
    ORDER BY x.id
    ) report);
END $$"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _replace(_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _replace(_migration_0021()._FUNCTION)


def _replace(function: str) -> None:
    """DROP and CREATE, keeping who may EXECUTE it, in this transaction: a hardened database took EXECUTE from
    PUBLIC and granted it to the server role by name (core/db/roles.py); a new function would be PUBLIC's again,
    and the server's grant would wait for the roles step after the migration (every refused hold failing until
    then, on a database without PUBLIC's EXECUTE)."""
    bind = op.get_bind()
    # to_regprocedure, not a ::regprocedure cast: a cast is folded into the plan, and a connection that ran this
    # text before (an upgrade, then a downgrade) would reuse it with the oid of a function dropped since.
    acl = f"(SELECT proacl FROM pg_proc WHERE oid = to_regprocedure('{_SIGNATURE}'))"
    explicit = bind.exec_driver_sql(f"SELECT {acl} IS NOT NULL").scalar()
    grantees = [
        "PUBLIC" if oid == 0 else name
        for oid, name in bind.exec_driver_sql(
            f"SELECT a.grantee, a.grantee::regrole::text FROM aclexplode({acl}) a "
            "WHERE a.privilege_type = 'EXECUTE' ORDER BY a.grantee"
        ).all()
    ]
    op.execute(f"DROP FUNCTION {_SIGNATURE}")
    op.execute(function)
    if explicit:  # no ACL is the default (PUBLIC may execute), which the new function has too
        op.execute(f"REVOKE ALL ON FUNCTION {_SIGNATURE} FROM PUBLIC")
        for grantee in grantees:
            op.execute(f"GRANT EXECUTE ON FUNCTION {_SIGNATURE} TO {grantee}")


def _migration_0021() -> Any:
    """0021's module, for its table-returning function (migration files are loaded by path, not imported)."""
    spec = importlib.util.spec_from_file_location(
        "encore_migration_0021", Path(__file__).with_name("0021_hold_report.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
