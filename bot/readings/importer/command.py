"""`studybot import`: import a source, show its sections and what was dropped, write the file."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from bot.readings.importer.atomic import write_atomically
from bot.readings.importer.model import ArticleImportError, ImportResult, SplitMode
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


def run_import(request: ImportRequest, *, out: Console, err: Console) -> int:
    """Import, print the table and the dropped text, and write the reading whole (or nothing)."""
    from bot.readings.importer import import_article

    target = request.target
    if target is None and not request.dry_run:
        err.print("Give --out readings/NAME.yaml, or --dry-run to only see the sections.")
        return 1
    if target is not None and target.exists() and not request.force and not request.dry_run:
        err.print(f"{target} exists; pass --force to overwrite it.", markup=False)
        return 1
    try:
        result = import_article(
            request.source,
            max_words=request.max_words,
            reading_id=request.reading_id,
            title=request.title,
            keep_tail=request.keep_tail,
            split=request.split,
        )
        text = reading_yaml(result)
    except ArticleImportError as exc:
        err.print(f"Cannot import {request.source}: {exc}", markup=False, soft_wrap=True)
        return 1
    out.print(sections_table(result))
    _print_dropped(result, out, keep_tail=request.keep_tail)
    meta = result.metadata
    found = [f"{k}: {v}" for k, v in (("author", meta.author), ("source", meta.url)) if v]
    if found:
        out.print("Found " + "; ".join(found) + ".", markup=False, soft_wrap=True)
    if request.dry_run or target is None:
        out.print(f"Dry run: nothing written ({len(result.sections)} section(s)).")
        return 0
    try:
        write_atomically(target, text)
    except OSError as exc:
        err.print(f"Cannot write {target}: {exc.strerror}", markup=False)
        return 1
    out.print(
        f"Wrote {target}: {len(result.sections)} section(s). Add discussion prompts to each "
        "section.",
        markup=False,
    )
    return 0


def _print_dropped(result: ImportResult, out: Console, *, keep_tail: bool) -> None:
    lines = dropped_lines(result)
    if not lines:
        out.print("Nothing was dropped.")
        return
    out.print("Left out of the reading:")
    for line in lines:
        out.print(f"  - {line}", markup=False, highlight=False, soft_wrap=True)
    if not keep_tail and any(d.where == "after the article's end" for d in result.dropped):
        out.print("Pass --keep-tail to keep what follows the article's end.")
