"""The staff PIN key's check value

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 06:30:00

One row: a value derived from the key this database's PINs were set with (core.security.pin_keys), so a server
or a copied embedded database with another key refuses PINs with a clear error instead of finding every PIN
wrong. Its own table, not the site table: the venue server writes it (the first key a database sees becomes
its own), and the site table's demo marker is the owner's alone.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'pin_key_check',
        sa.Column('id', sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column('value', sa.String(length=64), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_pin_key_check_one_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pin_key_check')),
    )


def downgrade() -> None:
    op.drop_table('pin_key_check')
