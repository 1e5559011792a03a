"""Exceptions from the storage that a person reads: each carries an English catalog message
(marked with `N_`) and its values, so the command that prints it puts it in the reader's
words with `say`, while `str()` (for logs and tracebacks) stays English."""

from __future__ import annotations

from bot.core.said import Saying


class StorageRefusal(Saying):
    """The storage would not do something, in one sentence."""


class SchemaTooNew(StorageRefusal, RuntimeError):
    """The database was migrated by a newer studybot than this one."""
