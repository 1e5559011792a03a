"""`studybot` in a real pseudo-terminal of 80 columns, as a person at a keyboard runs it: keys
are bytes written to the terminal (Ctrl-C is 0x03, which the terminal turns into SIGINT), and
the screen is what a VT100 emulator (pyte) makes of everything the process wrote."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pyte

ROOT = Path(__file__).resolve().parent.parent
COLUMNS, ROWS = 80, 24
WAIT_S = 60.0  # a safety net only: every wait ends as soon as what it waits for shows
# The child makes the terminal its controlling one, so the terminal's Ctrl-C reaches it.
_CONTROLLING = (
    "import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
)
_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")

CTRL_C = b"\x03"
CTRL_D = b"\x04"


class TerminalSession:
    """One `python -m bot.cli ARGS` with a pty as its terminal; its output read all along (a
    full pty would stop the process writing) and kept both raw and on an emulated screen."""

    def __init__(self, *args: str, cwd: Path, env: dict[str, str] | None = None) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        base = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        base.update({"TERM": "xterm-256color", "PYTHONPATH": str(ROOT)}, **(env or {}))
        self.process = subprocess.Popen(
            [sys.executable, "-c", _CONTROLLING, "-m", "bot.cli", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=base,
            start_new_session=True,
        )
        os.close(slave)
        self._master = master
        self.raw = b""
        self.screen = pyte.Screen(COLUMNS, ROWS)
        self._stream = pyte.ByteStream(self.screen)
        self._changed = threading.Condition()
        self._closed = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:  # on its own thread
        while True:
            try:
                chunk = os.read(self._master, 65536)
            except OSError:  # EIO: every end of the terminal's slave side is closed
                chunk = b""
            with self._changed:
                if not chunk:
                    self._closed = True
                else:
                    self.raw += chunk
                    self._stream.feed(chunk)
                self._changed.notify_all()
            if not chunk:
                return

    # -- what a person does ----------------------------------------------------------

    def type(self, keys: bytes | str) -> None:
        os.write(self._master, keys.encode() if isinstance(keys, str) else keys)

    def signal(self, number: signal.Signals) -> None:
        self.process.send_signal(number)

    # -- what they see -----------------------------------------------------------------

    def text(self) -> str:
        """Everything written so far, as text with the terminal's control sequences removed."""
        with self._changed:
            return _ANSI.sub("", self.raw.decode("utf-8", errors="replace")).replace("\r", "")

    def lines(self) -> list[str]:
        """The screen now: its 24 rows of 80 columns, trailing spaces cut."""
        with self._changed:
            return [row.rstrip() for row in self.screen.display]

    def mark(self) -> int:
        """Where the output is now, for `expect(..., after=mark)`."""
        with self._changed:
            return len(self.raw)

    def shows(self, needle: str, *, after: int = 0) -> bool:
        """Whether `needle` was written (after `mark`), however the terminal's width wrapped it:
        white space is left out of both sides of the comparison."""
        with self._changed:
            seen = _ANSI.sub("", self.raw[after:].decode("utf-8", errors="replace"))
        return _unspaced(needle) in _unspaced(seen)

    def expect(self, needle: str, *, after: int = 0, wait: float = WAIT_S) -> None:
        """Wait until `needle` has been written (after `mark`); fail with the screen if not."""
        deadline = time.monotonic() + wait
        with self._changed:
            while True:
                if self.shows(needle, after=after):
                    return
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    raise AssertionError(
                        f"{needle!r} never showed; the screen:\n" + "\n".join(self.lines())
                    )
                self._changed.wait(left)

    def prompt_waits(self, name: str = "you", *, after: int = 0) -> None:
        """Wait until the prompt is on screen, waiting for a line (after `mark`)."""
        self.expect(f"{name}> ", after=after)

    def wait_exit(self, wait: float = WAIT_S) -> int:
        code = self.process.wait(timeout=wait)
        self._reader.join(timeout=wait)
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=WAIT_S)
        self._reader.join(timeout=WAIT_S)
        os.close(self._master)


def _unspaced(text: str) -> str:
    return "".join(text.split())
