"""Indexes for the Audit log screen's filters: by who (staff member or device), by action, by period

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 02:30:00

The screen (and its CSV export) filters the log by actor, action and days, newest first a page at a time, and
counts the matches. The log only grows (every change, refund, reprint and device decision), and without these
each filter read the whole of it: a sequential scan for the page and another for the count. (actor, id) and
(action, id) give a page newest first straight from the index and a count from the index alone; (at) finds a
period's entries. tests/core/db/test_query_plans.py shows PostgreSQL using them.
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_log_actor_id", "audit_log", ["actor", "id"], unique=False)
    op.create_index("ix_audit_log_action_id", "audit_log", ["action", "id"], unique=False)
    op.create_index("ix_audit_log_at", "audit_log", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_index("ix_audit_log_action_id", table_name="audit_log")
    op.drop_index("ix_audit_log_actor_id", table_name="audit_log")
