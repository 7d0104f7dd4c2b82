"""reminder mails in the outbox: the scheduler queues one per order the day before the concert

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 18:00:00
"""

from __future__ import annotations

from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_mail_outbox_kind"), type_="check")
        batch_op.create_check_constraint("kind", "kind IN ('tickets', 'sign_in_notice', 'reminder')")


def downgrade() -> None:
    op.execute("DELETE FROM mail_outbox WHERE kind = 'reminder'")
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_mail_outbox_kind"), type_="check")
        batch_op.create_check_constraint("kind", "kind IN ('tickets', 'sign_in_notice')")
