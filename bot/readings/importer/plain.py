"""Plain-text articles: heading-like lines and the outline they give."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.readings.importer.chunks import Block, Draft, finish_sections, make_blocks
from bot.readings.importer.lines import normalize
from bot.readings.importer.model import DEFAULT_MAX_WORDS, ImportedSection

_BULLET = re.compile(r"^\s*([-*+•–—]|\d{1,3}[.)])\s")
_NUMBERED = re.compile(r"^\s*\d{1,3}([.)]\s|\.[-–—]\s*(?=[^\W\d_])|\s+[-–—]\s)")
_DASHED_NUMBER = re.compile(
    r"^(\d{1,3})(\.[-–—]\s*|\s+[-–—]\s+)"
)  # "1.-The State": a lost space, web copy
_BYLINE = re.compile(r"^(by|written by|posted by|published by)\s", re.I)
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}\b|\b\d{{1,2}}\s+{_MONTH}\s+\d{{4}}\b"
    r"|\b\d{4}-\d{2}-\d{2}\b",
    re.I,
)


def split_plain(text: str, max_words: int = DEFAULT_MAX_WORDS) -> list[ImportedSection]:
    """Sections by heading-like lines, falling back to chunks of about `max_words` words."""
    if max_words < 1:
        raise ValueError("max_words must be positive")
    _, preamble, drafts = plain_outline(normalize(text).split("\n"))
    return finish_sections(preamble, drafts, max_words, markdown=False)


def plain_outline(lines: list[str]) -> tuple[str | None, list[Block], list[Draft]]:
    blocks = make_blocks(lines, False)
    flags = [_plain_heading(blocks, i) for i in range(len(blocks))]
    title: str | None = None
    start = 0
    if len(blocks) > 1 and flags[0]:
        title = blocks[0].text.strip()
        start = 1
    rest = flags[start:]
    if sum(rest) * 2 > len(rest):  # mostly short lines: a poem or a list, not headings
        rest = [False] * len(rest)
    preamble: list[Block] = []
    drafts: list[Draft] = []
    for block, is_heading in zip(blocks[start:], rest, strict=True):
        if is_heading:
            heading = _DASHED_NUMBER.sub(r"\1. ", " ".join(block.text.split()))
            drafts.append(Draft(heading, level=2 if _NUMBERED.match(heading) else 1))
        elif drafts:
            drafts[-1].blocks.append(block)
        else:
            preamble.append(block)
    return title, preamble, drafts


def _plain_heading(blocks: Sequence[Block], i: int) -> bool:
    text = blocks[i].text.strip()
    if "\n" in text or not heading_like(text):
        return False
    if _NUMBERED.match(text):  # "1. Title" is a heading unless its neighbours are numbered too
        neighbours = [blocks[j].text for j in (i - 1, i + 1) if 0 <= j < len(blocks)]
        return not any(_NUMBERED.match(n) for n in neighbours)
    return True


def heading_like(line: str) -> bool:
    """A short line with no closing punctuation that is not a list item, byline or date."""
    text = line.strip()
    if not text or len(text) > 90 or len(text.split()) > 12:
        return False
    if _BULLET.match(text) and not _NUMBERED.match(text):
        return False
    core = text.rstrip("\"'”’»)]*_ ")
    if not core or core[-1] in ".,;:!?…":
        return False
    letters = [c for c in text if c.isalpha()]
    if not letters or letters[0].islower():
        return False
    return not (_BYLINE.match(text) or _DATE.search(text))
