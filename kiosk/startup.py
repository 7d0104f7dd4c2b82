"""Start-up time: the first frame is painted before core's services load, and what start-up makes is kept out of
the cyclic garbage collector's way.

- Python's cyclic garbage collector is paused while the kiosk loads and shows its window. Loading core,
  SQLAlchemy and Qt makes hundreds of thousands of objects that all live as long as the app, and the collector's
  full passes over them cost ~100-150 ms of CPU before the first frame (measured by
  tests/benchmarks/kiosk_app.py). Once the window is up, what start-up made is frozen out of later passes.
- Core's services (SQLAlchemy, the tables, the embedded database's driver) load after the first frame is
  painted, so the kiosk shows its Starting screen at once. Once PySide6 is imported it replaces
  ``builtins.__import__`` with its ``__feature__`` hook, which reads the source of every module imported after
  it to see whether it uses Qt; core never imports Qt (an import-linter contract), so its modules load through
  Python's own import instead (``plain_imports``): that scan made loading core ~100-250 ms slower.
"""

from __future__ import annotations

import builtins
import contextlib
import gc
import importlib
from collections.abc import Iterator
from types import ModuleType

__all__ = ["import_core_module", "pause_collector", "plain_imports", "resume_collector"]

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


def import_core_module(name: str) -> ModuleType:
    """Import one of core's (Qt-free) modules, with everything it pulls in, without the ``__feature__`` scan."""
    if not name.startswith("core."):
        raise ValueError(f"only core's Qt-free modules may bypass PySide6's import hook, not {name!r}")
    with plain_imports():
        return importlib.import_module(name)
