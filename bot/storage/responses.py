"""Members' responses: saving, editing, deleting, exporting and forgetting them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from bot.core.records import (
    Member,
    Response,
    SavedResponse,
    Session,
    to_db,
)
from bot.storage.base import StoreBase
from bot.storage.engines.database import Statement
from bot.storage.rows import (
    member_row,
    response_row,
    session_row,
)

# a response with its session's columns and its author's (none for an anonymous one)
_WITH_SESSION_AND_AUTHOR = (
    "SELECT r.*, m.platform, m.user_id, m.display_name, m.timezone, m.language, s.number, "
    "s.first_section, s.section_count, s.opened_at, s.closes_at, s.closed_at, s.thread, "
    "s.root_message, s.group_id, s.reading_id, s.section_ids, s.restarted, s.expired_at "
    "FROM responses r "
    "JOIN sessions s ON s.id = r.session_id LEFT JOIN members m ON m.id = r.member_id "
)


class ResponseStore(StoreBase):
    """Responses, named and anonymous."""

    # -- responses --------------------------------------------------------------

    async def save_response(
        self,
        *,
        session_id: int,
        member_id: int | None,
        author_key: str,
        prompt: int,
        text: str,
        private: bool | None,
        default_private: bool = False,
        public: bool | None = None,
        late: bool,
        message_id: str | None,
        now: datetime,
        join: tuple[str, int] | None = None,
    ) -> SavedResponse:
        """Insert or replace the response of `author_key` to a prompt, committed on return.

        `member_id` is None for anonymous responses. `private` None keeps a replaced
        response's choice (a new one gets `default_private`); `public` None likewise keeps
        whether it is shared beyond the group (a new one is not). `join` (group, member) adds
        that membership in the same transaction. One unit of statements, so that on SQLite
        concurrent members' responses share one trip to the database and one commit.
        """
        stamp = to_db(now)
        statements: list[Statement] = []
        if join is not None:
            statements.append(
                (
                    "INSERT INTO memberships (group_id, member_id, joined_at) VALUES (?, ?, ?) "
                    "ON CONFLICT DO NOTHING RETURNING member_id",
                    (join[0], join[1], stamp),
                )
            )
        statements.append(
            (
                "INSERT INTO responses (session_id, member_id, author_key, prompt, text, private, "
                "public, late, message_id, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (session_id, author_key, prompt) DO UPDATE SET text = excluded.text, "
                "private = COALESCE(?, responses.private), "
                "public = COALESCE(?, responses.public), late = excluded.late, "
                "message_id = excluded.message_id, updated_at = excluded.updated_at, "
                "revision = responses.revision + 1 "
                "RETURNING private, public, revision",
                (
                    session_id,
                    member_id,
                    author_key,
                    prompt,
                    text,
                    int(default_private if private is None else private),
                    int(bool(public)),
                    int(late),
                    message_id,
                    stamp,
                    stamp,
                    None if private is None else int(private),
                    None if public is None else int(public),
                ),
            )
        )
        # a join changes a cached membership; a response alone changes nothing cached
        *joined, [saved] = await self.database.write(statements, changes_lookups=join is not None)
        return SavedResponse(
            created=saved["revision"] == 0,
            private=bool(saved["private"]),
            joined=bool(joined and joined[0]),
            public=bool(saved["public"]),
        )

    async def edit_response_by_message(
        self, message_id: str, member_id: int, text: str, now: datetime
    ) -> bool:
        async with self.transaction() as db:
            cursor = await db.execute(
                "UPDATE responses SET text = ?, updated_at = ? WHERE message_id = ? AND member_id = ?",
                (text, to_db(now), message_id, member_id),
            )
            return cursor.rowcount > 0

    async def delete_response(self, session_id: int, author_keys: list[str], prompt: int) -> bool:
        marks = ",".join("?" for _ in author_keys)
        async with self.transaction() as db:
            cursor = await db.execute(
                f"DELETE FROM responses WHERE session_id = ? AND prompt = ? AND author_key IN ({marks})",
                (session_id, prompt, *author_keys),
            )
            return cursor.rowcount > 0

    async def delete_response_by_message(self, message_id: str) -> bool:
        async with self.transaction() as db:
            cursor = await db.execute("DELETE FROM responses WHERE message_id = ?", (message_id,))
            return cursor.rowcount > 0

    async def responses_of(self, session_id: int, author_keys: list[str]) -> list[Response]:
        """A member's responses in a session, found by their author keys (named and anonymous)."""
        marks = ",".join("?" for _ in author_keys)
        rows = await self._all(
            f"SELECT * FROM responses WHERE session_id = ? AND author_key IN ({marks}) ORDER BY prompt",
            (session_id, *author_keys),
        )
        return [response_row(r) for r in rows]

    async def session_responses(self, session_id: int) -> list[tuple[Response, Member | None]]:
        """A session's responses with their authors (None for anonymous ones)."""
        rows = await self._all(
            "SELECT r.*, m.platform, m.user_id, m.display_name, m.timezone, m.language FROM responses r "
            "LEFT JOIN members m ON m.id = r.member_id WHERE r.session_id = ? "
            "ORDER BY r.prompt, r.created_at, r.id",
            (session_id,),
        )
        return [
            (
                response_row(r),
                member_row(r, id_column="member_id") if r["member_id"] is not None else None,
            )
            for r in rows
        ]

    async def group_responses(
        self, group_id: str
    ) -> AsyncIterator[tuple[Session, Response, Member | None]]:
        """All of a group's responses, session by session, without loading them all at once."""
        rows = self.database.stream(
            _WITH_SESSION_AND_AUTHOR
            + "WHERE s.group_id = ? ORDER BY s.number, r.prompt, r.created_at, r.id",
            (group_id,),
        )
        async for row in rows:
            session = session_row(row, id_column="session_id")
            author = (
                member_row(row, id_column="member_id") if row["member_id"] is not None else None
            )
            yield session, response_row(row), author

    async def purge_responses(
        self, group_id: str, before: datetime, *, keep_public: bool = False
    ) -> int:
        """Delete a group's responses last written before `before` (retention); with
        `keep_public`, those members shared beyond the group (`--public`) stay."""
        spare = " AND NOT (public = 1 AND private = 0)" if keep_public else ""
        async with self.transaction() as db:
            cursor = await db.execute(
                "DELETE FROM responses WHERE updated_at < ? AND session_id IN "
                f"(SELECT id FROM sessions WHERE group_id = ?){spare}",
                (to_db(before), group_id),
            )
            return cursor.rowcount

    async def member_data(self, member_id: int, anonymous_keys: list[str]) -> dict[str, Any]:
        """Everything stored about one member, for export-mine (their anonymous responses too)."""
        member = await self._one("SELECT * FROM members WHERE id = ?", (member_id,))
        memberships = await self._all("SELECT * FROM memberships WHERE member_id = ?", (member_id,))
        marks = ",".join("?" for _ in anonymous_keys) or "NULL"
        responses = await self._all(
            "SELECT r.id, r.prompt, r.text, r.private, r.public, r.late, r.created_at, r.updated_at, "
            "CASE WHEN r.member_id IS NULL THEN 1 ELSE 0 END AS anonymous, s.group_id, s.number AS session_number, "
            "p.text AS prompt_text FROM responses r "
            "JOIN sessions s ON s.id = r.session_id "
            "LEFT JOIN session_prompts p ON p.session_id = r.session_id AND p.number = r.prompt "
            f"WHERE r.member_id = ? OR r.author_key IN ({marks}) ORDER BY s.group_id, s.number, r.prompt",
            (member_id, *anonymous_keys),
        )
        return {
            "member": dict(member) if member else None,
            "memberships": [dict(r) for r in memberships],
            "responses": [dict(r) for r in responses],
        }

    async def forget_member(self, member_id: int, anonymous_keys: list[str]) -> int:
        """Delete a member and everything of theirs; returns how many responses went with them."""
        marks = ",".join("?" for _ in anonymous_keys) or "NULL"
        async with self.transaction() as db:
            cursor = await db.execute(
                f"DELETE FROM responses WHERE member_id = ? OR author_key IN ({marks})",
                (member_id, *anonymous_keys),
            )
            count = cursor.rowcount
            await db.execute("DELETE FROM memberships WHERE member_id = ?", (member_id,))
            await db.execute("DELETE FROM members WHERE id = ?", (member_id,))
            return count

    async def anonymous_prompts(self, group_id: str | None = None) -> list[tuple[int, int]]:
        """Every (session id, prompt number) whose responses are anonymous (of one group)."""
        if group_id is None:
            rows = await self._all(
                "SELECT session_id, number FROM session_prompts WHERE anonymous = 1"
            )
        else:
            rows = await self._all(
                "SELECT p.session_id, p.number FROM session_prompts p "
                "JOIN sessions s ON s.id = p.session_id WHERE s.group_id = ? AND p.anonymous = 1",
                (group_id,),
            )
        return [(r["session_id"], r["number"]) for r in rows]

    async def anonymous_author_keys(
        self, group_id: str, session_id: int | None = None
    ) -> dict[tuple[int, int], set[str]]:
        """The author keys of the group's anonymous responses (of one session), by (session
        id, prompt number): only someone who can recompute a key can tell whose it is."""
        sql = (
            "SELECT r.session_id, r.prompt, r.author_key FROM responses r "
            "JOIN sessions s ON s.id = r.session_id WHERE s.group_id = ? AND r.member_id IS NULL"
        )
        params: tuple[Any, ...] = (group_id,)
        if session_id is not None:
            sql += " AND r.session_id = ?"
            params = (group_id, session_id)
        keys: dict[tuple[int, int], set[str]] = {}
        for r in await self._all(sql, params):
            keys.setdefault((r["session_id"], r["prompt"]), set()).add(r["author_key"])
        return keys

    async def public_responses(
        self, group_id: str
    ) -> list[tuple[Session, Response, Member | None]]:
        """The group's responses its members shared beyond it (and not private), session by
        session, with their authors (None for anonymous ones): what a harvest may propose."""
        rows = await self._all(
            _WITH_SESSION_AND_AUTHOR + "WHERE s.group_id = ? AND r.public = 1 AND r.private = 0 "
            "ORDER BY s.number, r.prompt, r.created_at, r.id",
            (group_id,),
        )
        return [
            (
                session_row(row, id_column="session_id"),
                response_row(row),
                member_row(row, id_column="member_id") if row["member_id"] is not None else None,
            )
            for row in rows
        ]

    async def public_response_ids(self, session_id: int) -> frozenset[int]:
        """The ids of a session's responses shared beyond the group (and not private)."""
        rows = await self._all(
            "SELECT id FROM responses WHERE session_id = ? AND public = 1 AND private = 0",
            (session_id,),
        )
        return frozenset(int(r["id"]) for r in rows)
