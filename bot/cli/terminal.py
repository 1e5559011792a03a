"""What `run` and `demo` share in a terminal: Ctrl-C and SIGTERM ask for a clean stop, and
beside a person at the console the log goes to a file, with only warnings on the screen."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.markup import escape

from bot.cli.cli_words import cli_words
from bot.core.i18n import Words
from bot.core.platform import Terminal
from bot.runtime.logs import CONSOLE_LOG, log_beside_terminal


@dataclass(frozen=True, slots=True, kw_only=True)
class LogChoice:
    """The `--log-level` and `--log-file` a command was given."""

    level: str = "info"
    file: str | None = None


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT (Ctrl-C) or SIGTERM: the caller then finishes the work in hand
    and closes the database, instead of being cut off by KeyboardInterrupt."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def first_of(*waits: Coroutine[Any, Any, Any]) -> None:
    """Wait until the first of `waits` is done; the others are cancelled."""
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()


def beside_terminal(
    terminal: Terminal,
    data_dir: Path,
    choice: LogChoice,
    *,
    words: Words | None = None,
    for_the_demo: bool = False,
) -> Path:
    """Send the log to `--log-file`, or to DATA_DIR/logs/studybot.log, and say where (in
    `words`, else the environment's language); log lines printed into the conversation
    overwrote the prompt. The demo's own log folder goes with the demo."""
    path = Path(choice.file) if choice.file else data_dir / CONSOLE_LOG
    log_beside_terminal(choice.level, path, terminal.warn, rotate=choice.file is None)
    w = words or cli_words()
    if for_the_demo and not choice.file:
        where = w.gettext(
            "Logs go to {path} until the demo ends; warnings show here.",
            path=str(path.resolve()),
        )
    else:
        where = w.gettext("Logs go to {path}; warnings show here.", path=str(path.resolve()))
    terminal.say(f"[dim]{escape(where)}[/dim]")
    return path
