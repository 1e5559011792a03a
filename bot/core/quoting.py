"""Quoted words in a command line: `"a few words"` in any usual quotation marks, or `#N` for a
numbered sentence. The parser reads them; adapters whose platforms give a passage an option of
its own put the words in quotes."""

from __future__ import annotations

import re

_REFERENCE = re.compile(r"#(\d{1,6})")
# what may open quoted words, and what closes each
_QUOTES = {'"': '"', "“": "”", "„": "“”", "«": "»", "‘": "’", "'": "'", "‚": "‘’", "「": "」"}


def take_quoted(text: str, at: int = 0) -> tuple[str, int] | None:
    """The quoted words starting at `text[at]` (any usual quotation marks) or a `#N` there,
    and where they end; None when `text[at]` opens neither."""
    opening = text[at : at + 1]
    closers = _QUOTES.get(opening)
    if closers is None:
        reference = _REFERENCE.match(text, at)
        if reference is not None and (
            reference.end() == len(text) or text[reference.end()].isspace()
        ):
            return reference.group(0), reference.end()
        return None
    ends = [i for i in (text.find(c, at + 1) for c in closers) if i > at]
    if not ends:
        return None
    end = min(ends)
    return text[at + 1 : end].strip(), end + 1


def as_quoted(passage: str) -> str:
    """A passage given in an option of its own (a Discord slash option holds the words
    alone), as the parser reads it: in quotation marks, unless already quoted or a #N."""
    words = passage.strip()
    if take_quoted(words) is not None:
        return words
    return '"' + words.replace('"', "'") + '"'
