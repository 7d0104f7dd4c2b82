"""Indexes for the admin's order search: by when sold, by the start of the buyer's address or of a code

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 21:40:00

The Orders screen searches by order code (whole: the unique index; or its first characters), by e-mail address
(or its start, in any case) and by the days sold, the latest first, a page at a time. Without these every search
but a whole code reads the whole orders table. On PostgreSQL a LIKE prefix needs a pattern-ops index (the
database's collation is not C); SQLite gets the same indexes (its LIKE ignores case and uses neither, which an
embedded demo's few orders never notice).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_orders_created_at', 'orders', ['created_at', 'id'], unique=False)
    op.create_index(
        'ix_orders_code_pattern', 'orders', ['code'], unique=False, postgresql_ops={'code': 'varchar_pattern_ops'}
    )
    pattern = ' varchar_pattern_ops' if op.get_bind().dialect.name == 'postgresql' else ''
    op.create_index(
        'ix_orders_buyer_email_lower', 'orders', [sa.text(f'lower(buyer_email){pattern}')], unique=False
    )


def downgrade() -> None:
    op.drop_index('ix_orders_buyer_email_lower', table_name='orders')
    op.drop_index('ix_orders_code_pattern', table_name='orders')
    op.drop_index('ix_orders_created_at', table_name='orders')
