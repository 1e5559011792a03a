"""End-of-article detection: where a comment thread or page footer starts."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.readings.importer.lines import MD_LINK, fenced_lines

TAIL_MIN_WORDS = 30  # a footer marker only counts once this much article precedes it

# Lines that mark the end of an article on a web page, each with the most words it may have.
_TAIL_MARKERS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(pattern, re.I), max_words)
    for pattern, max_words in (
        (r"(\d[\d,.]*\s+)?comments?(\s*\(\d+\))?", 4),
        (r"comments are closed|show comments|view comments|load comments", 5),
        (r"(\d[\d,.]*|one|two|three|four|five)\s+(comments?|responses?|replies|thoughts)", 4),
        (
            r"(\d[\d,.]*|one|two|three|four|five)\s+(comments?|responses?|replies|thoughts)\s+"
            r"(on|to)\s.*",
            40,
        ),
        (r"(leave|post|add|write) a (reply|comment|response)(\s+to\s.*)?", 40),
        (r"(join|start) the (discussion|conversation)|reply|cancel reply", 4),
        (r"related( posts?| articles?| stories| reading| content| links)?", 3),
        (r"you (may|might) also (like|enjoy)|more (stories|articles|posts) like this", 8),
        (r"recommended( for you| reading)?|read next|what to read next", 5),
        (r"share( this( article| post| story| page)?)?|share (on|via)\s+\w+", 5),
        (r"like this|loading|like loading", 3),
        (r"subscribe( now| today| to [^.]*)?|sign up for (our|the) newsletter", 12),
        (r"print friendly.*|print( this)?( article| page| post)?", 8),
        (r"(posted|filed|published) (in|under)\s.*", 12),
        (r"(tags?|tagged( with)?|categories|category|topics)\s*:.*", 20),
        (r"(©|\(c\)|copyright)\s*(©\s*)?(\d{4}|by\s).*|.*\ball rights reserved", 20),
        (r"(facebook|twitter|email|e-mail|tweet|pinterest|reddit|whatsapp|linkedin|telegram)", 1),
    )
)
_SAYS = re.compile(r"^\S.{0,80}\ssays:$", re.I)


def article_end(lines: Sequence[str], *, markdown: bool) -> int | None:
    """Index of the line where a comment thread or page footer starts, if one can be told apart."""
    fenced = fenced_lines(lines) if markdown else [False] * len(lines)
    words_before = 0
    for i, line in enumerate(lines):
        if not fenced[i] and words_before >= TAIL_MIN_WORDS and _starts_tail(lines, i, fenced):
            return i
        words_before += len(line.split())
    return None


def _marker_text(line: str) -> str:
    text = MD_LINK.sub(r"\1", line.strip())
    text = text.lstrip("#>*_-–—•| \t").rstrip(":.!*_#|… \t")
    return " ".join(text.split())


def _starts_tail(lines: Sequence[str], i: int, fenced: Sequence[bool]) -> bool:
    text = _marker_text(lines[i])
    if not text:
        return False
    words = len(text.split())
    if any(words <= most and rx.fullmatch(text) for rx, most in _TAIL_MARKERS):
        return True
    return _is_says_line(lines[i]) and any(
        not fenced[j] and (_is_says_line(lines[j]) or _marker_text(lines[j]).lower() == "reply")
        for j in range(i + 1, len(lines))
    )


def _is_says_line(line: str) -> bool:
    text = line.strip()
    return len(text.split()) <= 8 and _SAYS.match(text) is not None
