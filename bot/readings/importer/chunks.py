"""Blocks, chunking and sentences: paragraphs grouped into sections of a readable length."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.core.i18n import ENGLISH, Words
from bot.readings.importer.lines import MD_NOT_PROSE, fenced_lines
from bot.readings.importer.model import ImportedSection

INTRO_MIN_WORDS = 15  # shorter text before the first heading joins the first section
LONG_SECTION_FACTOR = 1.5  # a section longer than this many times max_words is chunked

_SENTENCE_GAP = re.compile(r"(?<![.!?…])([.!?…]+[\"'”’»)\]]*)\s+")
_OPENERS = "\"'“‘«([¿¡"
_FIRST_AFTER_OPENERS = re.compile(r"[\"'“‘«(\[¿¡]*(.)")
_ABBREVIATION = re.compile(
    r"mr|mrs|ms|dr|prof|st|jr|sr|vs|etc|e\.g|i\.e|no|fig|gen|col|lt|sen|rep|gov|inc|ltd|co"
    r"|u\.s|u\.k|u\.n|a\.m|p\.m|approx|dept|est|[a-z]"
)


@dataclass(frozen=True, slots=True)
class Block:
    text: str
    prose: bool  # may be cut at sentence ends when it is far too long on its own


@dataclass(slots=True)
class Draft:
    title: str | None  # None for text that came before any heading
    blocks: list[Block] = field(default_factory=list)
    level: int = 1  # heading depth: 1 for a top heading, more for sub-headings


@dataclass(frozen=True, slots=True)
class _Piece:
    text: str
    words: int
    continues: bool  # the rest of a paragraph that was cut at a sentence end


def make_blocks(lines: Sequence[str], markdown: bool) -> list[Block]:
    """Paragraphs separated by blank lines; a fenced code block stays one block."""
    fenced = fenced_lines(lines) if markdown else [False] * len(lines)
    blocks: list[Block] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            prose = not markdown or (MD_NOT_PROSE.match(current[0]) is None and not fenced_start)
            blocks.append(Block("\n".join(line.rstrip() for line in current), prose))
            current.clear()

    fenced_start = False
    for i, line in enumerate(lines):
        if not fenced[i] and not line.strip():
            flush()
            continue
        if current and fenced[i] != fenced[i - 1]:
            flush()  # a code fence is its own block even without blank lines around it
        if not current:
            fenced_start = fenced[i]
        current.append(line)
    flush()
    return blocks


def finish_sections(
    preamble: list[Block],
    drafts: list[Draft],
    max_words: int | None,
    *,
    markdown: bool,
    language: Words = ENGLISH,
) -> list[ImportedSection]:
    """The sections of the drafts, long ones cut into parts; the titles it makes up for
    untitled text are in `language` (the admin's)."""
    drafts = list(drafts)
    if preamble:
        if not drafts:
            drafts = [Draft(None, preamble)]
        elif _count(preamble) >= INTRO_MIN_WORDS:
            drafts.insert(0, Draft(language.gettext("Introduction"), preamble))
        else:
            drafts[0].blocks[:0] = preamble
    kept: list[Draft] = []
    carried: list[Block] = []
    for draft in drafts:
        if not draft.blocks and draft.title is not None:
            # A heading with nothing under it (a part title) leads into the next section.
            carried.append(Block(f"**{draft.title}**" if markdown else draft.title, False))
            continue
        kept.append(Draft(draft.title, carried + draft.blocks))
        carried = []
    if carried:
        if kept:
            kept[-1].blocks.extend(carried)
        else:
            kept.append(Draft(drafts[0].title, carried[1:]))
    sections: list[ImportedSection] = []
    for draft in kept:
        words = _count(draft.blocks)
        if max_words is not None and words > max_words * LONG_SECTION_FACTOR:
            chunks = _chunk(draft.blocks, max_words)
        else:
            chunks = [[_Piece(b.text, len(b.text.split()), False) for b in draft.blocks]]
        for n, chunk in enumerate(chunks, start=1):
            if draft.title is None:
                title = (
                    language.gettext("Part {number}", number=n)
                    if len(chunks) > 1
                    else language.gettext("Full text")
                )
            elif len(chunks) > 1:
                title = language.gettext("{title} (part {number})", title=draft.title, number=n)
            else:
                title = draft.title
            body = _join(chunk)
            sections.append(
                ImportedSection(
                    title=title or language.gettext("Untitled"), body=body, words=len(body.split())
                )
            )
    return sections


def _count(blocks: Sequence[Block]) -> int:
    return sum(len(b.text.split()) for b in blocks)


def _join(pieces: Sequence[_Piece]) -> str:
    out: list[str] = []
    for n, piece in enumerate(pieces):
        if n:
            out.append(" " if piece.continues else "\n\n")
        out.append(piece.text)
    return "".join(out)


def _chunk(blocks: Sequence[Block], max_words: int) -> list[list[_Piece]]:
    """Group paragraphs into chunks near `max_words`; only an oversized paragraph is cut, at
    sentence ends."""
    pieces: list[_Piece] = []
    for block in blocks:
        words = len(block.text.split())
        if block.prose and words > max_words * LONG_SECTION_FACTOR:
            sentences = split_sentences(block.text)
            pieces.extend(
                _Piece(s, len(s.split()), continues=k > 0) for k, s in enumerate(sentences)
            )
        else:
            pieces.append(_Piece(block.text, words, False))
    chunks: list[list[_Piece]] = []
    current: list[_Piece] = []
    size = 0
    for piece in pieces:
        over = size + piece.words - max_words
        if current and over > 0 and max_words - size <= over:
            chunks.append(current)
            current, size = [], 0
        current.append(piece)
        size += piece.words
    if current:
        last = sum(p.words for p in current)
        if chunks and last * 4 < max_words:
            chunks[-1].extend(current)  # a small remainder joins the chunk before it
        else:
            chunks.append(current)
    return chunks


def split_sentences(text: str) -> list[str]:
    """Cut text at sentence ends (not after common abbreviations or initials)."""
    sentences: list[str] = []
    start = 0
    for m in _SENTENCE_GAP.finditer(text):
        following = _FIRST_AFTER_OPENERS.match(text, m.end())
        if following is None or not (following[1].isupper() or following[1].isdigit()):
            continue
        # Look only at a short window so a long run without sentence ends stays linear.
        window = text[max(start, m.start(1) - 40) : m.start(1) + 1].split()
        last = window[-1].lower().rstrip(".").lstrip(_OPENERS) if window else ""
        if m[1].startswith(".") and _ABBREVIATION.fullmatch(last):
            continue
        piece = text[start : m.end(1)].strip()
        if piece:
            sentences.append(piece)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
