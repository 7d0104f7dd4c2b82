"""`encore-kiosk [--door] [--config FILE] [--windowed] [--self-test]`: settings in, the kiosk on one qasync loop."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace

from core.config import load
from core.domain.errors import ConfigError
from kiosk.startup import pause_collector


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="encore-kiosk", description="Encore kiosk: sales or door mode.")
    parser.add_argument(
        "--door", action="store_true", help="run as a door scan station (kiosk_mode = 'door')"
    )
    parser.add_argument(
        "--config", metavar="FILE", help="settings file (TOML); default: ENCORE_CONFIG or ~/.config"
    )
    parser.add_argument(
        "--windowed", action="store_true", help="a normal window instead of locked-down full screen (testing)"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check the database or server, ticket rendering, speech and the printer; print one line and exit",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    pause_collector()  # until the window is shown (kiosk.app resumes it)
    args = _parser().parse_args(argv)
    try:
        settings = load(args.config)
    except ConfigError as error:
        print(f"encore-kiosk: {error.message}", file=sys.stderr)
        return 2
    if args.door:
        settings = replace(settings, kiosk_mode="door")
    if args.windowed:
        settings = replace(settings, kiosk_lockdown=False)
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_http_logs()
    if args.self_test:
        from kiosk.self_test import self_test

        return self_test(settings)

    # Qt is imported only now: `encore-kiosk --help` and config errors need no display. Core's services load
    # once the first frame is painted (kiosk.app.first_frame, kiosk.startup).
    from kiosk.app import run_app

    try:
        return run_app(settings)
    except ConfigError as error:
        print(f"encore-kiosk: {error.message}", file=sys.stderr)
        return 2


def quiet_http_logs() -> None:
    """httpx logs every request at INFO: a kiosk polling its server would write a line every two seconds all
    day. Its faults reach our log as typed errors (the sale flow says when it goes out of service and back)."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


if __name__ == "__main__":
    sys.exit(main())
