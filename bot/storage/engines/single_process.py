"""One running bot per SQLite file: the cache in lookups.py and the skipped inbound
de-duplication both rely on this process being the file's only writer."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class AlreadyRunning(RuntimeError):
    """Another process runs a bot on the same SQLite file."""


class ProcessLock:
    """An exclusive `flock` on DATABASE.lock, held while the bot runs.

    The kernel drops it when the process ends, however it ends (SIGKILL included), so a
    crash never leaves a stale lock behind. Read-only commands (export, archive) do not
    take it and may run beside the bot.
    """

    def __init__(self, database: str) -> None:
        self.path = Path(f"{database}.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyRunning(
                f"another studybot is already running on {self.path.with_suffix('')} "
                f"(it holds {self.path}). Stop it first; to run several processes on one "
                "database, use PostgreSQL (`storage: postgresql://...`)."
            ) from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
