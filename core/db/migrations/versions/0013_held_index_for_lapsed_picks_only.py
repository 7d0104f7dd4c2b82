"""ix_places_held serves the lapsed picks only, so no lookup by hold walks every held place

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 17:25:00

ix_places_held (state = 'held') could serve any statement with state = 'held' in it: the lookups by hold
(checkout's look and sale, payment, extend, release: hold_id = :h AND state = 'held') and the updates by id
(id IN (...) AND state = 'held'). Statistics are taken when a concert goes on sale (ANALYZE in put_on_sale)
and autovacuum analyses again only after a tenth of the table changed, so through a sale the planner counts
this partial index as it was then: empty, the cheapest way in. It then walks every held place and filters by
hold. Measured on PostgreSQL 15 (100,000 standing places, 20,000 seats, 8,500 places held after the
ANALYZE; EXPLAIN ANALYZE, custom and generic plans alike):

    statement                                  before (index, buffers, ms)     after
    lock_hold_places / held_by (hold_id =)     ix_places_held, 125, 0.7-0.9    ix_places_hold_id, 11-15, 0.04-0.09
    release / extend (id IN ... AND state)     ix_places_held, 165-195, 0.9-2  pk_places, 100, 0.1-0.2

In tests/benchmarks/place_indexes.py (the lookup of checkout, hold_id = $1 AND state = 'held' FOR UPDATE,
after its raw and service phases left some 10,000 places held): 3,423-3,547 buffers per lookup before, 5
after; hold -> checkout through the services 60-63/s before, 82-99/s after in the same run (a shared,
loaded machine: the rates are rough, the buffers are not).

The predicate gains held_until IS NOT NULL. Every held place has a held_until (ck_places_held), so the index
holds the same entries and costs a write no more; but only a statement that bounds held_until (the lapsed
pick's held_until <= :now, takeable()) implies the predicate now, and the lookups go by hold_id or id.
Plain DROP/CREATE INDEX on both engines (SQLite matches "held_until <= ?" against IS NOT NULL too).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

_COLUMNS = ['concert_id', 'section_id', 'held_until']


def _held_index(where: str) -> None:
    op.create_index(
        'ix_places_held', 'places', _COLUMNS, unique=False,
        postgresql_where=sa.text(where), sqlite_where=sa.text(where),
    )


def upgrade() -> None:
    op.drop_index('ix_places_held', table_name='places')
    _held_index("state = 'held' AND held_until IS NOT NULL")


def downgrade() -> None:
    op.drop_index('ix_places_held', table_name='places')
    _held_index("state = 'held'")
