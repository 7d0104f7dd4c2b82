"""payment terminals' wrong-PIN counters and lockouts

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.db.types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pin_attempts',
    sa.Column('terminal', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), server_default='0', nullable=False),
    sa.Column('locked_until', core.db.types.UtcDateTime(), nullable=True),
    sa.Column('updated_at', core.db.types.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('terminal', name=op.f('pk_pin_attempts'))
    )


def downgrade() -> None:
    op.drop_table('pin_attempts')
