"""Tests for the streaming export writers: CSV, JSON and Markdown."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.exports.formats import (
    CSV_COLUMNS,
    ExportRow,
    write_csv,
    write_json,
    write_markdown,
)

T0 = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)


def row(**changes: object) -> ExportRow:
    fields: dict[str, object] = {
        "group_id": "tuesday-readers",
        "session_number": 1,
        "section_title": "Introduction",
        "prompt_number": 1,
        "prompt": "What surprised you?",
        "member": "Ana",
        "response": "The speed of it all.",
        "submitted_at": T0,
    }
    fields.update(changes)
    return ExportRow(**fields)  # type: ignore[arg-type]


SAMPLE = [
    row(),
    row(member="Bea", response="Line one\nLine two\n\nAfter a blank line", late=True),
    row(prompt_number=2, prompt="What would you do?", member="Ana", response="Organise."),
    row(session_number=2, section_title="Media", prompt_number=1, prompt="Who told it?"),
]


class CountingSink(io.TextIOBase):
    """A text stream that keeps only a count of what was written to it."""

    def __init__(self) -> None:
        self.chars = 0
        self.writes = 0

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        self.chars += len(s)
        self.writes += 1
        return len(s)


def many_rows(n: int) -> Iterator[ExportRow]:
    for i in range(n):
        yield ExportRow(
            group_id="g",
            session_number=i // 1000 + 1,
            section_title=f"Section {i // 1000}",
            prompt_number=i % 3 + 1,
            prompt="A prompt that is asked of every member " * 2,
            member=f"member-{i}",
            response=f"Response number {i}, with some words in it. " * 4,
            submitted_at=T0 + timedelta(seconds=i),
        )


# CSV


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_header_and_rows() -> None:
    out = io.StringIO(newline="")
    assert write_csv(SAMPLE, out) == 4
    records = read_csv(out.getvalue())
    assert list(records[0].keys()) == list(CSV_COLUMNS)
    assert records[0]["member"] == "Ana"
    assert records[0]["session_number"] == "1"
    assert records[0]["submitted_at"] == "2026-12-01T23:00:00+00:00"
    assert records[1]["late"] == "true" and records[0]["late"] == "false"


def test_csv_multi_line_response_survives() -> None:
    out = io.StringIO(newline="")
    write_csv(SAMPLE, out)
    records = read_csv(out.getvalue())
    assert records[1]["response"] == "Line one\nLine two\n\nAfter a blank line"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_neutralizes_formula_injection(start: str) -> None:
    evil = start + 'HYPERLINK("http://x.example","click")'
    out = io.StringIO(newline="")
    write_csv([row(member=evil, response=evil, prompt=evil, section_title=evil)], out)
    record = read_csv(out.getvalue())[0]
    for column in ("member", "response", "prompt", "section_title"):
        assert record[column] == "'" + evil


def test_csv_leaves_ordinary_text_alone() -> None:
    out = io.StringIO(newline="")
    write_csv([row(response="I agree = we should read more")], out)
    assert read_csv(out.getvalue())[0]["response"] == "I agree = we should read more"


# JSON


def test_json_document_shape() -> None:
    out = io.StringIO()
    meta = {"group": "tuesday-readers", "exported_at": T0, "reading": "coup-in-bolivia"}
    assert write_json(SAMPLE, out, meta=meta) == 4
    doc = json.loads(out.getvalue())
    assert doc["meta"] == {
        "group": "tuesday-readers",
        "exported_at": "2026-12-01T23:00:00+00:00",
        "reading": "coup-in-bolivia",
    }
    assert len(doc["responses"]) == 4
    first = doc["responses"][0]
    assert first["member"] == "Ana"
    assert first["session_number"] == 1
    assert first["late"] is False
    assert datetime.fromisoformat(first["submitted_at"]) == T0
    assert doc["responses"][1]["response"] == "Line one\nLine two\n\nAfter a blank line"


def test_json_empty_export_is_valid() -> None:
    out = io.StringIO()
    assert write_json([], out, meta={}) == 0
    assert json.loads(out.getvalue()) == {"meta": {}, "responses": []}


def test_json_keeps_unicode_and_quotes() -> None:
    out = io.StringIO()
    write_json([row(member='Zoë "Z"', response="¿Qué? 読書 </script>")], out, meta={})
    doc = json.loads(out.getvalue())
    assert doc["responses"][0]["member"] == 'Zoë "Z"'
    assert doc["responses"][0]["response"] == "¿Qué? 読書 </script>"


# Markdown


def headings(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("#")]


def test_markdown_groups_by_session_then_prompt() -> None:
    out = io.StringIO()
    assert write_markdown(SAMPLE, out, title="Tuesday readers") == 4
    assert headings(out.getvalue()) == [
        "# Tuesday readers",
        "## Session 1: Introduction",
        "### Prompt 1: What surprised you?",
        "### Prompt 2: What would you do?",
        "## Session 2: Media",
        "### Prompt 1: Who told it?",
    ]


def test_markdown_quotes_every_line_with_member_name() -> None:
    out = io.StringIO()
    write_markdown(SAMPLE[1:2], out, title="T")
    text = out.getvalue()
    assert "**Bea** (2026-12-01T23:00:00+00:00, late):" in text
    assert "> Line one\n> Line two\n>\n> After a blank line\n" in text


def test_markdown_member_text_cannot_make_headings() -> None:
    nasty = "# I am a heading\n   ## me too\nTitle\n---\nOther\n===\n> nested"
    out = io.StringIO()
    write_markdown([row(response=nasty, member="**Eve**\n# x")], out, title="T")
    text = out.getvalue()
    assert headings(text) == [
        "# T",
        "## Session 1: Introduction",
        "### Prompt 1: What surprised you?",
    ]
    assert "> \\# I am a heading" in text
    assert ">    \\## me too" in text
    assert "> \\---" in text and "> \\===" in text
    assert "**\\*\\*Eve\\*\\* \\# x**" in text
    # Every line of the response lies inside the quote.
    body = text.split("):\n\n", 1)[1]
    assert all(line.startswith(">") for line in body.splitlines())


def test_markdown_empty_export() -> None:
    out = io.StringIO()
    assert write_markdown([], out, title="T") == 0
    assert "No responses yet." in out.getvalue()


@given(st.text(max_size=300))
def test_markdown_any_response_stays_quoted(response: str) -> None:
    out = io.StringIO()
    write_markdown([row(response=response)], out, title="T")
    body = out.getvalue().split("):\n\n", 1)[1]
    lines = body.split("\n")
    assert lines[-1] == ""
    assert all(line.startswith(">") for line in lines[:-1])


# Streaming


@pytest.mark.parametrize("fmt", ["csv", "json", "md"])
def test_streaming_100k_rows_keeps_memory_small(fmt: str) -> None:
    sink = CountingSink()
    rows = many_rows(100_000)
    tracemalloc.start()
    try:
        if fmt == "csv":
            written = write_csv(rows, sink)
        elif fmt == "json":
            written = write_json(rows, sink, meta={"group": "g"})
        else:
            written = write_markdown(rows, sink, title="g")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written == 100_000
    assert sink.chars > 20_000_000  # the whole export went through the sink...
    assert peak < 2_000_000  # ...while never more than a little of it was held at once


def test_rows_are_consumed_lazily() -> None:
    consumed = 0
    sink = CountingSink()

    def rows() -> Iterator[ExportRow]:
        nonlocal consumed
        for r in SAMPLE * 3:
            consumed += 1
            # Output for earlier rows is already written when a later row is pulled.
            assert sink.writes >= consumed
            yield r

    write_json(rows(), sink, meta={})
    assert consumed == 12
