"""Logging set-up for every command: a level, an optional file, and nothing sensitive in lines."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

LEVELS = ("debug", "info", "warning", "error")


def setup_logging(level: str = "info", file: Path | None = None) -> None:
    handlers: list[logging.Handler] = []
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(file, encoding="utf-8"))
    else:
        handlers.append(logging.StreamHandler(sys.stderr))
    logging.basicConfig(
        level=getattr(logging, level.upper()),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        handlers=handlers,
        force=True,
    )
    # Libraries log SQL parameters and request bodies at DEBUG: members' words or tokens.
    for noisy in ("aiosqlite", "asyncpg", "nio", "discord", "aiohttp", "websockets"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, logging.getLogger().level))
    # One line per wake-up is noise; APScheduler's warnings and errors still show.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
