"""A section's text as sentences, each at a stable position (its index and its character span).

The same body always splits the same way, so a sentence's index and offsets are an address an
annotation can keep. A sentence never crosses a paragraph break.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

# A sentence ends at . ! ? or … (and any closing quotes or brackets after it), followed by
# whitespace and something that can start a sentence.
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[¿¡]*[A-Z0-9À-ÖØ-Þ])")
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
# Words whose full stop does not end a sentence ("Dr. Lee", "e.g. this").
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "sr",
        "jr",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "cf",
        "al",
        "fig",
        "no",
        "vol",
        "pp",
        "ed",
        "eds",
        "p",
        "mt",
        "ca",
        "approx",
        "dept",
    ]
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Sentence:
    """One sentence of a section: its place (from 0), where it starts and ends in the body,
    the paragraph it belongs to (from 0), and its text (the body's characters, unchanged)."""

    index: int
    start: int
    end: int
    paragraph: int
    text: str


def body_hash(body: str) -> str:
    """A short fingerprint of a section's text: an anchor made on it is still exact while it holds."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]


@lru_cache(maxsize=256)
def split_sentences(body: str) -> tuple[Sentence, ...]:
    """The body's sentences in order (cached: autocomplete asks for the same section often)."""
    sentences: list[Sentence] = []
    paragraph = 0
    cursor = 0
    for brk in [*_PARAGRAPH.finditer(body), None]:
        stop = brk.start() if brk is not None else len(body)
        for start, end in _spans(body, cursor, stop):
            sentences.append(
                Sentence(
                    index=len(sentences),
                    start=start,
                    end=end,
                    paragraph=paragraph,
                    text=body[start:end],
                )
            )
        if brk is not None:
            cursor = brk.end()
            paragraph += 1
    return tuple(sentences)


def _spans(body: str, start: int, stop: int) -> list[tuple[int, int]]:
    """The sentence spans of one paragraph, body[start:stop], trimmed of surrounding space."""
    spans: list[tuple[int, int]] = []
    begin = start
    for match in _END.finditer(body, start, stop):
        if _is_abbreviation(body, begin, match.start()):
            continue
        spans.append((begin, match.end()))
        begin = match.end()
    spans.append((begin, stop))
    trimmed: list[tuple[int, int]] = []
    for a, b in spans:
        while a < b and body[a].isspace():
            a += 1
        while b > a and body[b - 1].isspace():
            b -= 1
        if a < b:
            trimmed.append((a, b))
    return trimmed


def _is_abbreviation(body: str, begin: int, dot: int) -> bool:
    """Whether the full stop at `dot` closes an abbreviation or an initial, not a sentence."""
    if body[dot] != "." or body[dot : dot + 2] == "..":
        return False
    word_start = dot
    while word_start > begin and not body[word_start - 1].isspace():
        word_start -= 1
    word = body[word_start:dot].lstrip("\"'“‘(«[").lower()
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "J. R. Tolkien"
    return word in _ABBREVIATIONS
