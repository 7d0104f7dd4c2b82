"""places: two fewer index entries per sold or released place, one fewer per held place

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 17:15:00

A hold, extend, release and sale each update indexed columns of places (state, hold_id, held_until, ticket_id),
so none of them is a HOT update: each writes the new row version into every index whose predicate it meets.
Measured on PostgreSQL 15 (tests/benchmarks/place_indexes.py: 100,000 standing places and a 20,000-seat plan;
EXPLAIN (ANALYZE, WAL) per statement, per place: index entries written, WAL records, WAL bytes; a hold's
numbers include its share of the holds row):

    indexes   hold                      release                   sell (checkout)
    0009      6 entries, 9.0 rec, 741 B  6 entries, 7.5 rec, 575 B  5 entries, 6.3 rec, 456 B
    0010      5 entries, 8.0 rec, 651 B  4 entries, 5.2 rec, 391 B  3 entries, 4.1 rec, 302 B

- ix_places_concert_id_category_id is dropped: no statement needs it. Its readers (count_places at
  put-on-sale, the seat map's concert_id = :c) take uq_places_concert_id_seat_id, which leads with concert_id
  too; availability reads the whole concert either way (a sequential scan with and without it).
- ix_places_hold_id keeps held places only (hold_id IS NOT NULL, which hold_id = :x implies, generic plans
  too): a sale or a release writes no NULL entry, and the index holds the places held now, not every place.

Not taken:
- uq_places_ticket_id WHERE ticket_id IS NOT NULL would save one more entry per hold and release (6.5 WAL
  records per hold), but on SQLite the inline UNIQUE goes only with a rebuild of places, which tickets
  reference (see 0007).
- HOT holds: the standing pick needs the partial index of free places (state), the lapsed pick the one of
  held places (held_until), checkout and release the one on hold_id. The control without any of them (one
  index on concert_id, section_id, pick_order, id; fillfactor 80) made 19% of updates HOT, but its pick
  walked past every held place: 2,061 buffers per place held against 45.
- fillfactor: with no HOT update possible, 90/80/70 made no update HOT (n_tup_hot_upd 0) and left the WAL per
  write alike (7.7-7.9 records per hold), for a heap 12/25/36% larger. It stays at 100.

Plain CREATE/DROP INDEX on both engines: no batch rebuild of places, which tickets reference (see 0007).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_places_concert_id_category_id', table_name='places')
    op.drop_index('ix_places_hold_id', table_name='places')
    op.create_index(
        'ix_places_hold_id', 'places', ['hold_id'], unique=False,
        postgresql_where=sa.text('hold_id IS NOT NULL'), sqlite_where=sa.text('hold_id IS NOT NULL'),
    )


def downgrade() -> None:
    op.drop_index('ix_places_hold_id', table_name='places')
    op.create_index('ix_places_hold_id', 'places', ['hold_id'], unique=False)
    op.create_index('ix_places_concert_id_category_id', 'places', ['concert_id', 'category_id'], unique=False)
