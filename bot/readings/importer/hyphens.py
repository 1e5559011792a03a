"""Joining two lines of a PDF where the first ends in a hyphen: a word the typesetter broke
("circum-" + "vent"), a compound whose hyphen is real ("Schwarz-" + "Weiß", "mid-" + "Sep."),
or a hyphen left hanging before "and" ("human-" + "and machine-readable")."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_HEAD = re.compile(r"[^\W\d_]+")
_STEM = re.compile(r"[^\W\d_]+$")
# After "human-" these begin the second half of "human- and machine-readable".
_CONJUNCTIONS = frozenset(
    "and or nor to und oder bzw sowie bis et ou y o e u ni oppure en of".split()  # noqa: SIM905
)


class Vocabulary:
    """The words a document uses, to tell a broken word from a hyphenated compound."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._words: Counter[str] = Counter()
        for line in lines:
            found = _WORD.findall(line.lower())
            if found and line.rstrip().endswith("-"):
                found.pop()  # the half word before a line-end hyphen is not a word
            self._words.update(found)

    def __contains__(self, word: str) -> bool:
        return word.lower() in self._words


NO_WORDS = Vocabulary(())


def join_lines(text: str, line: str, words: Vocabulary = NO_WORDS) -> str:
    """`text` and the `line` after it as one run of text."""
    if len(text) > 2 and text[-1] == "\u00ad":
        return text[:-1] + line  # a soft hyphen marks where a word was broken
    if not (len(text) > 2 and text[-1] == "-" and text[-2].isalpha()):
        return f"{text} {line}"
    stem_match = _STEM.search(text[:-1])
    head_match = _HEAD.match(line)
    if stem_match is None or head_match is None:
        return f"{text} {line}"
    stem, head = stem_match[0], head_match[0]
    joined, hyphened = stem + head, f"{stem}-{head}"
    if joined in words and hyphened not in words:
        return text[:-1] + line
    if hyphened in words and joined not in words:
        return text + line
    if head.lower() in _CONJUNCTIONS and line[len(head) :][:1] == " ":
        return f"{text} {line}"  # "self-" + "and peer-review": the hyphen waits for its word
    if len(stem) == 1 or not head[0].islower():
        # No typesetter leaves one letter before a break ("e-mail", "x-ray"); a capital after
        # the hyphen starts a word of its own ("Schwarz-Weiß", "mid-Sep.", "non-English").
        return text + line
    return text[:-1] + line
