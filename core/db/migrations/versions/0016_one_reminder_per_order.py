"""one reminder mail per order, enforced by the database (a partial unique index on the outbox)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 21:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

_WHERE = "kind = 'reminder'"


def upgrade() -> None:
    # Keep the first reminder of an order where an earlier race queued two (the index could not be built).
    op.execute(
        "DELETE FROM mail_outbox WHERE kind = 'reminder' AND id NOT IN "
        "(SELECT min(id) FROM mail_outbox WHERE kind = 'reminder' GROUP BY order_id)"
    )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.create_index(
            "uq_mail_outbox_reminder_order", ["order_id"], unique=True,
            postgresql_where=sa.text(_WHERE), sqlite_where=sa.text(_WHERE),
        )


def downgrade() -> None:
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_index("uq_mail_outbox_reminder_order")
