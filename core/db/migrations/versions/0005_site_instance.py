"""site instance id: the database's own identity, from which its Redis namespace is derived

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 11:30:00
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_site = sa.table('site', sa.column('key', sa.String), sa.column('value', sa.String))


def upgrade() -> None:
    # Random, made once per database: a copy restored from its backup keeps it (same venue, same channels),
    # any other database gets its own.
    op.execute(_site.insert().values(key='instance', value=uuid.uuid4().hex))


def downgrade() -> None:
    op.execute(_site.delete().where(_site.c.key == 'instance'))
