"""Logging set-up for every command: a level, an optional file, and nothing sensitive in lines;
beside a person at the console, the log goes to a file and only warnings reach the screen."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from collections.abc import Callable
from pathlib import Path

LEVELS = ("debug", "info", "warning", "error")
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
# the log an interactive console keeps by itself: at most 4 files of 5 MB under DATA_DIR/logs
CONSOLE_LOG = Path("logs") / "studybot.log"
CONSOLE_LOG_BYTES = 5_000_000
CONSOLE_LOG_BACKUPS = 3


def setup_logging(level: str = "info", file: Path | None = None) -> None:
    """Log at `level` to standard error, or to `file` (reopened when logrotate moves it)."""
    handler: logging.Handler
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.WatchedFileHandler(file, encoding="utf-8")
    else:
        handler = logging.StreamHandler(sys.stderr)
    _install(level, [handler])


def log_beside_terminal(
    level: str, file: Path, show: Callable[[str], None], *, rotate: bool
) -> None:
    """Every line at `level` into `file`; warnings and errors also through `show`, one line
    each, so the conversation at the prompt is not buried. `rotate` keeps the file bounded
    (for the log the console chose itself; a `--log-file` is left to logrotate)."""
    file.parent.mkdir(parents=True, exist_ok=True)
    to_file: logging.Handler
    if rotate:
        to_file = logging.handlers.RotatingFileHandler(
            file, maxBytes=CONSOLE_LOG_BYTES, backupCount=CONSOLE_LOG_BACKUPS, encoding="utf-8"
        )
    else:
        to_file = logging.handlers.WatchedFileHandler(file, encoding="utf-8")
    _install(level, [to_file, _ScreenHandler(show)])


class _ScreenHandler(logging.Handler):
    """Warnings and errors as one short line each; the traceback stays in the file."""

    def __init__(self, show: Callable[[str], None]) -> None:
        super().__init__(level=logging.WARNING)
        self._show = show

    def emit(self, record: logging.LogRecord) -> None:
        try:
            extra = " (details in the log file)" if record.exc_info else ""
            self._show(f"{record.levelname.lower()}: {record.getMessage()}{extra}")
        except Exception:
            self.handleError(record)


def _install(level: str, handlers: list[logging.Handler]) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper()), format=FORMAT, handlers=handlers, force=True
    )
    # Libraries log SQL parameters and request bodies at DEBUG: members' words or tokens.
    for noisy in ("aiosqlite", "asyncpg", "nio", "discord", "aiohttp", "websockets"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, logging.getLogger().level))
    # One line per wake-up is noise; APScheduler's warnings and errors still show.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
