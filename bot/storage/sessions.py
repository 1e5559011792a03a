"""Sessions and their prompts."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import cast

from bot.core.records import (
    PromptRow,
    Session,
    to_db,
)
from bot.storage.base import StoreBase
from bot.storage.lookups import MISS
from bot.storage.rows import (
    MANY,
    in_groups,
    prompt_row,
    session_row,
)

SectionKey = tuple[str, str]  # (reading id, section id)


class SessionStore(StoreBase):
    """Sessions, their prompts and the messages that carry them."""

    # -- sessions ---------------------------------------------------------------

    async def create_session(
        self,
        *,
        group_id: str,
        first_section: int,
        section_count: int,
        opened_at: datetime,
        closes_at: datetime,
        prompts: list[str],
        open_key: str,
        anonymous: frozenset[int] = frozenset(),
        reading_id: str | None = None,
        section_ids: Sequence[str] = (),
    ) -> Session:
        """Record a new session with its prompts and the reading and sections it posts.

        `open_key` makes this idempotent: a second call with the same key returns the first session.
        """
        existing = await self._one("SELECT * FROM sessions WHERE open_key = ?", (open_key,))
        if existing is not None:
            return session_row(existing)
        async with self.transaction() as db:
            row = await self._one(
                "SELECT COALESCE(MAX(number), 0) + 1 AS n FROM sessions WHERE group_id = ?",
                (group_id,),
            )
            number = int(row["n"]) if row else 1
            inserted = await db.one(
                "INSERT INTO sessions (group_id, number, first_section, section_count, opened_at, closes_at, "
                "open_key, reading_id, section_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    group_id,
                    number,
                    first_section,
                    section_count,
                    to_db(opened_at),
                    to_db(closes_at),
                    open_key,
                    reading_id,
                    # ids match [a-z0-9_-]+, so a space never occurs in one
                    " ".join(section_ids) if section_ids else None,
                ),
            )
            assert inserted is not None
            session_id = int(inserted["id"])
            await db.executemany(
                "INSERT INTO session_prompts (session_id, number, text, anonymous) VALUES (?, ?, ?, ?)",
                [
                    (session_id, i, text, int(i in anonymous))
                    for i, text in enumerate(prompts, start=1)
                ],
            )
            # a course that had ended goes on: its end was announced, and now it has more
            await db.execute("UPDATE groups SET finished = 0 WHERE id = ?", (group_id,))
        session = await self.session_by_id(session_id)
        assert session is not None
        return session

    async def session_by_id(self, session_id: int) -> Session | None:
        row = await self._one("SELECT * FROM sessions WHERE id = ?", (session_id,))
        return session_row(row) if row else None

    async def session_by_open_key(self, open_key: str) -> Session | None:
        row = await self._one("SELECT * FROM sessions WHERE open_key = ?", (open_key,))
        return session_row(row) if row else None

    async def open_session(self, group_id: str) -> Session | None:
        return await self._cached_session(
            ("open_session", group_id),
            "SELECT * FROM sessions WHERE group_id = ? AND closed_at IS NULL ORDER BY number DESC LIMIT 1",
            group_id,
        )

    async def latest_session(self, group_id: str) -> Session | None:
        return await self._cached_session(
            ("latest_session", group_id),
            "SELECT * FROM sessions WHERE group_id = ? ORDER BY number DESC LIMIT 1",
            group_id,
        )

    async def _cached_session(
        self, key: tuple[str, str], sql: str, group_id: str
    ) -> Session | None:
        cached = self.lookups.get(key)  # the usual case, without building the loader
        if cached is not MISS:
            return cast(Session | None, cached)

        async def load() -> Session | None:
            row = await self._one(sql, (group_id,))
            return session_row(row) if row else None

        return await self.lookups.through(key, load)

    async def sessions(self, group_id: str) -> list[Session]:
        rows = await self._all(
            "SELECT * FROM sessions WHERE group_id = ? ORDER BY number", (group_id,)
        )
        return [session_row(r) for r in rows]

    async def set_session_thread(self, session_id: int, root_message: str, thread: str) -> None:
        async with self.transaction() as db:
            await db.execute(
                "UPDATE sessions SET root_message = ?, thread = ? WHERE id = ?",
                (root_message, thread, session_id),
            )

    async def close_session(self, session_id: int, now: datetime) -> bool:
        async with self.transaction() as db:
            cursor = await db.execute(
                "UPDATE sessions SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
                (to_db(now), session_id),
            )
            return cursor.rowcount == 1

    async def prompts(self, session_id: int) -> list[PromptRow]:
        key = ("prompts", session_id)
        cached = self.lookups.get(key)  # the usual case, without building the loader
        if cached is not MISS:
            return list(cached)

        async def load() -> tuple[PromptRow, ...]:
            rows = await self._all(
                "SELECT * FROM session_prompts WHERE session_id = ? ORDER BY number", (session_id,)
            )
            return tuple(prompt_row(r) for r in rows)

        return list(await self.lookups.through(key, load))

    async def set_prompt_message(self, session_id: int, number: int, message_id: str) -> None:
        async with self.transaction() as db:
            await db.execute(
                "UPDATE session_prompts SET message_id = ? WHERE session_id = ? AND number = ?",
                (message_id, session_id, number),
            )

    async def prompt_by_message(self, message_id: str) -> PromptRow | None:
        row = await self._one("SELECT * FROM session_prompts WHERE message_id = ?", (message_id,))
        return prompt_row(row) if row else None

    # -- what the course has read (issue 14) ------------------------------------

    async def posted_sections(self, group_id: str) -> frozenset[SectionKey]:
        """The (reading, section) ids the group's sessions posted, but for restarted ones."""
        return (await self.posted_sections_of([group_id])).get(group_id, frozenset())

    async def posted_sections_of(
        self, group_ids: Collection[str] | None = None
    ) -> dict[str, frozenset[SectionKey]]:
        """`posted_sections` of many groups (all of them for None) in one query."""
        chosen = None if group_ids is None or len(group_ids) > MANY else group_ids
        where, params = in_groups(chosen)
        rows = await self._all(
            "SELECT group_id, reading_id, section_ids FROM sessions "
            f"WHERE restarted = 0 AND section_ids IS NOT NULL{where}",
            params,
        )
        found: dict[str, set[SectionKey]] = {}
        for r in rows:
            keys = found.setdefault(r["group_id"], set())
            keys.update((r["reading_id"], sid) for sid in r["section_ids"].split())
        return {gid: frozenset(keys) for gid, keys in found.items()}

    async def sessions_without_section_ids(self) -> list[Session]:
        """Sessions recorded before sessions kept their section ids (see the migration)."""
        rows = await self._all("SELECT * FROM sessions WHERE section_ids IS NULL ORDER BY id")
        return [session_row(r) for r in rows]

    async def set_section_ids(self, rows: Iterable[tuple[int, Sequence[str]]]) -> None:
        """Record, once, the section ids of older sessions: (session id, ids) pairs."""
        filled = [(" ".join(ids), sid) for sid, ids in rows if ids]
        if not filled:
            return
        async with self.transaction() as db:
            await db.executemany(
                "UPDATE sessions SET section_ids = ? WHERE id = ? AND section_ids IS NULL", filled
            )

    async def restart_reading(self, group_id: str, reading_id: str) -> int:
        """Let the group read `reading_id` again from its start: its sessions stay in the
        history, but their sections no longer count as posted. Returns the sessions affected."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "UPDATE sessions SET restarted = 1 WHERE group_id = ? AND reading_id = ? "
                "AND restarted = 0",
                (group_id, reading_id),
            )
            await db.execute("UPDATE groups SET finished = 0 WHERE id = ?", (group_id,))
        return cursor.rowcount
