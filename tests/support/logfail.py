"""Fail a test when our packages log an unexpected WARNING or worse (after qutebrowser's logfail)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

OUR_LOGGERS = ("core", "kiosk", "admin")


@dataclass
class Expectation:
    logger: str
    level: int
    pattern: re.Pattern[str]
    seen: list[logging.LogRecord] = field(default_factory=list)

    def matches(self, record: logging.LogRecord) -> bool:
        return (
            (record.name == self.logger or record.name.startswith(self.logger + "."))
            and record.levelno >= self.level
            and bool(self.pattern.search(record.getMessage()))
        )


class LogFailHandler(logging.Handler):
    """Sits on our top-level loggers during a test and keeps what nobody expected."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.expected: list[Expectation] = []
        self.unexpected: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        for expectation in self.expected:
            if expectation.matches(record):
                expectation.seen.append(record)
                return
        self.unexpected.append(record)

    def report(self) -> str:
        lines = [f"  {r.levelname} {r.name}: {r.getMessage()}" for r in self.unexpected]
        return (
            "unexpected log messages from our packages (expect them with the expect_log fixture, "
            "or mark the test @pytest.mark.allow_log):\n" + "\n".join(lines)
        )


@contextmanager
def installed(handler: LogFailHandler) -> Iterator[LogFailHandler]:
    loggers = [logging.getLogger(name) for name in OUR_LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


class ExpectLog:
    """What the ``expect_log`` fixture returns: ``with expect_log("core.x", "not published"): ...``."""

    def __init__(self, handler: LogFailHandler) -> None:
        self._handler = handler

    @contextmanager
    def __call__(
        self, logger: str, match: str = "", level: int = logging.WARNING, *, optional: bool = False
    ) -> Iterator[Expectation]:
        """``optional=True`` for a line a race decides (two watchers, whichever notices first logs it)."""
        expectation = Expectation(logger, level, re.compile(match))
        self._handler.expected.append(expectation)
        try:
            yield expectation
        finally:
            self._handler.expected.remove(expectation)
        # Expected means it happened: a log line the code no longer writes should not be "expected" forever.
        assert optional or expectation.seen, (
            f"expected a {logging.getLevelName(level)} from {logger} matching {match!r}"
        )
