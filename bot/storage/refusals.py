"""Exceptions from the storage that a person reads: each carries an English catalog message
(marked with `N_`) and its values, so the command that prints it puts it in the reader's
words with `say`, while `str()` (for logs and tracebacks) stays English."""

from __future__ import annotations

from bot.core.i18n import ENGLISH, Words


class StorageRefusal(Exception):
    """The storage would not do something, in one sentence (`message`, filled from `values`)."""

    def __init__(self, message: str, **values: object) -> None:
        self.message = message
        self.values = values
        super().__init__(self.say(ENGLISH))

    def say(self, words: Words) -> str:
        return words.gettext(self.message, **self.values)


class SchemaTooNew(StorageRefusal, RuntimeError):
    """The database was migrated by a newer studybot than this one."""
