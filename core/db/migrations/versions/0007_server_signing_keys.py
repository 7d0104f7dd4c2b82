"""the venue server's ticket-signing keys

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 11:00:00

A new table rather than server rows in device_keys: device_keys.device_id cannot become nullable on SQLite
without rebuilding a table that tickets reference (the rebuild's DROP fails with foreign keys on, and our
migrations run in one transaction), and a server key has no device, no approval and no device status.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.db.types


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('signing_keys',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', core.db.types.UtcDateTime(), nullable=False),
    sa.Column('retired_at', core.db.types.UtcDateTime(), nullable=True),
    sa.Column('trusted', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_keys')),
    sa.UniqueConstraint('public_key', name=op.f('uq_signing_keys_public_key'))
    )
    # A plain ADD COLUMN on both engines: a batch rebuild of tickets, which other tables reference, would fail
    # on SQLite with foreign keys on. SQLite takes the foreign key only inline, which alembic cannot render.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(
            'ALTER TABLE tickets ADD COLUMN signing_key_id BIGINT '
            'CONSTRAINT fk_tickets_signing_key_id_signing_keys REFERENCES signing_keys (id)'
        )
    else:
        op.add_column('tickets', sa.Column('signing_key_id', sa.BigInteger(), nullable=True))
        op.create_foreign_key(
            op.f('fk_tickets_signing_key_id_signing_keys'), 'tickets', 'signing_keys', ['signing_key_id'], ['id']
        )


def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('signing_key_id')
    op.drop_table('signing_keys')
