"""tries of a secret being checked right now, so only wrong tries count toward a lock-out

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.db.types


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attempt_reservations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=400), nullable=False),
    sa.Column('expires_at', core.db.types.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_reservations'))
    )
    with op.batch_alter_table('attempt_reservations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_reservations_key'), ['key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('attempt_reservations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_reservations_key'))
    op.drop_table('attempt_reservations')
