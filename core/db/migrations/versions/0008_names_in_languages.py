"""venue-entered names in other languages; the language of each sale

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 14:10:00

Plain ADD COLUMNs on both engines (no batch rebuild: other tables reference these ones, see 0007). Existing
orders were sold in English, the only language tickets printed in before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('sections', sa.Column('translations', sa.JSON(), nullable=True))
    op.add_column('price_categories', sa.Column('translations', sa.JSON(), nullable=True))
    op.add_column('orders', sa.Column('language', sa.String(length=16), server_default='en', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('price_categories', schema=None) as batch_op:
        batch_op.drop_column('translations')
    with op.batch_alter_table('sections', schema=None) as batch_op:
        batch_op.drop_column('translations')
