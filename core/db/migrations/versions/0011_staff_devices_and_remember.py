"""the desktops staff signed in from, "remember me" tokens, and staff notices in the mail outbox

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 17:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.db.types


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('staff_devices',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('staff_id', _ID, nullable=False),
    sa.Column('device_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('first_seen_at', core.db.types.UtcDateTime(), nullable=False),
    sa.Column('last_seen_at', core.db.types.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_devices_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_devices')),
    sa.UniqueConstraint('staff_id', 'device_hash', name=op.f('uq_staff_devices_staff_id_device_hash'))
    )
    op.create_table('staff_remembered',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('staff_id', _ID, nullable=False),
    sa.Column('session_id', _ID, nullable=True),
    sa.Column('created_at', core.db.types.UtcDateTime(), nullable=False),
    sa.Column('expires_at', core.db.types.UtcDateTime(), nullable=False),
    sa.Column('revoked_at', core.db.types.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_staff_remembered_staff_id_staff')),
    sa.ForeignKeyConstraint(
        ['session_id'], ['staff_sessions.id'], name=op.f('fk_staff_remembered_session_id_staff_sessions')
    ),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_remembered')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_remembered_token_hash'))
    )
    with op.batch_alter_table('staff_remembered', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_remembered_staff_id'), ['staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_remembered_session_id'), ['session_id'], unique=False)
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), server_default='tickets', nullable=False))
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=True))
        batch_op.alter_column('order_id', existing_type=_ID, nullable=True)
        batch_op.create_check_constraint('kind', "kind IN ('tickets', 'sign_in_notice')")
        batch_op.create_check_constraint('tickets_have_order', "kind != 'tickets' OR order_id IS NOT NULL")


def downgrade() -> None:
    op.execute("DELETE FROM mail_outbox WHERE kind != 'tickets'")
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_mail_outbox_tickets_have_order'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_mail_outbox_kind'), type_='check')
        batch_op.alter_column('order_id', existing_type=_ID, nullable=False)
        batch_op.drop_column('details')
        batch_op.drop_column('kind')
    with op.batch_alter_table('staff_remembered', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_remembered_session_id'))
        batch_op.drop_index(batch_op.f('ix_staff_remembered_staff_id'))
    op.drop_table('staff_remembered')
    op.drop_table('staff_devices')
