"""The importer's result types, its error and the size limits it enforces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.core.i18n import ENGLISH, N_, Words
from bot.core.said import Saying

SourceKind = Literal["markdown", "plain", "html", "pdf", "epub"]
SplitMode = Literal["auto", "headings", "outline", "words"]

DEFAULT_MAX_WORDS = 600
MAX_ARTICLE_BYTES = 10 * 1024 * 1024  # text and HTML: a longer article is several readings
MAX_DOCUMENT_BYTES = 100 * 1024 * 1024  # PDF and EPUB carry images and fonts beside the text
WORDS_PER_MINUTE = 200
SUFFIXES: dict[str, SourceKind] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "plain",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".epub": "epub",
}


class ArticleImportError(Saying):
    """The article cannot be imported; the sentence says why and what to do instead."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportedSection:
    title: str
    body: str
    words: int

    @property
    def minutes(self) -> int:
        """Minutes to read at about 200 words a minute, at least one."""
        return max(1, round(self.words / WORDS_PER_MINUTE))


AFTER_END = N_("after the article's end")


@dataclass(frozen=True, slots=True, kw_only=True)
class Dropped:
    """Text the importer left out of the reading, and why, so the admin can check it."""

    # English catalog messages (marked with `N_` where they are made), said in `describe`
    where: str  # e.g. "after the article's end", "above the article", "on the pages"
    reason: str  # e.g. "a comment thread"; several joined, in English
    lines: tuple[str, ...]  # the text left out, one line each
    reasons: tuple[str, ...] = ()  # the kinds `reason` joins, when there are several

    @property
    def count(self) -> int:
        return sum(1 for line in self.lines if line.strip())

    def describe(self, words: Words = ENGLISH) -> str:
        """ "dropped 61 lines after the article's end: a comment thread", in `words`."""
        kinds = [words.gettext(r) for r in (self.reasons or (self.reason,))]
        reason = (
            kinds[0]
            if len(kinds) == 1
            else words.gettext("{some} and {last}", some=", ".join(kinds[:-1]), last=kinds[-1])
        )
        return words.ngettext(
            "dropped {n} line {where}: {reason}",
            "dropped {n} lines {where}: {reason}",
            self.count,
            where=words.gettext(self.where),
            reason=reason,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Metadata:
    """What the source says about itself; None where it says nothing."""

    title: str | None = None
    author: str | None = None
    date: str | None = None  # ISO 8601 where the source gives a parseable date
    site: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportResult:
    """Sections found in an article; `dropped_tail_lines` counts non-blank lines cut as footer."""

    title: str
    sections: tuple[ImportedSection, ...]
    dropped_tail_lines: int
    source_kind: SourceKind
    reading_id: str = "imported-reading"
    metadata: Metadata = Metadata()
    dropped: tuple[Dropped, ...] = ()
