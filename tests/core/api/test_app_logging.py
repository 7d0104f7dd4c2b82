"""Building the app leaves the process's logging alone: no listener thread per app, the root logger untouched."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from core.api.app import create_app
from core.config import Settings
from core.security.tokens import TokenKey


def test_building_apps_starts_no_thread_and_keeps_the_root_loggers_handlers(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'encore.sqlite3'}")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    threads = threading.active_count()
    for _ in range(3):
        create_app(settings, token_key=TokenKey(b"k" * 32))
    assert threading.active_count() == threads
    assert root.handlers == handlers
    assert root.level == level
