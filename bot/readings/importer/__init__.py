"""Split an article (Markdown or plain text) into reading sections, leaving comment threads out."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from bot.readings.importer.chunks import (
    INTRO_MIN_WORDS,
    LONG_SECTION_FACTOR,
    finish_sections,
    split_sentences,
)
from bot.readings.importer.footer import TAIL_MIN_WORDS, article_end
from bot.readings.importer.lines import normalize
from bot.readings.importer.markdown import markdown_outline, split_markdown, strip_front_matter
from bot.readings.importer.model import (
    DEFAULT_MAX_WORDS,
    MAX_ARTICLE_BYTES,
    SUFFIXES,
    ArticleImportError,
    ImportedSection,
    ImportResult,
    SourceKind,
)
from bot.readings.importer.output import (
    MAX_READING_TITLE,
    MAX_SECTION_TITLE,
    one_line,
    reading_yaml,
    sections_table,
    slugify,
)
from bot.readings.importer.plain import heading_like, plain_outline, split_plain
from bot.readings.model import ID_PATTERN

__all__ = [
    "DEFAULT_MAX_WORDS",
    "INTRO_MIN_WORDS",
    "LONG_SECTION_FACTOR",
    "MAX_ARTICLE_BYTES",
    "MAX_READING_TITLE",
    "MAX_SECTION_TITLE",
    "SUFFIXES",
    "TAIL_MIN_WORDS",
    "ArticleImportError",
    "ImportResult",
    "ImportedSection",
    "SourceKind",
    "article_end",
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

log = logging.getLogger(__name__)


def import_article(
    path: Path,
    *,
    max_words: int = DEFAULT_MAX_WORDS,
    reading_id: str | None = None,
    title: str | None = None,
) -> ImportResult:
    """Read a .md/.markdown/.txt file and split it into sections (see `import_text`)."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise ArticleImportError(
            f"{path}: cannot import a {path.suffix or 'extensionless'} file; "
            "give a Markdown (.md, .markdown) or plain-text (.txt) file"
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ArticleImportError(f"{path}: cannot read: {exc.strerror}") from None
    if not path.is_file():
        raise ArticleImportError(f"{path}: is not a file")
    if size > MAX_ARTICLE_BYTES:
        raise ArticleImportError(
            f"{path}: the file is {size / 1_048_576:.1f} MB; articles over "
            f"{MAX_ARTICLE_BYTES // 1_048_576} MB are refused (split it into several readings)"
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ArticleImportError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleImportError(
            f"{path}: not UTF-8 text (bad byte at offset {exc.start}); "
            "save the file as UTF-8 and import it again"
        ) from None
    if reading_id is None:
        reading_id = slugify(path.stem) or "imported-reading"
    fallback_title = " ".join(re.split(r"[-_\s]+", path.stem)).strip().capitalize()
    return import_text(
        text,
        kind=kind,
        max_words=max_words,
        reading_id=reading_id,
        title=title,
        fallback_title=fallback_title or "Imported reading",
        source=str(path),
    )


def import_text(
    text: str,
    *,
    kind: SourceKind,
    max_words: int = DEFAULT_MAX_WORDS,
    reading_id: str = "imported-reading",
    title: str | None = None,
    fallback_title: str = "Imported reading",
    source: str = "the article",
) -> ImportResult:
    """Split article text into sections, cutting any comment thread or footer after its end."""
    if not 1 <= max_words <= 100_000:
        raise ArticleImportError(f"max words must be between 1 and 100000, not {max_words}")
    if re.fullmatch(ID_PATTERN, reading_id) is None:
        raise ArticleImportError(
            f"reading id {reading_id!r} is not allowed: use 1-64 lowercase letters, digits, "
            "'-' or '_', starting with a letter or digit"
        )
    markdown = kind == "markdown"
    lines = normalize(text).split("\n")
    meta_title = None
    if markdown:
        lines, meta_title = strip_front_matter(lines)
    end = article_end(lines, markdown=markdown)
    dropped = 0
    if end is not None:
        dropped = sum(1 for line in lines[end:] if line.strip())
        log.debug(
            "%s: left out %d lines after the article's end (line %d)", source, dropped, end + 1
        )
        lines = lines[:end]
    if markdown:
        found_title, preamble, drafts = markdown_outline(lines)
    else:
        found_title, preamble, drafts = plain_outline(lines)
    sections = finish_sections(preamble, drafts, max_words, markdown=markdown)
    if not any(section.words for section in sections):
        raise ArticleImportError(f"{source}: there is no article text to import")
    chosen = title if title is not None and title.strip() else found_title or meta_title
    return ImportResult(
        title=one_line(normalize(chosen or fallback_title), MAX_READING_TITLE),
        sections=tuple(sections),
        dropped_tail_lines=dropped,
        source_kind=kind,
        reading_id=reading_id,
    )
