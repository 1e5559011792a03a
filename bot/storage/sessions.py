"""Sessions and their prompts."""

from __future__ import annotations

from datetime import datetime

from bot.core.records import (
    PromptRow,
    Session,
    to_db,
)
from bot.storage.base import StoreBase
from bot.storage.rows import (
    prompt_row,
    session_row,
)


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
    ) -> Session:
        """Record a new session with its prompts and advance the group's section pointer.

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
                "open_key) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    group_id,
                    number,
                    first_section,
                    section_count,
                    to_db(opened_at),
                    to_db(closes_at),
                    open_key,
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
            await db.execute(
                "UPDATE groups SET next_section = ? WHERE id = ?",
                (first_section + section_count, group_id),
            )
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
        async def load() -> tuple[PromptRow, ...]:
            rows = await self._all(
                "SELECT * FROM session_prompts WHERE session_id = ? ORDER BY number", (session_id,)
            )
            return tuple(prompt_row(r) for r in rows)

        return list(await self.lookups.through(("prompts", session_id), load))

    async def set_prompt_message(self, session_id: int, number: int, message_id: str) -> None:
        async with self.transaction() as db:
            await db.execute(
                "UPDATE session_prompts SET message_id = ? WHERE session_id = ? AND number = ?",
                (message_id, session_id, number),
            )

    async def prompt_by_message(self, message_id: str) -> PromptRow | None:
        row = await self._one("SELECT * FROM session_prompts WHERE message_id = ?", (message_id,))
        return prompt_row(row) if row else None
