"""Text helpers: splitting long text to fit a message, and cleaning names for display."""

from __future__ import annotations

import re
import unicodedata

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
    pieces: list[str] = []
    current = ""
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        for unit in _fit(paragraph, limit):
            candidate = f"{current}\n\n{unit}" if current else unit
            if len(candidate) <= limit:
                current = candidate
            else:
                if current:
                    pieces.append(current)
                current = unit
    if current:
        pieces.append(current)
    return pieces


def _fit(paragraph: str, limit: int) -> list[str]:
    if len(paragraph) <= limit:
        return [paragraph]
    out: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(paragraph):
        for unit in _words(sentence, limit) if len(sentence) > limit else [sentence]:
            candidate = f"{current} {unit}" if current else unit
            if len(candidate) <= limit:
                current = candidate
            else:
                if current:
                    out.append(current)
                current = unit
    if current:
        out.append(current)
    return out


def _words(sentence: str, limit: int) -> list[str]:
    out: list[str] = []
    current = ""
    for word in sentence.split():
        while len(word) > limit:
            if current:
                out.append(current)
                current = ""
            out.append(word[:limit])
            word = word[limit:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= limit:
            current = candidate
        else:
            out.append(current)
            current = word
    if current:
        out.append(current)
    return out


def quote(text: str, limit: int = 280) -> str:
    """A short excerpt of member text for a summary: one paragraph, bounded."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        cut = flat[: limit - 1]
        if " " in cut[limit // 2 :]:
            cut = cut[: cut.rfind(" ")]
        flat = cut + "…"
    return flat
