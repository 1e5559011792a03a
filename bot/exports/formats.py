"""Streaming CSV, JSON and Markdown writers for a group's responses, one row at a time."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TextIO

CSV_COLUMNS = (
    "group_id",
    "session_number",
    "section_title",
    "prompt_number",
    "prompt",
    "member",
    "response",
    "submitted_at",
    "late",
)

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!])")
_LEADING_HASH = re.compile(r"^(\s{0,3})#")
_SETEXT_UNDERLINE = re.compile(r"^(\s{0,3})(=+|-+)(\s*)$")


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportRow:
    """One member's response to one prompt, as it leaves the bot in an export."""

    group_id: str
    session_number: int
    section_title: str
    prompt_number: int
    prompt: str
    member: str
    response: str
    submitted_at: datetime
    late: bool = False


class CsvWriter:
    """CSV written a page at a time: the header now, each `write` appends rows."""

    def __init__(self, out: TextIO) -> None:
        self._writer = csv.writer(out, lineterminator="\r\n")
        self._writer.writerow(CSV_COLUMNS)
        self.count = 0

    def write(self, rows: Iterable[ExportRow]) -> None:
        for row in rows:
            self._writer.writerow(
                [
                    _csv_cell(row.group_id),
                    row.session_number,
                    _csv_cell(row.section_title),
                    row.prompt_number,
                    _csv_cell(row.prompt),
                    _csv_cell(row.member),
                    _csv_cell(row.response),
                    row.submitted_at.isoformat(),
                    "true" if row.late else "false",
                ]
            )
            self.count += 1

    def close(self) -> int:
        return self.count


def write_csv(rows: Iterable[ExportRow], out: TextIO) -> int:
    """Write a header and one line per row (open `out` with `newline=""`); returns rows written."""
    writer = CsvWriter(out)
    writer.write(rows)
    return writer.close()


def _csv_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


class JsonWriter:
    """`{"meta": ..., "responses": [...]}` written a page at a time; `close` ends the document."""

    def __init__(self, out: TextIO, *, meta: Mapping[str, object]) -> None:
        self._out = out
        out.write('{"meta": ')
        out.write(_json(dict(meta)))
        out.write(', "responses": [')
        self.count = 0

    def write(self, rows: Iterable[ExportRow]) -> None:
        for row in rows:
            self._out.write(",\n  " if self.count else "\n  ")
            self._out.write(_json(_row_dict(row)))
            self.count += 1

    def close(self) -> int:
        self._out.write("\n]}\n" if self.count else "]}\n")
        return self.count


def write_json(rows: Iterable[ExportRow], out: TextIO, *, meta: Mapping[str, object]) -> int:
    """Write `{"meta": ..., "responses": [...]}` incrementally; returns rows written."""
    writer = JsonWriter(out, meta=meta)
    writer.write(rows)
    return writer.close()


def _row_dict(row: ExportRow) -> dict[str, object]:
    return {
        "group_id": row.group_id,
        "session_number": row.session_number,
        "section_title": row.section_title,
        "prompt_number": row.prompt_number,
        "prompt": row.prompt,
        "member": row.member,
        "response": row.response,
        "submitted_at": row.submitted_at.isoformat(),
        "late": row.late,
    }


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot export a {type(value).__name__} as JSON")


class MarkdownWriter:
    """Headings per session and prompt, each response quoted under its member's name.

    Rows are expected ordered by session then prompt (as storage returns them); a heading is
    written whenever that pair changes, across pages too.
    """

    def __init__(self, out: TextIO, *, title: str) -> None:
        self._out = out
        out.write(f"# {_inline(title)}\n")
        self._session: int | None = None
        self._prompt: tuple[int, int] | None = None
        self.count = 0

    def write(self, rows: Iterable[ExportRow]) -> None:
        out = self._out
        for row in rows:
            if row.session_number != self._session:
                self._session = row.session_number
                self._prompt = None
                out.write(f"\n## Session {row.session_number}: {_inline(row.section_title)}\n")
            if (row.session_number, row.prompt_number) != self._prompt:
                self._prompt = (row.session_number, row.prompt_number)
                out.write(f"\n### Prompt {row.prompt_number}: {_inline(row.prompt)}\n")
            late = ", late" if row.late else ""
            out.write(f"\n**{_inline(row.member)}** ({row.submitted_at.isoformat()}{late}):\n\n")
            out.write(_quote(row.response))
            self.count += 1

    def close(self) -> int:
        if self.count == 0:
            self._out.write("\nNo responses yet.\n")
        return self.count


def write_markdown(rows: Iterable[ExportRow], out: TextIO, *, title: str) -> int:
    """Write headings per session and prompt with each response quoted under its member's name.

    Rows are expected ordered by session then prompt (as storage returns them); a heading is
    written whenever that pair changes. Returns rows written.
    """
    writer = MarkdownWriter(out, title=title)
    writer.write(rows)
    return writer.close()


def _inline(text: str) -> str:
    """One line of text with Markdown syntax characters escaped, for headings and names."""
    flat = " ".join(text.split())
    return _INLINE_SPECIAL.sub(r"\\\1", flat) or "(untitled)"


def _quote(text: str) -> str:
    """Every line of `text` as a blockquote line, so it cannot close the quote or open a heading."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    quoted = []
    for line in lines:
        line = _LEADING_HASH.sub(r"\1\\#", line)
        line = _SETEXT_UNDERLINE.sub(r"\1\\\2\3", line)
        quoted.append(f"> {line}" if line.strip() else ">")
    return "\n".join(quoted) + "\n"
