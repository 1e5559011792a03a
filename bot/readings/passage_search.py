"""Finding a sentence of a session's text from a few words a member typed: for `quote "..."`
(a unique match, or the candidates to choose from) and for Discord's autocomplete.

Sentences are numbered from 1 across the session's sections; `#N` names sentence N directly.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.core.quoting import take_quoted
from bot.readings.sentences import split_sentences

_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_NOT_WORD = re.compile(r"[^\w]+")
_REFERENCE = re.compile(r"#(\d{1,6})")
FUZZY_CUTOFF = 0.8  # how alike two words must be (difflib's ratio) to count as the same
FUZZY_SHARE = 0.7  # of the typed words that must be found, near enough, in one sentence
CANDIDATES_SHOWN = 5


def normalize(text: str) -> str:
    """Lower-case words separated by single spaces, padded: what matching compares."""
    flat = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text)).casefold()
    return " " + " ".join(_NOT_WORD.sub(" ", flat).split()) + " "


def quoted_words(text: str) -> tuple[str, str] | None:
    """`"a few words" a comment` as (the words, the comment); None when it does not start so."""
    stripped = text.strip()
    taken = take_quoted(stripped)
    if taken is None or not taken[0]:
        return None
    said, end = taken
    return said, stripped[end:].strip()


@dataclass(frozen=True, slots=True, kw_only=True)
class Passage:
    """One sentence of a session's text: its number in the session (from 1), its section and
    its index there, and its text."""

    number: int
    section_id: str
    sentence: int
    text: str
    normalized: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Found:
    """What a member's words found: one passage, several to choose from, or none."""

    passage: Passage | None = None
    candidates: tuple[Passage, ...] = ()


@dataclass(frozen=True, slots=True)
class PassageIndex:
    """The sentences of a session's sections, ready to search."""

    passages: tuple[Passage, ...]
    vocabulary: tuple[str, ...]  # every word of the text, sorted, for near spellings
    # every passage's normalized text one after another, and where each starts in it; a
    # match never spans two, as each is padded with a space and the needles have single ones
    joined: str = ""
    starts: tuple[int, ...] = ()

    def number(self, number: int) -> Passage | None:
        return self.passages[number - 1] if 1 <= number <= len(self.passages) else None

    def find(self, words: str) -> Found:
        """The sentence `words` come from: `#N`, the words in order, all of them in any
        order, or most of them spelled nearly alike, in that order of preference."""
        reference = _REFERENCE.fullmatch(words.strip())
        if reference is not None:
            found = self.number(int(reference.group(1)))
            return Found(passage=found) if found is not None else Found()
        phrase = normalize(words)
        tokens = phrase.split()
        if not tokens:
            return Found()
        for tier in (
            [p for p in self.passages if phrase in p.normalized],
            [p for p in self.passages if all(f" {t}" in p.normalized for t in tokens)],
            self._nearly(tokens),
        ):
            if len(tier) == 1:
                return Found(passage=tier[0])
            if tier:
                return Found(candidates=tuple(tier[:CANDIDATES_SHOWN]))
        return Found()

    def _nearly(self, tokens: list[str]) -> list[Passage]:
        vocabulary = self.vocabulary
        alike = [
            {t, *difflib.get_close_matches(t, vocabulary, n=8, cutoff=FUZZY_CUTOFF)} for t in tokens
        ]
        need = max(1, round(len(tokens) * FUZZY_SHARE))
        scored: list[tuple[int, Passage]] = []
        for passage in self.passages:
            words = set(passage.normalized.split())
            score = sum(1 for options in alike if options & words)
            if score >= need:
                scored.append((score, passage))
        if not scored:
            return []
        top = max(score for score, _ in scored)
        return [p for score, p in scored if score == top]

    def suggest(self, typed: str, *, limit: int = 25, width: int = 100) -> list[tuple[str, str]]:
        """Autocomplete: up to `limit` (value, label) pairs for what has been typed so far,
        each label within `width` characters and showing the words typed. Every typed word
        may be the start of a word of the sentence: first the sentences with the typed words
        in order, then those with all of them in any order."""
        tokens = normalize(typed).split()
        if not tokens:
            chosen = list(self.passages[:limit])
        else:
            first = self._holding(" " + " ".join(tokens), limit)
            chosen = [self.passages[i] for i in first]
            if len(tokens) > 1 and len(chosen) < limit:
                keys = [f" {t}" for t in tokens]
                probe = max(keys, key=len)  # the longest word is likely the rarest
                taken = set(first)
                for i in self._holding(probe, len(self.passages)):
                    text = self.passages[i].normalized
                    if i not in taken and all(k in text for k in keys):
                        chosen.append(self.passages[i])
                        if len(chosen) >= limit:
                            break
        return [(f"#{p.number}", label(p, tokens, width)) for p in chosen]

    def _holding(self, needle: str, limit: int) -> list[int]:
        """The places (from 0) of the first `limit` passages whose normalized text holds
        `needle`, found in the joined text with str.find: scanning 10,000 sentences one by
        one in Python took 25 ms a keystroke (bench/passages.py), this a few."""
        joined, starts = self.joined, self.starts
        found: list[int] = []
        at = joined.find(needle)
        while at != -1 and len(found) < limit:
            place = bisect_right(starts, at) - 1
            found.append(place)
            if place + 1 >= len(starts):
                break
            at = joined.find(needle, starts[place + 1])
        return found


def label(passage: Passage, tokens: Sequence[str], width: int) -> str:
    """`N. the sentence`, cut to `width` around the first typed word, with … where cut."""
    head = f"{passage.number}. "
    text = " ".join(passage.text.split())
    room = width - len(head)
    if len(text) <= room:
        return head + text
    lowered = text.lower()
    at = min((i for i in (lowered.find(t) for t in tokens) if i >= 0), default=0)
    start = max(0, min(at - room // 4, len(text) - room))
    if start > 0:
        start += 1  # room for the leading …
    end = start + room - (1 if start > 0 else 0)
    if end < len(text):
        end -= 1
    piece = text[start:end]
    return head + ("…" if start > 0 else "") + piece + ("…" if end < len(text) else "")


@lru_cache(maxsize=128)
def passage_index(sections: tuple[tuple[str, str], ...]) -> PassageIndex:
    """The index of a session's sections given as (section id, body) pairs (cached)."""
    passages: list[Passage] = []
    for section_id, body in sections:
        for sentence in split_sentences(body):
            passages.append(
                Passage(
                    number=len(passages) + 1,
                    section_id=section_id,
                    sentence=sentence.index,
                    text=sentence.text,
                    normalized=normalize(sentence.text),
                )
            )
    vocabulary = tuple(sorted({w for p in passages for w in p.normalized.split()}))
    starts: list[int] = []
    at = 0
    for passage in passages:
        starts.append(at)
        at += len(passage.normalized)
    joined = "".join(p.normalized for p in passages)
    return PassageIndex(tuple(passages), vocabulary, joined, tuple(starts))
