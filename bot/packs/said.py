"""What the pack code says, kept as a catalog message and its values, so that the command
line says it in the reader's language: `Said.gettext("{a} and {b}", a=..., b=...)` is said
with `said.say(words)`; `str(said)` is the English.

The two constructors are named like the `Words` methods so that `pybabel extract` finds the
messages (a plural as its pair). A value that is itself `Said` is said in the same words, a
tuple of them is said as a list ("how to open, closing question"), a `Problem` is rendered
with its file and line, and a whole number is written the language's way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.core.i18n import ENGLISH, Words
from bot.documents.problems import Problem


@dataclass(frozen=True, slots=True)
class Said:
    message: str
    values: Mapping[str, object] = field(default_factory=dict)
    plural: str | None = None
    count: int = 0

    @classmethod
    def gettext(cls, message: str, /, **values: object) -> Said:
        return cls(message, values)

    @classmethod
    def ngettext(cls, singular: str, plural: str, n: int, /, **values: object) -> Said:
        return cls(singular, values, plural, n)

    def say(self, words: Words) -> str:
        values = {key: _shown(value, words) for key, value in self.values.items()}
        if self.plural is not None:
            return words.ngettext(self.message, self.plural, self.count, **values)
        return words.gettext(self.message, **values)

    def __str__(self) -> str:
        return self.say(ENGLISH)


def _shown(value: object, words: Words) -> object:
    if isinstance(value, Said):
        return value.say(words)
    if isinstance(value, tuple) and all(isinstance(v, Said) for v in value):
        return ", ".join(v.say(words) for v in value)
    if isinstance(value, Problem):  # a file-and-line problem, in English until it takes Words
        return value.render()
    if isinstance(value, int) and not isinstance(value, bool):
        return words.number(value)
    return value
