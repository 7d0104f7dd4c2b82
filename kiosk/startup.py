"""Start-up time: the first frame is painted before core's services load, and what start-up makes is kept out of
the cyclic garbage collector's way.

- Python's cyclic garbage collector is paused while the kiosk loads and shows its window. Loading core,
  SQLAlchemy and Qt makes hundreds of thousands of objects that all live as long as the app, and the collector's
  full passes over them cost ~100-150 ms of CPU before the first frame (measured by
  tests/benchmarks/kiosk_app.py). Once the window is up, what start-up made is frozen out of later passes.
- Core's services (SQLAlchemy, the tables, the embedded database's driver) load after the first frame is
  painted, so the kiosk shows its Welcome screen (the door its Starting screen) at once. Once PySide6 is imported
  it replaces ``builtins.__import__`` with its ``__feature__`` hook, which reads the source of every module
  imported after it to see whether it uses Qt; core and the kiosk's view-models never import Qt (import-linter
  contracts), so they load through Python's own import instead (``plain_imports``): that scan made loading core
  ~100-250 ms slower, and the view-models (psygnal, Babel, the domain types) ~100 ms.
"""

from __future__ import annotations

import builtins
import contextlib
import gc
import importlib
from collections.abc import Iterator
from types import ModuleType

__all__ = ["QT_FREE", "import_qt_free", "pause_collector", "plain_imports", "resume_collector"]

_PYTHON_IMPORT = builtins.__import__
"""Python's own import, as it was when this module loaded: kiosk.__main__ imports it before PySide6."""


def pause_collector() -> None:
    """Call first thing at start-up; resume_collector must follow once the window is shown."""
    gc.disable()


def resume_collector() -> None:
    gc.freeze()  # start-up's objects live on: later collections need not look at them again
    gc.enable()


@contextlib.contextmanager
def plain_imports() -> Iterator[None]:
    """Imports inside this block bypass PySide6's per-module ``__feature__`` scan (only for Qt-free modules,
    on the GUI thread: the hook is process-wide, so it is restored as soon as the block ends)."""
    hooked = builtins.__import__
    builtins.__import__ = _PYTHON_IMPORT
    try:
        yield
    finally:
        builtins.__import__ = hooked


QT_FREE = ("core.", "kiosk.viewmodels.")
"""The packages that never import Qt, each kept so by an import-linter contract (pyproject.toml)."""


def import_qt_free(name: str) -> ModuleType:
    """Import a module of core or of the kiosk's view-models, with everything it pulls in, without the
    ``__feature__`` scan. None of them uses Qt, so PySide6 has nothing to note about them (and we use none of
    its ``__feature__`` options anywhere)."""
    if not name.startswith(QT_FREE):
        raise ValueError(
            f"only Qt-free modules ({', '.join(QT_FREE)}) may bypass PySide6's import hook, not {name!r}"
        )
    with plain_imports():
        return importlib.import_module(name)
