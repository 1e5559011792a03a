"""One running bot per SQLite file: the cache in lookups.py and the skipped inbound
de-duplication both rely on this process being the file's only writer."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class AlreadyRunning(RuntimeError):
    """Another process runs a bot on the same SQLite file."""


class ProcessLock:
    """An exclusive `flock` on the database file itself, held while the bot runs.

    The lock belongs to the file (its inode), not to a name: a hard link, a symlink or a
    path spelled another way reaches the same lock, so two bots can never write one
    database through two WAL files. SQLite's own locks are POSIX record locks, a separate
    kind the kernel keeps apart from `flock`, so this one never stands in their way. The
    kernel drops it when the process ends, however it ends (SIGKILL included), so a crash
    never leaves a stale lock behind. Read-only commands (export, archive) do not take it
    and may run beside the bot.
    """

    def __init__(self, database: str) -> None:
        self.path = Path(database)
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # An empty file is an empty SQLite database, so creating it here changes nothing.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyRunning(
                f"another studybot is already running on {self.path} (perhaps through "
                "another name for the same file, such as a hard link). Stop it first; to "
                "run several processes on one database, use PostgreSQL "
                "(`storage: postgresql://...`)."
            ) from None
        self._fd = fd

    def release(self) -> None:
        """Let the file go; called after the database is closed.

        Closing a descriptor drops every POSIX lock this process holds on the file, SQLite's
        included, which is why this waits until SQLite has closed its own connections.
        """
        if self._fd is not None:
            fd, self._fd = self._fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
