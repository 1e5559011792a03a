"""A sentence kept as its catalog message and values, put into words only when it is shown.

What a check finds in a file (a config, a reading, a pack) is found once and may be shown to
several people: the admin running `check` in Spanish, the watcher's message to a Portuguese
admin, the English log. So the checks do not write a sentence; they keep a `Said` (the English
catalog message, and the values to fill in), and whoever shows it says it in the reader's
`Words`.

Made with `said(N_("..."), key=value)`, or `Said.gettext(...)` / `Said.ngettext(...)` (named
like the `Words` methods, so that `pybabel extract` finds the messages, a plural as its pair).
A value that can itself be said (a `Said`, a located `Problem`) is said in the same words, a
tuple of them as a list, and a whole number is written the language's way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bot.core.i18n import ENGLISH, Words


@runtime_checkable
class Sayable(Protocol):
    def say(self, words: Words) -> str: ...


@dataclass(frozen=True, slots=True)
class Said:
    message: str
    values: tuple[tuple[str, object], ...] = ()
    plural: str | None = None
    count: int = 0
    # words from elsewhere (a library's English message) shown as they are, in no catalog
    verbatim: bool = False

    @classmethod
    def gettext(cls, message: str, /, **values: object) -> Said:
        return cls(message, tuple(values.items()))

    @classmethod
    def ngettext(cls, singular: str, plural: str, n: int, /, **values: object) -> Said:
        return cls(singular, tuple(values.items()), plural, n)

    def say(self, words: Words = ENGLISH) -> str:
        if self.verbatim:
            return self.message
        filled = {key: _shown(value, words) for key, value in self.values}
        if self.plural is not None:
            return words.ngettext(self.message, self.plural, self.count, **filled)
        return words.gettext(self.message, **filled)

    def __str__(self) -> str:
        return self.say(ENGLISH)


def _shown(value: object, words: Words) -> object:
    if isinstance(value, Sayable):
        return value.say(words)
    if isinstance(value, tuple) and value and all(isinstance(v, Sayable) for v in value):
        return ", ".join(v.say(words) for v in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return words.number(value)
    return value


def said(message: str, /, **values: object) -> Said:
    """`message` (marked with `N_` where it is written) with its `{placeholders}`' values."""
    return Said(message, tuple(values.items()))


def verbatim(text: str) -> Said:
    """Text no catalog holds (a library's own message), shown as it is in every language."""
    return Said(text, verbatim=True)


class Saying(Exception):
    """An exception a person reads: its one sentence kept as a `Said` (an English catalog
    message marked with `N_` and its values, or a `Said` already made), put in the reader's
    words by `say`; `str()` is the English, for logs and tracebacks."""

    def __init__(self, message: str | Said, /, **values: object) -> None:
        self.said = message if isinstance(message, Said) else said(message, **values)
        super().__init__(str(self.said))

    def say(self, words: Words) -> str:
        return self.said.say(words)


class Refusal(Saying, ValueError):
    """A value a validator refuses, with the sentence that says why, for the reader's words.

    pydantic keeps the exception a validator raised, so `problems_from_validation` finds the
    `Said` again.
    """
