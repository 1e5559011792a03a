"""The importer's result types, its error and the size limits it enforces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SourceKind = Literal["markdown", "plain"]

DEFAULT_MAX_WORDS = 600
MAX_ARTICLE_BYTES = 10 * 1024 * 1024
SUFFIXES: dict[str, SourceKind] = {".md": "markdown", ".markdown": "markdown", ".txt": "plain"}


class ArticleImportError(Exception):
    """The article cannot be imported; the message says why and what to do instead."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportedSection:
    title: str
    body: str
    words: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportResult:
    """Sections found in an article; `dropped_tail_lines` counts non-blank lines cut as footer."""

    title: str
    sections: tuple[ImportedSection, ...]
    dropped_tail_lines: int
    source_kind: SourceKind
    reading_id: str = "imported-reading"
