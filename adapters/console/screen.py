"""The terminal's screen: what the bot prints goes above the `name>` prompt, which is redrawn
below it, whoever prints (a post, a reply, or a log warning from another thread)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console, RenderableType
from rich.text import Text

from adapters.console.harmless import printable

ERASE_LINE = "\r\x1b[2K"


class Screen:
    """One terminal (or pipe) written by one writer at a time."""

    def __init__(self, console: Console, *, prompting: bool) -> None:
        self.console = console
        self._prompting = prompting  # a person at a terminal, who needs a prompt to type at
        self._waiting: str | None = None  # the prompt on screen while a line is awaited
        self._lock = threading.RLock()  # log records arrive from worker threads too

    @contextmanager
    def above_prompt(self) -> Iterator[Console]:
        """Print on the console inside this: a waiting prompt is erased first, and drawn again
        below what was printed."""
        with self._lock:
            waiting = self._waiting
            if waiting is not None:
                self._raw(ERASE_LINE)
            try:
                yield self.console
            finally:
                if waiting is not None:
                    self._draw(waiting)
                # piped output is block-buffered: without this, a reader at the other end of
                # the pipe (a log, a test) sees a message only once kilobytes more follow it
                self.console.file.flush()

    def show(self, *objects: RenderableType) -> None:
        """Print above the prompt."""
        with self.above_prompt() as console:
            console.print(*objects)

    def line(self, text: str, *, style: str = "") -> None:
        """One line printed exactly as written: no markup is read in it."""
        self.show(Text(printable(text), style=style))

    def ask(self, name: str) -> None:
        """Show the prompt for the next line, at a terminal (piped input needs none)."""
        if not self._prompting:
            return
        with self._lock:
            if self._waiting is not None:
                self._raw(ERASE_LINE)
            self._draw(name)

    def answered(self) -> None:
        """A line was typed: Enter took the cursor below the prompt, which waits no more."""
        with self._lock:
            self._waiting = None

    def close(self) -> None:
        """Leave the terminal on a fresh line, with no prompt that nobody will answer."""
        with self._lock:
            if self._waiting is not None:
                self._raw(ERASE_LINE)
                self._waiting = None

    def _draw(self, name: str) -> None:
        self.console.print(Text(f"{printable(name)}> ", style="bold"), end="")
        self._waiting = name

    def _raw(self, text: str) -> None:
        self.console.file.write(text)
        self.console.file.flush()
