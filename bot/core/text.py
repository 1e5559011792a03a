"""Text helpers: splitting long text to fit a message, and cleaning names for display."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Zero-width characters and bidi controls can disguise a name or reorder a line.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+")


def clean_name(name: str, limit: int = 64) -> str:
    """A display name safe to show: no invisible or control characters, one line, bounded."""
    name = _INVISIBLE.sub("", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split())
    if len(name) > limit:
        name = name[: limit - 1] + "…"
    return name or "someone"


def split_text(text: str, limit: int) -> list[str]:
    """Split text into pieces of at most `limit` characters, preferring paragraph, then
    sentence, then word boundaries; joining the pieces with blank lines gives the text back."""
    if limit < 20:
        raise ValueError("limit too small")
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    paragraphs = (p.strip() for p in re.split(r"\n\s*\n", text))
    return _pack((unit for p in paragraphs if p for unit in _fit(p, limit)), limit, "\n\n")


def _fit(paragraph: str, limit: int) -> list[str]:
    """A paragraph as pieces within `limit`, cut at sentence ends, or at words if it must."""
    if len(paragraph) <= limit:
        return [paragraph]
    sentences = _SENTENCE_END.split(paragraph)
    units = (u for s in sentences for u in (_words(s, limit) if len(s) > limit else [s]))
    return _pack(units, limit, " ")


def _words(sentence: str, limit: int) -> list[str]:
    """A sentence as pieces within `limit` cut between words; a longer word is cut itself."""
    chopped = (w[i : i + limit] for w in sentence.split() for i in range(0, len(w), limit))
    return _pack(chopped, limit, " ")


def _pack(units: Iterable[str], limit: int, separator: str) -> list[str]:
    """Join consecutive units with `separator` into as few pieces within `limit` as they go."""
    pieces: list[str] = []
    current = ""
    for unit in units:
        candidate = f"{current}{separator}{unit}" if current else unit
        if len(candidate) <= limit:
            current = candidate
        else:
            if current:
                pieces.append(current)
            current = unit
    if current:
        pieces.append(current)
    return pieces


def quote(text: str, limit: int = 280) -> str:
    """A short excerpt of member text for a summary: one paragraph, bounded."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        cut = flat[: limit - 1]
        if " " in cut[limit // 2 :]:
            cut = cut[: cut.rfind(" ")]
        flat = cut + "…"
    return flat
