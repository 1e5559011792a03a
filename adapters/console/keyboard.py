"""Lines from the terminal or a pipe, read by the event loop itself so that no thread is left
blocked on standard input when the bot stops (one kept `run` waiting for Enter after Ctrl-C)."""

from __future__ import annotations

import asyncio
import contextlib
import os

CHUNK = 65536


class LineReader:
    """Complete lines of a file descriptor, decoded as UTF-8; bytes that are not UTF-8 become
    U+FFFD, so a bad byte costs one character instead of the line (or the reader)."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._pending = b""
        self._watched = False
        self._pump: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin reading: a tty, a pipe or a socket is watched by the loop; a regular file
        (which the loop cannot watch, and which never blocks) is read by a small task."""
        loop = asyncio.get_running_loop()
        try:
            loop.add_reader(self._fd, self._readable)
            self._watched = True
        except (PermissionError, OSError, ValueError):
            self._pump = asyncio.create_task(self._read_file(), name="console-file-input")

    def close(self) -> None:
        self._unwatch()
        if self._pump is not None:
            self._pump.cancel()

    def _unwatch(self) -> None:
        if self._watched:
            self._watched = False
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(self._fd)

    async def readline(self) -> str | None:
        """The next line without its newline; None once the input has ended (Ctrl-D)."""
        return await self._lines.get()

    def _readable(self) -> None:
        try:
            chunk = os.read(self._fd, CHUNK)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:  # EIO: the terminal went away; that is the end of the input too
            chunk = b""
        self._take(chunk)

    async def _read_file(self) -> None:
        while True:
            chunk = await asyncio.to_thread(os.read, self._fd, CHUNK)
            self._take(chunk)
            if not chunk:
                return

    def _take(self, chunk: bytes) -> None:
        if not chunk:
            self._unwatch()
            if self._pending:  # a last line with no newline still counts
                self._lines.put_nowait(_decode(self._pending))
                self._pending = b""
            self._lines.put_nowait(None)
            return
        *complete, self._pending = (self._pending + chunk).split(b"\n")
        for raw in complete:
            self._lines.put_nowait(_decode(raw))


def _decode(raw: bytes) -> str:
    return raw.removesuffix(b"\r").decode("utf-8", errors="replace")
