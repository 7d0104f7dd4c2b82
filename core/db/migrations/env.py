"""Alembic environment: runs on the connection that core.db.migrate hands over (async engines, both dialects)."""

from __future__ import annotations

from alembic import context

from core.db.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "run migrations through `encore-ops db upgrade` (core.db.migrate), not the alembic CLI"
    )

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
