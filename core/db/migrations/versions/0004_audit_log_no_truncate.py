"""the audit log refuses TRUNCATE too (PostgreSQL: a statement-level trigger)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 11:00:00
"""

from __future__ import annotations

from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# Row-level triggers (0001) never fire for TRUNCATE, so the append-only rule had a hole even for the owner.
# SQLite has no TRUNCATE: its DELETE trigger from 0001 already covers "DELETE FROM audit_log".
_PG_UP = [
    """CREATE FUNCTION audit_log_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only; it cannot be truncated' USING ERRCODE = 'insufficient_privilege';
END $$""",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate()",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _PG_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_no_truncate()")
