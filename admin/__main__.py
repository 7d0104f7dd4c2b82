"""`encore-admin [--config FILE] [--server URL] [--self-test]`: settings in, the admin app on one qasync loop."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from core.config import load
from core.domain.errors import ConfigError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="encore-admin", description="Encore admin: run the venue.")
    parser.add_argument(
        "--config", metavar="FILE", help="settings file (TOML); default: ENCORE_CONFIG or ~/.config"
    )
    parser.add_argument(
        "--server", metavar="URL", help="the venue server (server_url); without one, the demo database here"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check the database or server, the window, charts, the report PDF and the keyring; print one line",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    env = {**os.environ, **({"ENCORE_SERVER_URL": args.server} if args.server else {})}
    try:
        settings = load(args.config, env)
    except ConfigError as error:
        print(f"encore-admin: {error.message}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if args.self_test:
        from admin.self_test import self_test

        return self_test(settings)

    # Qt is imported only now: `encore-admin --help` and config errors need no display.
    from admin.app import run_app

    try:
        return run_app(settings)
    except ConfigError as error:
        print(f"encore-admin: {error.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
