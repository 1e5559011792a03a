"""Output of an import: the reading YAML file and the table of sections found."""

from __future__ import annotations

import json
import re
import textwrap
import unicodedata
from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from bot.core.i18n import ENGLISH, N_, Words
from bot.documents.yamlsource import MAX_YAML_BYTES
from bot.readings.importer.lines import normalize
from bot.readings.importer.model import ArticleImportError, ImportedSection, ImportResult, Metadata
from bot.readings.model import ID_PATTERN

MAX_SECTION_TITLE = 200
MAX_READING_TITLE = 300


def slugify(text: str, max_length: int = 48) -> str:
    """A lowercase ASCII id made of letters, digits and hyphens ("" when nothing is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        slug = (cut.rsplit("-", 1)[0] if "-" in cut else cut).strip("-")
    return slug


def one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _section_ids(sections: Sequence[ImportedSection]) -> list[str]:
    ids: list[str] = []
    seen: set[str] = set()
    for n, section in enumerate(sections, start=1):
        base = slugify(section.title) or f"section-{n}"
        candidate, k = base, 2
        while candidate in seen:
            candidate, k = f"{base}-{k}", k + 1
        seen.add(candidate)
        ids.append(candidate)
    return ids


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def reading_yaml(
    result: ImportResult, reading_id: str | None = None, words: Words = ENGLISH
) -> str:
    """A reading file for `result`, loadable by `bot.readings.load_reading`, prompts left empty;
    its comments to the admin in `words`."""
    rid = reading_id if reading_id is not None else result.reading_id
    if re.fullmatch(ID_PATTERN, rid) is None:
        raise ArticleImportError(
            N_("reading id {id} is not allowed (lowercase, digits, - or _)"), id=repr(rid)
        )
    meta = result.metadata
    lines = [
        *_comment(
            words.gettext(
                "Imported by `studybot import`. Check where the sections break, fill in what the "
                "source did not say, and give each section two or three open discussion prompts."
            ),
            "",
        ),
        f"id: {_quoted(rid)}",
        f"title: {_quoted(one_line(normalize(result.title), MAX_READING_TITLE) or rid)}",
        *_metadata_lines(meta, words),
        "sections:",
    ]
    for section_id, section in zip(_section_ids(result.sections), result.sections, strict=True):
        title = one_line(normalize(section.title), MAX_SECTION_TITLE) or section_id
        lines += [
            f"  - id: {_quoted(section_id)}",
            f"    title: {_quoted(title)}",
            *_comment(
                words.gettext(
                    'TODO: add prompts, e.g. prompts: ["What is the main argument here?"]'
                ),
                "    ",
            ),
            "    prompts: []",
        ]
        body = [line.rstrip() for line in normalize(section.body).strip().split("\n")]
        if body == [""]:
            lines.append('    body: ""')
        else:
            lines.append("    body: |")
            lines += [f"      {line}" if line else "" for line in body]
    text = "\n".join(lines) + "\n"
    size = len(text.encode("utf-8"))
    if size > MAX_YAML_BYTES:
        raise ArticleImportError(
            N_(
                "the reading would be {size} kB, over the {limit} kB limit for a reading file; "
                "import a shorter article or split it into several readings"
            ),
            size=size // 1000,
            limit=MAX_YAML_BYTES // 1000,
        )
    return text


def _comment(text: str, indent: str) -> list[str]:
    """`text` as YAML comment lines of at most about 92 characters."""
    return [f"{indent}# {line}" for line in textwrap.wrap(text, 90 - len(indent))]


def _metadata_lines(meta: Metadata, words: Words) -> list[str]:
    author = one_line(normalize(meta.author), 300) if meta.author else ""
    publication = ", ".join(p for p in (meta.site, meta.date) if p)
    no_author = words.gettext("the source named no author")
    no_url = words.gettext("the article's URL")
    return [
        f"author: {_quoted(author)}" if author else f'author: ""  # {no_author}',
        f"source: {_quoted(meta.url)}" if meta.url else f"source: null  # {no_url}",
        f"publication: {_quoted(one_line(normalize(publication), 300))}"
        if publication
        else "publication: null",
    ]


def sections_table(result: ImportResult, w: Words = ENGLISH) -> Table:
    """A table of the sections found: number, title, word count and minutes to read."""
    table = Table(title=Text(result.title))
    table.add_column("#", justify="right")
    table.add_column(w.gettext("Title"))
    table.add_column(w.gettext("Words"), justify="right")
    table.add_column(w.gettext("Minutes"), justify="right")
    for n, section in enumerate(result.sections, start=1):
        table.add_row(str(n), Text(section.title), str(section.words), str(section.minutes))
    return table


def dropped_lines(result: ImportResult, words: Words = ENGLISH) -> list[str]:
    """One sentence per kind of text left out, e.g. "dropped 61 lines after the article's end:
    a comment thread", with the first words of what went, so the admin can check."""
    out: list[str] = []
    for dropped in result.dropped:
        if not dropped.count:
            continue
        first = next(line for line in dropped.lines if line.strip())
        out.append(
            words.gettext(
                "{what} (from {first})",
                what=dropped.describe(words),
                first=_quoted(one_line(first.strip(), 60)),
            )
        )
    return out
