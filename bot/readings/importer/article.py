"""From an article's text (or the parts its source marks) to a reading's sections."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from bot.core.i18n import ENGLISH, N_, Words
from bot.readings.importer.byline import clean_author
from bot.readings.importer.chunks import Block, Draft, finish_sections, make_blocks
from bot.readings.importer.lines import normalize
from bot.readings.importer.markdown import markdown_outline, strip_front_matter
from bot.readings.importer.model import (
    DEFAULT_MAX_WORDS,
    ArticleImportError,
    Dropped,
    ImportedSection,
    ImportResult,
    Metadata,
    SourceKind,
    SplitMode,
)
from bot.readings.importer.nesting import nest_sub_headings
from bot.readings.importer.output import MAX_READING_TITLE, one_line
from bot.readings.importer.plain import plain_outline
from bot.readings.importer.tail import find_tail, tail_dropped
from bot.readings.importer.webcopy import strip_furniture
from bot.readings.model import ID_PATTERN

log = logging.getLogger(__name__)

TextKind = Literal["markdown", "plain"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    """How the admin asked for the article to be cut."""

    max_words: int = DEFAULT_MAX_WORDS
    reading_id: str = "imported-reading"
    title: str | None = None
    fallback_title: str = "Imported reading"
    keep_tail: bool = False
    split: SplitMode = "auto"
    # the admin's language: the titles the importer makes up ("Part 2", "Introduction")
    words: Words = ENGLISH

    def check(self) -> None:
        if not 1 <= self.max_words <= 100_000:
            raise ArticleImportError(
                N_("max words must be between 1 and 100000, not {number}"),
                number=str(self.max_words),
            )
        if re.fullmatch(ID_PATTERN, self.reading_id) is None:
            raise ArticleImportError(
                N_(
                    "reading id {id} is not allowed: use 1-64 lowercase letters, digits, '-' "
                    "or '_', starting with a letter or digit"
                ),
                id=repr(self.reading_id),
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class Part:
    """A section its source marks itself: a PDF bookmark, an EPUB table-of-contents entry."""

    title: str
    text: str  # Markdown


@dataclass(frozen=True, slots=True, kw_only=True)
class Extracted:
    """What a reader of one source kind hands on: Markdown or plain text, or marked parts."""

    kind: SourceKind
    text: str
    text_kind: TextKind
    parts: tuple[Part, ...] = ()
    metadata: Metadata = field(default_factory=Metadata)
    dropped: tuple[Dropped, ...] = ()
    web_copy: bool = True  # look for captions, bylines and comment threads
    tail: str = ""  # what the reader set apart after the article (a page's comments)


def assemble(extracted: Extracted, options: Options, *, source: str) -> ImportResult:
    """Sections for the extracted text, with what was left out and why."""
    options.check()
    dropped = list(extracted.dropped)
    if options.keep_tail and extracted.tail:
        extracted = replace(extracted, text=f"{extracted.text}\n\n{extracted.tail}")
        dropped = [d for d in dropped if d.where != "after the article's end"]
    metadata = extracted.metadata
    use_parts = bool(extracted.parts) and options.split in ("auto", "outline")
    if use_parts:
        found_title: str | None = None
        drafts = [
            Draft(normalize(part.title), _part_blocks(part), 1)
            for part in extracted.parts
            if part.text.strip()
        ]
        preamble: list[Block] = []
        dropped_tail = 0
    else:
        found_title, preamble, drafts, dropped_tail, author = _outline(
            extracted, options, dropped, source
        )
        if author and not metadata.author:
            metadata = replace(metadata, author=author)
    if options.split == "words":
        preamble = _flatten(preamble, drafts, markdown=extracted.text_kind == "markdown")
        drafts = []
    else:
        drafts = nest_sub_headings(drafts)
    sections = finish_sections(
        preamble,
        drafts,
        options.max_words,
        markdown=extracted.text_kind == "markdown",
        language=options.words,
    )
    if options.split == "words":
        sections = _numbered_parts(sections, options.words)
    if not any(section.words for section in sections):
        raise ArticleImportError(N_("{source}: there is no article text to import"), source=source)
    sections = [s for s in sections if s.words]
    chosen = options.title if options.title is not None and options.title.strip() else None
    title = chosen or found_title or metadata.title or options.fallback_title
    if metadata.title is None and found_title:
        metadata = replace(metadata, title=found_title)
    return ImportResult(
        title=one_line(normalize(title), MAX_READING_TITLE),
        sections=tuple(sections),
        dropped_tail_lines=dropped_tail,
        source_kind=extracted.kind,
        reading_id=options.reading_id,
        metadata=metadata,
        dropped=tuple(dropped),
    )


def _outline(
    extracted: Extracted, options: Options, dropped: list[Dropped], source: str
) -> tuple[str | None, list[Block], list[Draft], int, str | None]:
    markdown = extracted.text_kind == "markdown"
    lines = normalize(extracted.text).split("\n")
    meta_title = None
    author = None
    if markdown:
        stripped, meta_title = strip_front_matter(lines)
        author = _front_matter_author(lines[: len(lines) - len(stripped)])
        lines = stripped
    if extracted.web_copy:
        furniture = strip_furniture(lines, markdown=markdown)
        lines, author = furniture.lines, author or clean_author(furniture.author)
        dropped.extend(furniture.dropped)
    dropped_tail = 0
    if extracted.web_copy and not options.keep_tail:
        tail = find_tail(lines, markdown=markdown)
        if tail is not None:
            end, reasons = tail
            cut = tail_dropped(lines[end:], reasons)
            dropped.append(cut)
            dropped_tail = cut.count
            log.debug(
                "%s: left out %d lines after line %d (%s)", source, cut.count, end, cut.reason
            )
            lines = lines[:end]
    if markdown:
        found_title, preamble, drafts = markdown_outline(lines)
    else:
        found_title, preamble, drafts = plain_outline(lines)
    return found_title or meta_title, preamble, drafts, dropped_tail, author


def _front_matter_author(front: Sequence[str]) -> str | None:
    for line in front:
        key, _, value = line.partition(":")
        if key.strip().lower() in ("author", "authors", "by") and value.strip():
            return value.strip().strip("\"'") or None
    return None


def _part_blocks(part: Part) -> list[Block]:
    blocks = make_blocks(normalize(part.text).split("\n"), True)
    if blocks and _same_words(blocks[0].text, part.title):
        blocks = blocks[1:]  # the chapter's own heading repeats the bookmark's title
    return blocks


def _same_words(a: str, b: str) -> bool:
    def letters(text: str) -> str:
        return "".join(c for c in text.casefold() if c.isalnum())

    return letters(a) == letters(b)


def _flatten(preamble: list[Block], drafts: Sequence[Draft], *, markdown: bool) -> list[Block]:
    blocks = list(preamble)
    for draft in drafts:
        if draft.title:
            blocks.append(Block(f"**{draft.title}**" if markdown else draft.title, False))
        blocks.extend(draft.blocks)
    return blocks


def _numbered_parts(sections: list[ImportedSection], words: Words) -> list[ImportedSection]:
    if len(sections) == 1:
        return sections
    return [
        replace(s, title=words.gettext("Part {number}", number=n))
        for n, s in enumerate(sections, start=1)
    ]
