"""Split an article (HTML, PDF, EPUB, Markdown or plain text) into reading sections."""

from __future__ import annotations

from pathlib import Path

from bot.core.i18n import ENGLISH, Words
from bot.readings.importer.article import Extracted, Options, TextKind, assemble
from bot.readings.importer.chunks import (
    INTRO_MIN_WORDS,
    LONG_SECTION_FACTOR,
    split_sentences,
)
from bot.readings.importer.footer import TAIL_MIN_WORDS, article_end
from bot.readings.importer.markdown import split_markdown
from bot.readings.importer.model import (
    DEFAULT_MAX_WORDS,
    MAX_ARTICLE_BYTES,
    MAX_DOCUMENT_BYTES,
    SUFFIXES,
    ArticleImportError,
    Dropped,
    ImportedSection,
    ImportResult,
    Metadata,
    SourceKind,
    SplitMode,
)
from bot.readings.importer.output import (
    MAX_READING_TITLE,
    MAX_SECTION_TITLE,
    dropped_lines,
    reading_yaml,
    sections_table,
    slugify,
)
from bot.readings.importer.plain import heading_like, split_plain
from bot.readings.importer.source import extract, fallback_title

__all__ = [
    "DEFAULT_MAX_WORDS",
    "INTRO_MIN_WORDS",
    "LONG_SECTION_FACTOR",
    "MAX_ARTICLE_BYTES",
    "MAX_DOCUMENT_BYTES",
    "MAX_READING_TITLE",
    "MAX_SECTION_TITLE",
    "SUFFIXES",
    "TAIL_MIN_WORDS",
    "ArticleImportError",
    "Dropped",
    "ImportResult",
    "ImportedSection",
    "Metadata",
    "SourceKind",
    "SplitMode",
    "article_end",
    "dropped_lines",
    "heading_like",
    "import_article",
    "import_text",
    "reading_yaml",
    "sections_table",
    "slugify",
    "split_markdown",
    "split_plain",
    "split_sentences",
]


def import_article(
    path: Path,
    *,
    max_words: int = DEFAULT_MAX_WORDS,
    reading_id: str | None = None,
    title: str | None = None,
    keep_tail: bool = False,
    split: SplitMode = "auto",
    words: Words = ENGLISH,
) -> ImportResult:
    """Read an HTML, PDF, EPUB, Markdown or plain-text file and split it into sections; the
    titles it makes up for untitled text ("Part 2") are in `words`."""
    options = Options(
        max_words=max_words,
        reading_id=reading_id
        if reading_id is not None
        else slugify(path.stem) or "imported-reading",
        title=title,
        fallback_title=fallback_title(path),
        keep_tail=keep_tail,
        split=split,
        words=words,
    )
    options.check()
    return assemble(extract(path), options, source=str(path))


def import_text(
    text: str,
    *,
    kind: SourceKind,
    max_words: int = DEFAULT_MAX_WORDS,
    reading_id: str = "imported-reading",
    title: str | None = None,
    fallback_title: str = "Imported reading",
    source: str = "the article",
    keep_tail: bool = False,
    split: SplitMode = "auto",
) -> ImportResult:
    """Split Markdown or plain article text into sections, cutting page furniture and any
    comment thread or footer after its end (each reported in `dropped`)."""
    options = Options(
        max_words=max_words,
        reading_id=reading_id,
        title=title,
        fallback_title=fallback_title,
        keep_tail=keep_tail,
        split=split,
    )
    text_kind: TextKind = "markdown" if kind == "markdown" else "plain"
    return assemble(Extracted(kind=kind, text=text, text_kind=text_kind), options, source=source)
