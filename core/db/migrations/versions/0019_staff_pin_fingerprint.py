"""Staff PINs as keyed fingerprints, unique among staff

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 02:20:00

A PIN is now kept as HMAC-SHA256 under a key outside the database (core.security.pin_keys) instead of argon2id,
and the database keeps PINs unique among staff with a unique index on the fingerprint (partial: most staff have
no PIN or an old one). An argon2 hash cannot be turned into a fingerprint without the PIN, so pin_hash stays:
such a PIN is still checked with argon2 and replaced by its fingerprint at its first right use (or when it is
set again). Two old PINs that are the same stay argon2 hashes until one of them is set anew.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('staff', sa.Column('pin_fingerprint', sa.String(length=64), nullable=True))
    op.create_index(
        'uq_staff_pin_fingerprint',
        'staff',
        ['pin_fingerprint'],
        unique=True,
        postgresql_where=sa.text('pin_fingerprint IS NOT NULL'),
        sqlite_where=sa.text('pin_fingerprint IS NOT NULL'),
    )


def downgrade() -> None:
    # The fingerprints cannot become argon2 hashes again: those staff need their PIN set after a downgrade.
    op.drop_index('uq_staff_pin_fingerprint', table_name='staff')
    with op.batch_alter_table('staff') as batch:
        batch.drop_column('pin_fingerprint')
