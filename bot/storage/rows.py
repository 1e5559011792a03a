"""Turning database rows into the core's records, and small SQL-building helpers."""

from __future__ import annotations

from collections.abc import Collection

from bot.core.records import Action, Member, PromptRow, Response, Session, from_db
from bot.storage.engines.database import Row

MANY = 500  # rows past which a write goes as one statement (and key lists are chunked)


def in_groups(groups: Collection[str] | None) -> tuple[str, tuple[str, ...]]:
    """An `AND group_id IN (...)` filter and its parameters; no filter for None."""
    if groups is None:
        return "", ()
    chosen = tuple(groups)
    if not chosen:
        return " AND 1 = 0", ()
    return f" AND group_id IN ({','.join('?' for _ in chosen)})", chosen


def member_row(row: Row, id_column: str = "id") -> Member:
    return Member(
        id=row[id_column],
        platform=row["platform"],
        user_id=row["user_id"],
        display_name=row["display_name"],
        timezone=row["timezone"],
        language=row["language"] if "language" in row.keys() else None,  # noqa: SIM118 (sqlite3.Row: `in` reads values)
    )


def session_row(row: Row, id_column: str = "id") -> Session:
    return Session(
        id=row[id_column],
        group_id=row["group_id"],
        number=row["number"],
        first_section=row["first_section"],
        section_count=row["section_count"],
        opened_at=from_db(row["opened_at"]),
        closes_at=from_db(row["closes_at"]),
        closed_at=from_db(row["closed_at"]) if row["closed_at"] else None,
        thread=row["thread"],
        root_message=row["root_message"],
        reading_id=row["reading_id"],
        section_ids=tuple(row["section_ids"].split()) if row["section_ids"] else (),
        restarted=bool(row["restarted"]),
        expired_at=from_db(row["expired_at"]) if row_has(row, "expired_at") else None,
        open_key=row["open_key"] if row_has(row, "open_key") else None,
    )


def row_has(row: Row, column: str) -> bool:
    """Whether a row selected `column` and holds a value there (joins pick their columns)."""
    # not `column in row`: an sqlite3.Row iterates its values, not its columns
    return column in row.keys() and row[column] is not None  # noqa: SIM118


def prompt_row(row: Row) -> PromptRow:
    return PromptRow(
        session_id=row["session_id"],
        number=row["number"],
        text=row["text"],
        message_id=row["message_id"],
        anonymous=bool(row["anonymous"]),
    )


def response_row(row: Row) -> Response:
    return Response(
        id=row["id"],
        session_id=row["session_id"],
        member_id=row["member_id"],
        author_key=row["author_key"],
        prompt=row["prompt"],
        text=row["text"],
        private=bool(row["private"]),
        late=bool(row["late"]),
        message_id=row["message_id"],
        created_at=from_db(row["created_at"]),
        updated_at=from_db(row["updated_at"]),
        public=bool(row["public"]) if row_has(row, "public") else False,
    )


def action_row(row: Row) -> Action:
    return Action(
        id=row["id"],
        group_id=row["group_id"],
        kind=row["kind"],
        due_at=from_db(row["due_at"]),
        slot=from_db(row["slot"]),
        key=row["key"],
        state=row["state"],
        attempts=row["attempts"],
    )
