"""What each session left on the platform (the bot's posts, the ids of members' messages in its
thread) and how far the removal of an expired discussion has got."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import datetime

from bot.core.records import Session, SessionMessage, from_db, to_db
from bot.storage.base import StoreBase
from bot.storage.engines.database import Row
from bot.storage.rows import session_row

_NOTE = (
    "INSERT INTO session_messages (session_id, room, thread, message_id, own, recorded_at) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)


def _message_row(row: Row) -> SessionMessage:
    return SessionMessage(
        id=row["id"],
        session_id=row["session_id"],
        room=row["room"],
        thread=row["thread"],
        message_id=row["message_id"],
        own=bool(row["own"]),
        state=row["state"],
    )


class TraceStore(StoreBase):
    """The platform messages of sessions, each removed at most once."""

    async def note_message(
        self,
        session_id: int,
        *,
        room: str,
        thread: str | None,
        message_id: str,
        now: datetime,
        own: bool = False,
    ) -> bool:
        """Remember one platform message of a session; False when it was known already."""
        async with self.transaction() as db:
            result = await db.execute(
                _NOTE, (session_id, room, thread, message_id, int(own), to_db(now))
            )
            return result.rowcount == 1

    async def gather_own_posts(
        self,
        session: Session,
        *,
        room: str,
        prefixes: Collection[str],
        now: datetime,
        skip: str = "",
    ) -> int:
        """Add the bot's posts in `room` whose send keys start with one of `prefixes` (what the
        outbox recorded for this session), but the key `skip`, to its messages; returns how
        many were new."""
        added = 0
        async with self.transaction() as db:
            for prefix in prefixes:
                result = await db.execute(
                    "INSERT INTO session_messages "
                    "(session_id, room, thread, message_id, own, recorded_at) "
                    "SELECT ?, room, thread, message_id, 1, ? FROM sent "
                    "WHERE room = ? AND substr(key, 1, ?) = ? AND key != ? ON CONFLICT DO NOTHING",
                    (session.id, to_db(now), room, len(prefix), prefix, skip),
                )
                added += result.rowcount
        return added

    async def messages_to_remove(self, session_id: int) -> list[SessionMessage]:
        """The session's messages still on the platform: members' first, then the bot's, oldest
        first (a thread's replies go before the post they answer)."""
        rows = await self._all(
            "SELECT * FROM session_messages WHERE session_id = ? AND state = 'kept' "
            "ORDER BY own, id",
            (session_id,),
        )
        return [_message_row(r) for r in rows]

    async def session_messages(self, session_id: int) -> list[SessionMessage]:
        rows = await self._all(
            "SELECT * FROM session_messages WHERE session_id = ? ORDER BY id", (session_id,)
        )
        return [_message_row(r) for r in rows]

    async def mark_message(self, message_id: int, state: str, now: datetime) -> None:
        async with self.transaction() as db:
            await db.execute(
                "UPDATE session_messages SET state = ?, removed_at = ? WHERE id = ?",
                (state, to_db(now), message_id),
            )

    async def removal_counts(self, session_id: int) -> Counter[str]:
        """How many of the session's messages are in each state (kept, removed, gone, refused)."""
        rows = await self._all(
            "SELECT state, COUNT(*) AS n FROM session_messages WHERE session_id = ? GROUP BY state",
            (session_id,),
        )
        return Counter({str(r["state"]): int(r["n"]) for r in rows})

    async def set_expired(self, session_id: int, now: datetime) -> None:
        async with self.transaction() as db:
            await db.execute(
                "UPDATE sessions SET expired_at = ? WHERE id = ? AND expired_at IS NULL",
                (to_db(now), session_id),
            )

    async def expired_between(
        self, group_id: str, start: datetime, end: datetime
    ) -> list[tuple[int, datetime]]:
        """(session number, when) for the group's sessions whose discussion expired in (start, end]."""
        rows = await self._all(
            "SELECT number, expired_at FROM sessions WHERE group_id = ? AND expired_at > ? "
            "AND expired_at <= ? ORDER BY number",
            (group_id, to_db(start), to_db(end)),
        )
        return [(int(r["number"]), from_db(r["expired_at"])) for r in rows]

    async def purge_session_responses(self, session_id: int, keep: Collection[int] = ()) -> int:
        """Delete a session's responses but those in `keep` (shared beyond the group)."""
        marks = ",".join("?" for _ in keep)
        spare = f" AND id NOT IN ({marks})" if keep else ""
        async with self.transaction() as db:
            cursor = await db.execute(
                f"DELETE FROM responses WHERE session_id = ?{spare}", (session_id, *keep)
            )
            return cursor.rowcount

    async def session_by_thread(self, group_id: str, thread: str) -> Session | None:
        """The group's session whose thread (or root post) is `thread`."""
        row = await self._one(
            "SELECT * FROM sessions WHERE group_id = ? AND (thread = ? OR root_message = ?) "
            "ORDER BY number DESC LIMIT 1",
            (group_id, thread, thread),
        )
        return session_row(row) if row else None
