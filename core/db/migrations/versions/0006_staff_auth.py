"""staff numbers, staff sessions, and wrong-password / wrong-PIN guards per account

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.db.types


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_number', sa.Integer(), nullable=True))
    # Existing staff get their id as their number: unique, and short on any real venue.
    op.execute('UPDATE staff SET staff_number = id')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.alter_column('staff_number', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_staff_staff_number'), ['staff_number'])
        batch_op.create_check_constraint('staff_number', 'staff_number BETWEEN 1 AND 999999')
    op.create_table('staff_sessions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('staff_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', core.db.types.UtcDateTime(), nullable=False),
    sa.Column('last_used_at', core.db.types.UtcDateTime(), nullable=False),
    sa.Column('expires_at', core.db.types.UtcDateTime(), nullable=False),
    sa.Column('closed_at', core.db.types.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_sessions_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_sessions_token_hash'))
    )
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_sessions_staff_id'), ['staff_id'], unique=False)
    op.create_table('attempt_guards',
    sa.Column('key', sa.String(length=400), nullable=False),
    sa.Column('failures', sa.Integer(), server_default='0', nullable=False),
    sa.Column('lockouts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('locked_until', core.db.types.UtcDateTime(), nullable=True),
    sa.Column('updated_at', core.db.types.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_attempt_guards'))
    )


def downgrade() -> None:
    op.drop_table('attempt_guards')
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_sessions_staff_id'))
    op.drop_table('staff_sessions')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_constraint('staff_number', type_='check')
        batch_op.drop_constraint(batch_op.f('uq_staff_staff_number'), type_='unique')
        batch_op.drop_column('staff_number')
