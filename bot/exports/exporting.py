"""A group's shared responses as CSV, JSON or Markdown, for the admin command and the CLI.

Rows stream from the database a page at a time into the format's writer, so an export's
memory stays flat however many responses the group has (the file itself is the only copy).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import AsyncGenerator, Mapping
from datetime import datetime
from typing import Any, TextIO

from bot.config.model import Group
from bot.core.text import clean_name
from bot.exports.formats import CsvWriter, ExportRow, JsonWriter, MarkdownWriter
from bot.exports.web_annotation import annotation_collections
from bot.readings.course import session_step
from bot.readings.model import Reading
from bot.sessions.expiry import outlives_expiry
from bot.storage import Member, Storage

FORMATS = ("csv", "json", "md")
ANNOTATIONS = "annotations"  # the notes on passages as W3C Web Annotation JSON-LD (CLI only)
MIME = {"csv": "text/csv", "json": "application/json", "md": "text/markdown"}
PAGE_ROWS = 500


async def export_pages(
    storage: Storage,
    group: Group,
    page_rows: int = PAGE_ROWS,
    readings: Mapping[str, Reading] | None = None,
) -> AsyncGenerator[list[ExportRow], None]:
    """The group's shared responses in pages of at most `page_rows`; private ones never leave
    the database. Each session is titled by the sections it recorded, found in `readings`
    (every reading in the folder; the group's own course when not given)."""
    known = readings if readings is not None else {r.id: r for r in group.course.readings}
    page: list[ExportRow] = []
    prompt_texts: dict[tuple[int, int], str] = {}
    titles: dict[int, str] = {}
    async for session, response, member in storage.group_responses(group.id):
        if response.private:
            continue
        if session.expired_at is not None and not outlives_expiry(response):
            continue  # its discussion expired: only what was shared beyond the group stays
        key = (session.id, response.prompt)
        if key not in prompt_texts:
            for p in await storage.prompts(session.id):
                prompt_texts[(session.id, p.number)] = p.text
        title = titles.get(session.id)
        if title is None:
            sections = session_step(known, session).sections
            title = titles[session.id] = " · ".join(s.title for s in sections)
        page.append(
            ExportRow(
                group_id=group.id,
                session_number=session.number,
                section_title=title,
                prompt_number=response.prompt,
                prompt=prompt_texts.get(key, ""),
                member=_export_name(group, member),
                response=response.text,
                submitted_at=to_the_second(response.updated_at),
                late=response.late,
            )
        )
        if len(page) >= page_rows:
            yield page
            page = []
    if page:
        yield page


def _export_name(group: Group, member: Member | None) -> str:
    """Who wrote a row: nobody for an anonymous answer, and no name in a minimal group."""
    if member is None:
        return "anonymous"
    if group.spec.minimal:
        return "member"  # privacy: minimal: exports carry no names
    return clean_name(member.display_name)


def own_export_name(member: Member) -> str:
    """The file name of a member's `export-mine`, theirs alone: on the console every file
    lands in one folder, where one name for everybody overwrote the last member's export."""
    slug = re.sub(r"[^\w]+", "-", clean_name(member.display_name).casefold()).strip("-_")[:40]
    return f"study-circle-data-{slug or f'member-{member.id}'}.json"


def to_the_second(moment: datetime) -> datetime:
    """An export's time: seconds say when; the database's microseconds only add noise."""
    return moment.replace(microsecond=0)


def times_to_the_second(record: dict[str, Any]) -> dict[str, Any]:
    """A stored record (a row of `export-mine`) with its `*_at` times, which the database
    keeps to the microsecond, given to the second; nested lists and records too."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            value = times_to_the_second(value)
        elif isinstance(value, list):
            value = [times_to_the_second(v) if isinstance(v, dict) else v for v in value]
        elif key.endswith("_at") and isinstance(value, datetime):
            value = to_the_second(value).isoformat()
        elif key.endswith("_at") and isinstance(value, str):
            with contextlib.suppress(ValueError):  # not a time after all: kept as it is
                value = to_the_second(datetime.fromisoformat(value)).isoformat()
        out[key] = value
    return out


async def export_rows(storage: Storage, group: Group) -> list[ExportRow]:
    """Every shared response of the group at once (small groups and tests; exports stream)."""
    return [row async for page in export_pages(storage, group) for row in page]


async def write_export(
    storage: Storage,
    group: Group,
    fmt: str,
    out: TextIO,
    readings: Mapping[str, Reading] | None = None,
) -> int:
    """Write the export in `fmt` to `out`, a page at a time; returns the responses written
    (for `annotations`, W3C Web Annotation JSON-LD: the annotations written)."""
    if fmt == ANNOTATIONS:
        collections = await annotation_collections(storage, group)
        json.dump(collections, out, ensure_ascii=False, indent=1)
        out.write("\n")
        return sum(int(c["total"]) for c in collections)
    writer: CsvWriter | JsonWriter | MarkdownWriter
    if fmt == "csv":
        writer = CsvWriter(out)
    elif fmt == "json":
        meta = {"group": group.id, "name": group.spec.name, "reading": group.course.title}
        writer = JsonWriter(out, meta=meta)
    elif fmt == "md":
        writer = MarkdownWriter(out, title=f"{group.spec.name}: {group.course.title}")
    else:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    pages = export_pages(storage, group, readings=readings)
    try:
        async for page in pages:
            writer.write(page)
    finally:
        await pages.aclose()
    return writer.close()


async def export_bytes(
    storage: Storage, group: Group, fmt: str, readings: Mapping[str, Reading] | None = None
) -> tuple[bytes, int]:
    """The export as one file's bytes (for an attachment: the file is held, the rows are not)."""
    buffer = io.StringIO(newline="")
    count = await write_export(storage, group, fmt, buffer, readings)
    return buffer.getvalue().encode("utf-8"), count
