"""`studybot import`: import a source, show its sections and what was dropped, write the file."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from bot.core.i18n import ENGLISH, Words
from bot.readings.importer.atomic import write_atomically
from bot.readings.importer.model import AFTER_END, ArticleImportError, ImportResult, SplitMode
from bot.readings.importer.output import dropped_lines, reading_yaml, sections_table

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportRequest:
    source: Path
    target: Path | None
    max_words: int
    reading_id: str | None
    title: str | None
    force: bool = False
    split: SplitMode = "auto"
    keep_tail: bool = False
    dry_run: bool = False


def run_import(
    request: ImportRequest, *, out: Console, err: Console, words: Words = ENGLISH
) -> int:
    """Import, print the table and the dropped text, and write the reading whole (or nothing)."""
    from bot.readings.importer import import_article

    w = words
    target = request.target
    if target is None and not request.dry_run:
        err.print(
            w.gettext("Give --out readings/NAME.yaml, or --dry-run to only see the sections."),
            markup=False,
        )
        return 1
    if target is not None and target.exists() and not request.force and not request.dry_run:
        err.print(
            w.gettext("{target} exists; pass --force to overwrite it.", target=target),
            markup=False,
        )
        return 1
    try:
        result = import_article(
            request.source,
            max_words=request.max_words,
            reading_id=request.reading_id,
            title=request.title,
            keep_tail=request.keep_tail,
            split=request.split,
            words=w,
        )
        text = reading_yaml(result, words=w)
    except ArticleImportError as exc:
        cannot = w.gettext(
            "Cannot import {source}: {problem}", source=request.source, problem=exc.say(w)
        )
        err.print(cannot, markup=False, soft_wrap=True)
        return 1
    out.print(sections_table(result, w))
    _print_dropped(result, out, w, keep_tail=request.keep_tail)
    meta = result.metadata
    found = []
    if meta.author:
        found.append(w.gettext("author: {author}", author=meta.author))
    if meta.url:
        found.append(w.gettext("source: {url}", url=meta.url))
    if found:
        said = w.gettext("Found {what}.", what="; ".join(found))
        out.print(said, markup=False, soft_wrap=True)
    count = len(result.sections)
    if request.dry_run or target is None:
        dry = w.ngettext(
            "Dry run: nothing written ({n} section).",
            "Dry run: nothing written ({n} sections).",
            count,
        )
        out.print(dry, markup=False)
        return 0
    try:
        write_atomically(target, text)
    except OSError as exc:
        cannot = w.gettext("Cannot write {target}: {problem}", target=target, problem=exc.strerror)
        err.print(cannot, markup=False)
        return 1
    wrote = w.ngettext(
        "Wrote {target}: {n} section. Add discussion prompts to each section.",
        "Wrote {target}: {n} sections. Add discussion prompts to each section.",
        count,
        target=target,
    )
    out.print(wrote, markup=False)
    return 0


def _print_dropped(result: ImportResult, out: Console, w: Words, *, keep_tail: bool) -> None:
    lines = dropped_lines(result, w)
    if not lines:
        out.print(w.gettext("Nothing was dropped."), markup=False)
        return
    out.print(w.gettext("Left out of the reading:"), markup=False)
    for line in lines:
        out.print(f"  - {line}", markup=False, highlight=False, soft_wrap=True)
    if not keep_tail and any(d.where == AFTER_END for d in result.dropped):
        out.print(
            w.gettext("Pass --keep-tail to keep what follows the article's end."), markup=False
        )
