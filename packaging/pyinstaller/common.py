"""What both app bundles carry besides the code PyInstaller finds by itself: Encore's resources (found through
the ``resources`` package at run time), the database migrations alembic reads as files, and the modules core
loads by name (the embedded database's driver, the remote client)."""

from __future__ import annotations

from pathlib import Path

from PyInstaller.depend.bindepend import get_imports
from PyInstaller.utils.hooks import collect_submodules

ROOT = Path(__file__).resolve().parents[2]
RESOURCE_DIRS = ("fonts", "themes", "translations", "sounds", "plans")
APPS = ("kiosk", "admin")


def datas() -> list[tuple[str, str]]:
    found = [(str(ROOT / "resources" / name), f"resources/{name}") for name in RESOURCE_DIRS]
    found.append((str(ROOT / "core" / "db" / "migrations"), "core/db/migrations"))
    return found


def _app_side(name: str) -> bool:
    """The apps run core's client and (embedded) services; the venue server and the ops commands stay out."""
    return not name.startswith(("core.api", "core.ops", "core.tickets.raster"))  # raster: tests' pypdfium2


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


# The same for both apps: PyInstaller reuses its first analysis of Python itself only for the same excludes. Each
# app gets only the Qt modules it imports anyway (tests/stack/test_package.py checks both listings).
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
    # Found in the first bundles' listings, and never imported by the apps: mypy (compiled, with its
    # ast_serialize and psutil: an analysis path, not a run-time one), pydantic (psygnal's EventedModel, which we
    # do not use), yaml (msgspec.yaml), pygments (mako's optional highlighting), rich and markdown_it.
    "mypy",
    "ast_serialize",
    "psutil",
    "pydantic",
    "pydantic_core",
    "yaml",
    "pygments",
    "rich",
    "markdown_it",
]

_DROPPED = (
    # Qt's own catalogues (its dialogs' words): neither app installs them; ours are in resources/translations.
    "PySide6/Qt/translations/",
    # Qt's QML on-screen keyboard (with it QtQuick and QML, ~20 MB): the kiosk draws its own keypads, and no
    # app sets QT_IM_MODULE.
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    "PySide6/Qt/lib/libQt6VirtualKeyboard",
    # PDF files as images: neither app reads one through QImage (the kiosk prints through QtPdf itself).
    "PySide6/Qt/plugins/imageformats/libqpdf.so",
)
_QT_LIBS = "PySide6/Qt/lib/libQt6"
_CLDR = "babel/locale-data/"


def languages() -> frozenset[str]:
    """The languages the apps are translated into (resources/translations/kiosk_<language>.qm), the only ones
    the kiosk_language setting accepts, and so the only ones dates and money are written in."""
    return frozenset(
        p.stem.partition("_")[2] for p in (ROOT / "resources" / "translations").glob("kiosk_*.qm")
    )


def _unused_cldr(dest: str, keep: frozenset[str]) -> bool:
    """Babel's data for a locale no app writes in (1,100 of them, 33 of its 35 MB). Kept: CLDR's root and every
    locale of a language the apps have (en_GB's parents en_001 and en among them)."""
    if not dest.startswith(_CLDR) or not dest.endswith(".dat"):
        return False
    locale = dest[len(_CLDR) : -len(".dat")]
    return locale != "root" and locale.split("_")[0] not in keep


Toc = list[tuple[str, str, str]]


def trimmed(binaries: Toc, datas: Toc) -> tuple[Toc, Toc]:
    """An Analysis's binaries and datas without what the apps never load (Babel's data of other languages too),
    then without the Qt libraries that nothing left links to (the admin loses QtQuick, QML and QtPdf with those
    plugins; the kiosk keeps them: its FFmpeg media plugin links QtQuick and QML, and it prints through QtPdf),
    and the links to what went."""
    kept = [entry for entry in binaries if not _dest(entry).startswith(_DROPPED)]
    while True:
        linked = {
            Path(name).name for _, source, kind in kept if kind in _LINKED for name, _ in get_imports(source)
        }
        orphans = [e for e in kept if _dest(e).startswith(_QT_LIBS) and Path(_dest(e)).name not in linked]
        if not orphans:
            break
        kept = [entry for entry in kept if entry not in orphans]
    gone = {_dest(entry) for entry in binaries} - {_dest(entry) for entry in kept}
    keep = languages()
    return kept, [
        entry
        for entry in datas
        if not _dest(entry).startswith(_DROPPED)
        and not _unused_cldr(_dest(entry), keep)
        and not (entry[2] == "SYMLINK" and entry[1] in gone)
    ]


_LINKED = ("BINARY", "EXTENSION")


def _dest(entry: tuple[str, str, str]) -> str:
    return entry[0].replace("\\", "/")
