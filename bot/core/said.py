"""A sentence kept as its catalog message and values, put into words only when it is shown.

What a check finds in a file (a config, a reading, a pack) is found once and may be shown to
several people: the admin running `check` in Spanish, the watcher's message to a Portuguese
admin, the English log. So the checks do not write a sentence; they keep a `Said` (the English
catalog message marked with `N_`, and the values to fill in), and whoever shows it says it in
the reader's `Words`. A value may itself be a `Said`, said in the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.i18n import ENGLISH, Words


@dataclass(frozen=True, slots=True)
class Said:
    message: str
    values: tuple[tuple[str, object], ...] = ()
    # words from elsewhere (a library's English message) shown as they are, in no catalog
    verbatim: bool = False

    def say(self, words: Words = ENGLISH) -> str:
        if self.verbatim:
            return self.message
        filled = {k: v.say(words) if isinstance(v, Said) else v for k, v in self.values}
        return words.gettext(self.message, **filled)

    def __str__(self) -> str:
        return self.say(ENGLISH)


def said(message: str, /, **values: object) -> Said:
    """`message` (marked with `N_` where it is written) with its `{placeholders}`' values."""
    return Said(message, tuple(values.items()))


def verbatim(text: str) -> Said:
    """Text no catalog holds (a library's own message), shown as it is in every language."""
    return Said(text, verbatim=True)


class Refusal(ValueError):
    """A value a validator refuses, with the sentence that says why, for the reader's words.

    pydantic keeps the exception a validator raised, so `problems_from_validation` finds the
    `Said` again; `str()` is the English sentence for everyone else.
    """

    def __init__(self, message: str, /, **values: object) -> None:
        self.said = said(message, **values)
        super().__init__(str(self.said))
