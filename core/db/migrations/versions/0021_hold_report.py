"""Why a hold made nothing, read by a function the hold statement calls only then

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 22:30:00

A hold is one statement (core/db/hold_statements.py). It used to carry, beside the pick (or the chosen seats'
locks) and the writes, everything that says why nothing was written: the concert and actor facts, the hold a
request key already made and its places with labels, whether a standing pick was crowded. PostgreSQL sets up
every node of a plan each time it runs it, used or not, so the hold that succeeds (nearly all of them) paid for
that report: standing holds 2,200-2,400/s with it and 3,400-3,500/s without, 64 tasks on 2 cores.

This function is that report. A statement calls it only when it inserted no hold, so the report's plan is set
up only then (PL/pgSQL plans the query at its first call on a connection and keeps it). STABLE: it reads with
the calling statement's snapshot, the one the pick read, so "crowded" compares like with like, as before.
Its result columns are the ones the statements return (hold_statements.REPORT_COLUMNS; a test compares them).
It runs with the caller's rights and search_path, as the statement that calls it does (the server role may
EXECUTE it: core/db/roles.py grants it, for a database that took EXECUTE from PUBLIC). PostgreSQL only: SQLite
runs a hold's steps one by one.
"""

from __future__ import annotations

from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

_FUNCTION = """
CREATE FUNCTION encore_hold_report(
    in_concert bigint, in_section bigint, in_actor_kind text, in_actor_id bigint, in_request_key text,
    in_now timestamptz, in_q integer, in_standing boolean, in_picked bigint, in_changed bigint,
    in_attempted boolean)
RETURNS TABLE (
    id bigint, title text, artist text, venue_id bigint, plan_id bigint, doors_at timestamptz,
    starts_at timestamptz, sales_open_at timestamptz, sales_close_at timestamptz, status text,
    max_per_order integer, hold_seconds integer, max_extensions integer, reentry_allowed boolean, currency text,
    venue_tz text, actor_status text, section_id bigint, section_name text, section_kind text,
    section_capacity integer, ok boolean, max_ext integer, crowded boolean,
    pr_id text, pr_concert_id bigint, pr_actor text, pr_device_id bigint, pr_expires_at timestamptz,
    pr_place_count integer, pr_extensions integer, pr_state text, pr_max_extensions integer,
    until timestamptz, changed bigint,
    p_kind text, p_id bigint, p_concert_id bigint, p_section_id bigint, p_category_id bigint, p_state text,
    p_held_until timestamptz, p_section text, p_section_names json, p_row text, p_number integer,
    p_accessible boolean, p_category text, p_category_names json, p_price_minor bigint, p_currency text)
LANGUAGE plpgsql STABLE
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH facts AS (
        SELECT c.id, c.title::text, c.artist::text, c.venue_id, c.plan_id, c.doors_at, c.starts_at,
               c.sales_open_at, c.sales_close_at, c.status::text, c.max_per_order, c.hold_seconds,
               c.max_extensions, c.reentry_allowed, c.currency::text,
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
    SELECT f.*, f.max_extensions,
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
                ELSE false END,
           pr.id::text, pr.concert_id, pr.actor::text, pr.device_id, pr.expires_at, pr.place_count,
           pr.extensions, pr.state::text,
           (SELECT concerts.max_extensions FROM concerts WHERE concerts.id = pr.concert_id),
           NULL::timestamptz, in_changed + (SELECT count(*) FROM lost),
           CASE WHEN x.id IS NULL THEN NULL ELSE 'prior' END, x.id, x.concert_id, x.section_id,
           x.category_id, x.state::text, x.held_until, sec.name::text, sec.translations, st.row_label::text,
           st.number, st.accessible, pc.name::text, pc.translations, pc.price_minor, pc.currency::text
    FROM (SELECT 1) AS one
    LEFT JOIN facts f ON true
    LEFT JOIN prior pr ON true
    LEFT JOIN x ON true
    LEFT JOIN sections sec ON sec.id = x.section_id
    LEFT JOIN price_categories pc ON pc.id = x.category_id
    LEFT JOIN seats st ON st.id = x.seat_id
    ORDER BY x.id;
END $$"""

_SIGNATURE = (
    "encore_hold_report(bigint, bigint, text, bigint, text, timestamptz, integer, boolean, bigint, bigint, boolean)"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {_SIGNATURE}")
