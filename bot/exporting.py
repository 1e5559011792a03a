"""A group's shared responses as CSV, JSON or Markdown, for the admin command and the CLI."""

from __future__ import annotations

import io
from typing import TextIO

from bot.config import Group
from bot.export_formats import ExportRow, write_csv, write_json, write_markdown
from bot.storage import SqliteStorage
from bot.text import clean_name

FORMATS = ("csv", "json", "md")
MIME = {"csv": "text/csv", "json": "application/json", "md": "text/markdown"}


async def export_rows(storage: SqliteStorage, group: Group) -> list[ExportRow]:
    """The group's shared responses; private ones never leave the database."""
    rows: list[ExportRow] = []
    prompt_texts: dict[tuple[int, int], str] = {}
    async for session, response, member in storage.group_responses(group.id):
        if response.private:
            continue
        key = (session.id, response.prompt)
        if key not in prompt_texts:
            for p in await storage.prompts(session.id):
                prompt_texts[(session.id, p.number)] = p.text
        sections = group.reading.sections[
            session.first_section : session.first_section + session.section_count
        ]
        rows.append(
            ExportRow(
                group_id=group.id,
                session_number=session.number,
                section_title=" · ".join(s.title for s in sections),
                prompt_number=response.prompt,
                prompt=prompt_texts.get(key, ""),
                member=clean_name(member.display_name) if member is not None else "anonymous",
                response=response.text,
                submitted_at=response.updated_at,
                late=response.late,
            )
        )
    return rows


async def write_export(storage: SqliteStorage, group: Group, fmt: str, out: TextIO) -> int:
    """Write the export in `fmt` to `out`; returns the number of responses written."""
    rows = await export_rows(storage, group)
    if fmt == "csv":
        return write_csv(rows, out)
    if fmt == "json":
        meta = {"group": group.id, "name": group.spec.name, "reading": group.reading.title}
        return write_json(rows, out, meta=meta)
    if fmt == "md":
        return write_markdown(rows, out, title=f"{group.spec.name}: {group.reading.title}")
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


async def export_bytes(storage: SqliteStorage, group: Group, fmt: str) -> tuple[bytes, int]:
    buffer = io.StringIO(newline="")
    count = await write_export(storage, group, fmt, buffer)
    return buffer.getvalue().encode("utf-8"), count
