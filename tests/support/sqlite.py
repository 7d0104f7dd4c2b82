"""SQLite test databases: migrate one file per session, copy it per test (much faster than migrating)."""

from __future__ import annotations

import shutil
from pathlib import Path

from core.db.engine import create_engine
from core.db.migrate import upgrade


def url_for(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def create_template(path: Path) -> None:
    engine = create_engine(url_for(path))
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()  # the last close checkpoints the WAL into the main file


def clone(template: Path, target: Path) -> None:
    shutil.copyfile(template, target)
    for suffix in ("-wal", "-shm"):  # normally gone after dispose; copy them if a driver left them
        side = template.with_name(template.name + suffix)
        if side.exists():
            shutil.copyfile(side, target.with_name(target.name + suffix))
