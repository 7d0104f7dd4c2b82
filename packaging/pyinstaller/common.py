"""What both app bundles carry besides the code PyInstaller finds by itself: Encore's resources (found through
the ``resources`` package at run time), the database migrations alembic reads as files, and the modules core
loads by name (the embedded database's driver, the remote client)."""

from __future__ import annotations

from pathlib import Path

from PyInstaller.utils.hooks import collect_submodules

ROOT = Path(__file__).resolve().parents[2]
RESOURCE_DIRS = ("fonts", "themes", "translations", "sounds", "plans")


def datas() -> list[tuple[str, str]]:
    found = [(str(ROOT / "resources" / name), f"resources/{name}") for name in RESOURCE_DIRS]
    found.append((str(ROOT / "core" / "db" / "migrations"), "core/db/migrations"))
    return found


def _app_side(name: str) -> bool:
    """The apps run core's client and (embedded) services; the venue server and the ops commands stay out."""
    return not name.startswith(("core.api", "core.ops"))


def hidden_imports(app: str) -> list[str]:
    return [
        "resources",
        *collect_submodules("core", filter=_app_side),
        *collect_submodules(app),
        "aiosqlite",
        "asyncpg",
        "sqlalchemy.dialects.sqlite.aiosqlite",
        "sqlalchemy.dialects.postgresql.asyncpg",
    ]


EXCLUDES = [
    "tkinter",
    "core.api",
    "core.ops",
    "litestar",
    "uvicorn",
    "uvloop",
    "boto3",
    "botocore",
    "faker",
    "moto",
    "schemathesis",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.Qt3DCore",
    "PySide6.QtQuick3D",
    "pytest",
    "hypothesis",
    "IPython",
]
