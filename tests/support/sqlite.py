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
    # The staff PIN key embedded mode keeps beside the file (core.security.server_secrets): the template's
    # PINs were set with it, and a copy without it would make a new key that none of them match.
    pin_key = template.parent / "keys" / f"{template.stem}-pin.key"
    if pin_key.exists():
        (target.parent / "keys").mkdir(mode=0o700, exist_ok=True)
        shutil.copy2(pin_key, target.parent / "keys" / f"{target.stem}-pin.key")
