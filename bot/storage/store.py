"""The store: every SQL statement of the core, written once and run on SQLite or PostgreSQL.

The SQL is in SQLite's `?` style and the portable subset both engines accept; the engine
behind `self.database` translates what must differ (see bot/storage/database.py).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Collection, Iterable
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import Any

from bot.events import MemberRef
from bot.messages import Posted
from bot.storage.database import Connection, Database, Row, open_database, redact, statements
from bot.storage.migrations import MIGRATIONS
from bot.storage.records import (
    Action,
    GroupState,
    Member,
    Membership,
    PromptRow,
    Response,
    Rsvp,
    Session,
    SharedResponse,
    Snooze,
    from_db,
    to_db,
)

log = logging.getLogger(__name__)

_MANY = 500  # rows past which a write goes as one statement (and key lists are chunked)

# every table, parents before children: the order migrate-storage copies them in
TABLES = (
    "groups",
    "members",
    "memberships",
    "sessions",
    "session_prompts",
    "responses",
    "actions",
    "sent",
    "pairings",
    "snoozes",
    "rsvps",
    "drift_notices",
    "inbound_seen",
)


async def open_storage(location: str) -> Storage:
    """Open (creating if needed) and migrate the store at `location`.

    `location` is a PostgreSQL URL (`postgresql://...`), an SQLite path, `sqlite:///path`
    or `:memory:`.
    """
    storage = Storage(location)
    await storage.open()
    return storage


class Storage:
    """Groups, members, sessions, responses and the pending actions that drive them."""

    def __init__(self, location: str) -> None:
        self.location = location
        self.database: Database = open_database(location)

    # -- lifecycle --------------------------------------------------------------

    @property
    def dialect(self) -> str:
        return self.database.dialect

    async def open(self) -> None:
        await self.database.open()
        try:
            await self._migrate()
        except BaseException:
            await self.database.close()
            raise

    async def close(self) -> None:
        await self.database.close()

    async def _migrate(self) -> None:
        async with self.database.migrating():
            async with self.transaction() as db:
                await db.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
                )
            current = await self.schema_version()
            if current > len(MIGRATIONS):
                raise RuntimeError(
                    f"database schema {current} is newer than this studybot ({len(MIGRATIONS)}); "
                    "upgrade studybot"
                )
            for version in range(current + 1, len(MIGRATIONS) + 1):
                # each migration in its own transaction, re-checked inside it in case
                # another process applied it meanwhile (SQLite has no advisory lock)
                async with self.transaction() as db:
                    row = await db.one("SELECT MAX(version) AS v FROM schema_version")
                    if row is not None and row["v"] is not None and int(row["v"]) >= version:
                        continue
                    for statement in statements(MIGRATIONS[version - 1]):
                        await db.execute(self.database.ddl(statement))
                    await db.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
                log.info("database %s migrated to schema %d", redact(self.location), version)

    async def schema_version(self) -> int:
        row = await self._one("SELECT MAX(version) AS v FROM schema_version")
        return int(row["v"]) if row and row["v"] is not None else 0

    def transaction(self) -> AbstractAsyncContextManager[Connection]:
        """One transaction; committed on success, rolled back on any error."""
        return self.database.transaction()

    async def _one(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        return await self.database.one(sql, tuple(params))

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        return await self.database.all(sql, tuple(params))

    # -- groups -----------------------------------------------------------------

    async def sync_groups(
        self, groups: Iterable[tuple[str, str, str, str]], now: datetime
    ) -> list[str]:
        """Upsert configured groups (id, platform, room, reading); archive the rest. Returns archived ids."""
        wanted = list(groups)
        ids = {g[0] for g in wanted}
        async with self.transaction() as db:
            # one statement for every group: 10,000 groups cost one round trip, not 10,000
            await db.executemany(
                "INSERT INTO groups (id, platform, room, reading_id, created_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET platform = excluded.platform, room = excluded.room, "
                "archived = 0, "
                "next_section = CASE WHEN groups.reading_id = excluded.reading_id "
                "THEN groups.next_section ELSE 0 END, "
                "finished = CASE WHEN groups.reading_id = excluded.reading_id "
                "THEN groups.finished ELSE 0 END, "
                "reading_id = excluded.reading_id",
                [
                    (gid, platform, room, reading, to_db(now))
                    for gid, platform, room, reading in wanted
                ],
            )
            rows = await self._all("SELECT id FROM groups WHERE archived = 0")
            gone = [r["id"] for r in rows if r["id"] not in ids]
            for gid in gone:
                await db.execute("UPDATE groups SET archived = 1 WHERE id = ?", (gid,))
                await db.execute(
                    "UPDATE actions SET state = 'cancelled' WHERE group_id = ? AND state = 'pending'",
                    (gid,),
                )
        return gone

    async def group_state(self, group_id: str) -> GroupState:
        row = await self._one("SELECT * FROM groups WHERE id = ?", (group_id,))
        if row is None:
            raise KeyError(group_id)
        return GroupState(
            id=row["id"],
            platform=row["platform"],
            room=row["room"],
            reading_id=row["reading_id"],
            next_section=row["next_section"],
            paused=bool(row["paused"]),
            archived=bool(row["archived"]),
            finished=bool(row["finished"]),
        )

    async def group_states(self) -> dict[str, GroupState]:
        """Every group's state at once (planning thousands of groups at start-up)."""
        rows = await self._all("SELECT * FROM groups")
        return {
            r["id"]: GroupState(
                id=r["id"],
                platform=r["platform"],
                room=r["room"],
                reading_id=r["reading_id"],
                next_section=r["next_section"],
                paused=bool(r["paused"]),
                archived=bool(r["archived"]),
                finished=bool(r["finished"]),
            )
            for r in rows
        }

    async def planned_openings(self) -> dict[str, datetime]:
        """Each group's earliest pending `open` slot, for the groups that have one."""
        rows = await self._all(
            "SELECT group_id, MIN(slot) AS s FROM actions WHERE state = 'pending' AND kind = 'open' "
            "GROUP BY group_id"
        )
        return {r["group_id"]: from_db(r["s"]) for r in rows}

    async def last_slots(self) -> dict[str, datetime]:
        """`last_slot` of every group that has one, in one query."""
        rows = await self._all(
            "SELECT group_id, MAX(slot) AS s FROM actions WHERE kind IN ('open', 'skip') "
            "AND state != 'cancelled' GROUP BY group_id"
        )
        return {r["group_id"]: from_db(r["s"]) for r in rows}

    async def set_paused(self, group_id: str, paused: bool) -> None:
        async with self.transaction() as db:
            await db.execute("UPDATE groups SET paused = ? WHERE id = ?", (int(paused), group_id))

    async def set_finished(self, group_id: str) -> None:
        async with self.transaction() as db:
            await db.execute("UPDATE groups SET finished = 1 WHERE id = ?", (group_id,))

    # -- members ----------------------------------------------------------------

    async def member(self, ref: MemberRef, now: datetime) -> Member:
        """The member for `ref`, created if new; their display name kept current."""
        row = await self._one(
            "SELECT * FROM members WHERE platform = ? AND user_id = ?", (ref.platform, ref.user_id)
        )
        if row is not None and row["display_name"] == ref.display_name:
            return _member(row)
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO members (platform, user_id, display_name, created_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (platform, user_id) DO UPDATE SET display_name = excluded.display_name",
                (ref.platform, ref.user_id, ref.display_name, to_db(now)),
            )
        row = await self._one(
            "SELECT * FROM members WHERE platform = ? AND user_id = ?", (ref.platform, ref.user_id)
        )
        assert row is not None
        return _member(row)

    async def find_member(self, platform: str, user_id: str) -> Member | None:
        row = await self._one(
            "SELECT * FROM members WHERE platform = ? AND user_id = ?", (platform, user_id)
        )
        return _member(row) if row else None

    async def set_timezone(self, member_id: int, zone: str | None) -> None:
        async with self.transaction() as db:
            await db.execute("UPDATE members SET timezone = ? WHERE id = ?", (zone, member_id))

    async def join(self, group_id: str, member_id: int, now: datetime) -> bool:
        """Add a membership; False if it already existed."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "INSERT INTO memberships (group_id, member_id, joined_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (group_id, member_id, to_db(now)),
            )
            return cursor.rowcount == 1

    async def leave(self, group_id: str, member_id: int) -> bool:
        async with self.transaction() as db:
            cursor = await db.execute(
                "DELETE FROM memberships WHERE group_id = ? AND member_id = ?",
                (group_id, member_id),
            )
            return cursor.rowcount == 1

    async def is_member(self, group_id: str, member_id: int) -> bool:
        row = await self._one(
            "SELECT 1 FROM memberships WHERE group_id = ? AND member_id = ?", (group_id, member_id)
        )
        return row is not None

    async def set_reminders(self, group_id: str, member_id: int, on: bool) -> bool:
        async with self.transaction() as db:
            cursor = await db.execute(
                "UPDATE memberships SET reminders = ? WHERE group_id = ? AND member_id = ?",
                (int(on), group_id, member_id),
            )
            return cursor.rowcount == 1

    async def group_members(self, group_id: str) -> list[tuple[Member, bool]]:
        """Members of a group with their reminders opt-in, in joining order."""
        rows = await self._all(
            "SELECT m.*, ms.reminders FROM memberships ms JOIN members m ON m.id = ms.member_id "
            "WHERE ms.group_id = ? ORDER BY ms.joined_at, m.id",
            (group_id,),
        )
        return [(_member(r), bool(r["reminders"])) for r in rows]

    async def member_groups(self, member_id: int) -> list[str]:
        rows = await self._all("SELECT group_id FROM memberships WHERE member_id = ?", (member_id,))
        return [r["group_id"] for r in rows]

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
            return _session(existing)
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
        return _session(row) if row else None

    async def session_by_open_key(self, open_key: str) -> Session | None:
        row = await self._one("SELECT * FROM sessions WHERE open_key = ?", (open_key,))
        return _session(row) if row else None

    async def open_session(self, group_id: str) -> Session | None:
        row = await self._one(
            "SELECT * FROM sessions WHERE group_id = ? AND closed_at IS NULL ORDER BY number DESC LIMIT 1",
            (group_id,),
        )
        return _session(row) if row else None

    async def latest_session(self, group_id: str) -> Session | None:
        row = await self._one(
            "SELECT * FROM sessions WHERE group_id = ? ORDER BY number DESC LIMIT 1", (group_id,)
        )
        return _session(row) if row else None

    async def sessions(self, group_id: str) -> list[Session]:
        rows = await self._all(
            "SELECT * FROM sessions WHERE group_id = ? ORDER BY number", (group_id,)
        )
        return [_session(r) for r in rows]

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
        rows = await self._all(
            "SELECT * FROM session_prompts WHERE session_id = ? ORDER BY number", (session_id,)
        )
        return [_prompt(r) for r in rows]

    async def set_prompt_message(self, session_id: int, number: int, message_id: str) -> None:
        async with self.transaction() as db:
            await db.execute(
                "UPDATE session_prompts SET message_id = ? WHERE session_id = ? AND number = ?",
                (message_id, session_id, number),
            )

    async def prompt_by_message(self, message_id: str) -> PromptRow | None:
        row = await self._one("SELECT * FROM session_prompts WHERE message_id = ?", (message_id,))
        return _prompt(row) if row else None

    # -- responses --------------------------------------------------------------

    async def save_response(
        self,
        *,
        session_id: int,
        member_id: int | None,
        author_key: str,
        prompt: int,
        text: str,
        private: bool,
        late: bool,
        message_id: str | None,
        now: datetime,
    ) -> bool:
        """Insert or replace the response of `author_key` to a prompt; True if it was new.

        Committed on return. `member_id` is None for anonymous responses.
        """
        async with self.transaction() as db:
            cursor = await db.execute(
                "UPDATE responses SET text = ?, private = ?, late = ?, message_id = ?, updated_at = ? "
                "WHERE session_id = ? AND author_key = ? AND prompt = ?",
                (
                    text,
                    int(private),
                    int(late),
                    message_id,
                    to_db(now),
                    session_id,
                    author_key,
                    prompt,
                ),
            )
            if cursor.rowcount:
                return False
            await db.execute(
                "INSERT INTO responses (session_id, member_id, author_key, prompt, text, private, late, "
                "message_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    member_id,
                    author_key,
                    prompt,
                    text,
                    int(private),
                    int(late),
                    message_id,
                    to_db(now),
                    to_db(now),
                ),
            )
            return True

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
        return [_response(r) for r in rows]

    async def session_responses(self, session_id: int) -> list[tuple[Response, Member | None]]:
        """A session's responses with their authors (None for anonymous ones)."""
        rows = await self._all(
            "SELECT r.*, m.platform, m.user_id, m.display_name, m.timezone FROM responses r "
            "LEFT JOIN members m ON m.id = r.member_id WHERE r.session_id = ? "
            "ORDER BY r.prompt, r.created_at, r.id",
            (session_id,),
        )
        return [
            (
                _response(r),
                _member(r, id_column="member_id") if r["member_id"] is not None else None,
            )
            for r in rows
        ]

    async def attendance(self, group_id: str, member_id: int) -> list[tuple[Session, bool]]:
        """Every session of the group, oldest first, with whether the member responded in it."""
        rows = await self._all(
            "SELECT s.*, EXISTS (SELECT 1 FROM responses r WHERE r.session_id = s.id AND r.member_id = ?) "
            "AS responded FROM sessions s WHERE s.group_id = ? ORDER BY s.number",
            (member_id, group_id),
        )
        return [(_session(r), bool(r["responded"])) for r in rows]

    async def group_responses(
        self, group_id: str
    ) -> AsyncIterator[tuple[Session, Response, Member | None]]:
        """All of a group's responses, session by session, without loading them all at once."""
        rows = self.database.stream(
            "SELECT r.*, m.platform, m.user_id, m.display_name, m.timezone, s.number AS s_number, "
            "s.first_section, s.section_count, s.opened_at, s.closes_at, s.closed_at, s.thread, "
            "s.root_message, s.group_id FROM responses r "
            "JOIN sessions s ON s.id = r.session_id LEFT JOIN members m ON m.id = r.member_id "
            "WHERE s.group_id = ? ORDER BY s.number, r.prompt, r.created_at, r.id",
            (group_id,),
        )
        async for row in rows:
            session = Session(
                id=row["session_id"],
                group_id=row["group_id"],
                number=row["s_number"],
                first_section=row["first_section"],
                section_count=row["section_count"],
                opened_at=from_db(row["opened_at"]),
                closes_at=from_db(row["closes_at"]),
                closed_at=from_db(row["closed_at"]) if row["closed_at"] else None,
                thread=row["thread"],
                root_message=row["root_message"],
            )
            author = _member(row, id_column="member_id") if row["member_id"] is not None else None
            yield session, _response(row), author

    async def purge_responses(self, group_id: str, before: datetime) -> int:
        """Delete a group's responses last written before `before` (retention)."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "DELETE FROM responses WHERE updated_at < ? AND session_id IN "
                "(SELECT id FROM sessions WHERE group_id = ?)",
                (to_db(before), group_id),
            )
            return cursor.rowcount

    async def member_data(self, member_id: int, anonymous_keys: list[str]) -> dict[str, Any]:
        """Everything stored about one member, for export-mine (their anonymous responses too)."""
        member = await self._one("SELECT * FROM members WHERE id = ?", (member_id,))
        memberships = await self._all("SELECT * FROM memberships WHERE member_id = ?", (member_id,))
        marks = ",".join("?" for _ in anonymous_keys) or "NULL"
        responses = await self._all(
            "SELECT r.id, r.prompt, r.text, r.private, r.late, r.created_at, r.updated_at, "
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

    async def anonymous_prompts(self) -> list[tuple[int, int]]:
        """Every (session id, prompt number) whose responses are anonymous."""
        rows = await self._all("SELECT session_id, number FROM session_prompts WHERE anonymous = 1")
        return [(r["session_id"], r["number"]) for r in rows]

    # -- actions ----------------------------------------------------------------

    async def add_actions(self, actions: Iterable[tuple[str, str, datetime, datetime, str]]) -> int:
        """Insert (group, kind, due, slot, key) rows; a key already present is left alone."""
        rows = [(g, k, to_db(d), to_db(s), key) for g, k, d, s, key in actions]
        if len(rows) > _MANY:
            return await self._add_many_actions(rows)
        async with self.transaction() as db:
            added = 0
            for row in rows:
                result = await db.execute(
                    "INSERT INTO actions (group_id, kind, due_at, slot, key) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT DO NOTHING",
                    row,
                )
                added += result.rowcount
            return added

    async def _add_many_actions(self, rows: list[tuple[str, str, str, str, str]]) -> int:
        # Thousands of rows (start-up): one statement for all, the count from the keys before.
        async with self.transaction() as db:
            keys = list({row[4] for row in rows})
            present = 0
            for start in range(0, len(keys), _MANY):
                chunk = keys[start : start + _MANY]
                marks = ",".join("?" for _ in chunk)
                found = await db.one(
                    f"SELECT COUNT(*) AS n FROM actions WHERE key IN ({marks})", chunk
                )
                present += int(found["n"]) if found else 0
            await db.executemany(
                "INSERT INTO actions (group_id, kind, due_at, slot, key) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                rows,
            )
            return len(keys) - present

    async def due_actions(self, now: datetime, limit: int = 500) -> list[Action]:
        rows = await self._all(
            "SELECT * FROM actions WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?",
            (to_db(now), limit),
        )
        return [_action(r) for r in rows]

    async def next_due(self, groups: Collection[str] | None = None) -> datetime | None:
        """When the next pending action can be claimed: its due time, or the end of its lease.

        `groups` limits the look to the groups this process delivers to (None: all).
        """
        where, params = _in_groups(groups)
        # a group's later actions wait for its first one (see claim_due_actions)
        row = await self._one(
            "SELECT MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > due_at "
            "THEN lease_until ELSE due_at END) AS d FROM actions a "
            f"WHERE state = 'pending'{where} AND {_GROUP_HEAD}",
            params,
        )
        return from_db(row["d"]) if row and row["d"] else None

    async def claim_due_actions(
        self,
        now: datetime,
        *,
        owner: str,
        lease: timedelta,
        groups: Collection[str] | None = None,
        limit: int = 20,
    ) -> list[Action]:
        """Claim up to `limit` due actions for `owner` until `now + lease`, oldest first.

        Actions another process holds under an unexpired lease are skipped; an expired
        lease (its process died or hung) is taken over. Only each group's earliest pending
        action can be claimed, so one group's actions keep their order across processes.
        `groups` limits the claim to the groups this process can deliver to (None: all).
        PostgreSQL locks the chosen rows with SKIP LOCKED, so concurrent claimers never
        wait on or take the same action; SQLite has one writer at a time.
        """
        where, params = _in_groups(groups)
        async with self.transaction() as db:
            # only a group's first pending action: a group's reminder, opening and closing
            # run one after another, never side by side in two processes
            rows = await db.all(
                "SELECT id FROM actions a WHERE state = 'pending' AND due_at <= ? "
                f"AND (lease_until IS NULL OR lease_until <= ?){where} "
                f"AND {_GROUP_HEAD} ORDER BY due_at, id LIMIT ?{self.database.lock_rows}",
                (to_db(now), to_db(now), *params, limit),
            )
            ids = [int(r["id"]) for r in rows]
            if not ids:
                return []
            marks = ",".join("?" for _ in ids)
            await db.execute(
                f"UPDATE actions SET claimed_by = ?, lease_until = ? WHERE id IN ({marks})",
                (owner, to_db(now + lease), *ids),
            )
            claimed = await db.all(
                f"SELECT * FROM actions WHERE id IN ({marks}) ORDER BY due_at, id", ids
            )
        return [_action(r) for r in claimed]

    async def renew_claim(self, action_id: int, owner: str, lease_until: datetime) -> bool:
        """Extend `owner`'s claim on a running action; False if it is no longer theirs."""
        async with self.transaction() as db:
            result = await db.execute(
                "UPDATE actions SET lease_until = ? WHERE id = ? AND claimed_by = ? "
                "AND state = 'pending'",
                (to_db(lease_until), action_id, owner),
            )
            return result.rowcount == 1

    async def release_actions(self, action_ids: Collection[int], owner: str) -> int:
        """Give back claims `owner` still holds (at shutdown), so others need not wait for the lease."""
        if not action_ids:
            return 0
        marks = ",".join("?" for _ in action_ids)
        async with self.transaction() as db:
            result = await db.execute(
                "UPDATE actions SET lease_until = NULL WHERE state = 'pending' AND claimed_by = ? "
                f"AND id IN ({marks})",
                (owner, *action_ids),
            )
            return result.rowcount

    async def release_claims_of(self, instance: str) -> int:
        """Free the claims an earlier run of `instance` left (owners are named `instance/...`)."""
        prefix = f"{instance}/"
        async with self.transaction() as db:
            result = await db.execute(
                "UPDATE actions SET lease_until = NULL WHERE state = 'pending' "
                "AND lease_until IS NOT NULL AND substr(claimed_by, 1, ?) = ?",
                (len(prefix), prefix),
            )
            return result.rowcount

    async def action_claims(self) -> dict[int, tuple[str | None, datetime | None]]:
        """Who last claimed each action, and until when (for status and tests)."""
        rows = await self._all("SELECT id, claimed_by, lease_until FROM actions")
        return {
            int(r["id"]): (
                r["claimed_by"],
                from_db(r["lease_until"]) if r["lease_until"] else None,
            )
            for r in rows
        }

    async def pending_actions(self, group_id: str) -> list[Action]:
        rows = await self._all(
            "SELECT * FROM actions WHERE group_id = ? AND state = 'pending' ORDER BY due_at, id",
            (group_id,),
        )
        return [_action(r) for r in rows]

    async def finish_action(
        self, action_id: int, state: str, now: datetime, error: str | None = None
    ) -> None:
        async with self.transaction() as db:
            await db.execute(
                "UPDATE actions SET state = ?, finished_at = ?, last_error = ?, lease_until = NULL "
                "WHERE id = ?",
                (state, to_db(now), error, action_id),
            )

    async def action_failed(self, action_id: int, error: str, retry_at: datetime) -> int:
        """Count a failed attempt and push the action back; returns the attempts so far."""
        async with self.transaction() as db:
            await db.execute(
                "UPDATE actions SET attempts = attempts + 1, last_error = ?, due_at = ?, "
                "lease_until = NULL WHERE id = ?",
                (error, to_db(retry_at), action_id),
            )
        row = await self._one("SELECT attempts FROM actions WHERE id = ?", (action_id,))
        return int(row["attempts"]) if row else 0

    async def cancel_actions(
        self, group_id: str, kinds: Iterable[str], slot: datetime | None = None
    ) -> int:
        kinds = list(kinds)
        marks = ",".join("?" for _ in kinds)
        sql = f"UPDATE actions SET state = 'cancelled' WHERE group_id = ? AND state = 'pending' AND kind IN ({marks})"
        params: list[Any] = [group_id, *kinds]
        if slot is not None:
            sql += " AND slot = ?"
            params.append(to_db(slot))
        async with self.transaction() as db:
            cursor = await db.execute(sql, params)
            return cursor.rowcount

    async def last_slot(self, group_id: str) -> datetime | None:
        """The latest slot an open or skip action holds (pending, done or missed; cancelled ones freed theirs)."""
        row = await self._one(
            "SELECT MAX(slot) AS s FROM actions WHERE group_id = ? AND kind IN ('open', 'skip') "
            "AND state != 'cancelled'",
            (group_id,),
        )
        return from_db(row["s"]) if row and row["s"] else None

    # -- inbound messages (each handled by one process) ------------------------------

    async def first_sight(
        self, platform: str, message_id: str, now: datetime, keep: timedelta = timedelta(days=2)
    ) -> bool:
        """Record an inbound message id; False if some process (this one too) recorded it before.

        Ids older than `keep` are forgotten: platforms redeliver within minutes, not days.
        """
        async with self.transaction() as db:
            await db.execute("DELETE FROM inbound_seen WHERE seen_at < ?", (to_db(now - keep),))
            result = await db.execute(
                "INSERT INTO inbound_seen (platform, message_id, seen_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (platform, message_id, to_db(now)),
            )
            return result.rowcount == 1

    # -- sent messages (exactly-once bookkeeping) ---------------------------------

    async def sent(self, key: str) -> Posted | None:
        row = await self._one("SELECT * FROM sent WHERE key = ?", (key,))
        if row is None:
            return None
        return Posted(message_id=row["message_id"], room=row["room"], thread=row["thread"])

    async def record_sent(self, key: str, posted: Posted, now: datetime) -> None:
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO sent (key, message_id, room, thread, sent_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET message_id = excluded.message_id, "
                "room = excluded.room, thread = excluded.thread, sent_at = excluded.sent_at",
                (key, posted.message_id, posted.room, posted.thread, to_db(now)),
            )

    async def count(self, table: str) -> int:
        if table not in {"responses", "sessions", "members", "actions", "sent", "memberships"}:
            raise ValueError(table)
        row = await self._one(f"SELECT COUNT(*) AS n FROM {table}")
        return int(row["n"]) if row else 0

    # -- community (issue 8): pairings, snoozes, RSVPs, participation, drift notices -----

    async def memberships(self, group_id: str) -> list[Membership]:
        """A group's members with their reminders opt-in and when they joined, in joining order."""
        rows = await self._all(
            "SELECT m.*, ms.reminders, ms.joined_at FROM memberships ms "
            "JOIN members m ON m.id = ms.member_id WHERE ms.group_id = ? ORDER BY ms.joined_at, m.id",
            (group_id,),
        )
        return [
            Membership(
                member=_member(r), reminders=bool(r["reminders"]), joined_at=from_db(r["joined_at"])
            )
            for r in rows
        ]

    async def add_snooze(
        self, group_id: str, member_id: int, starts_at: datetime, ends_at: datetime
    ) -> None:
        """Start a snooze, replacing the end of any snooze still running."""
        async with self.transaction() as db:
            await db.execute(
                "UPDATE snoozes SET ends_at = ? WHERE group_id = ? AND member_id = ? AND ends_at > ?",
                (to_db(starts_at), group_id, member_id, to_db(starts_at)),
            )
            await db.execute(
                "INSERT INTO snoozes (group_id, member_id, starts_at, ends_at) VALUES (?, ?, ?, ?)",
                (group_id, member_id, to_db(starts_at), to_db(ends_at)),
            )

    async def end_snooze(self, group_id: str, member_id: int, now: datetime) -> bool:
        """End a running snooze now; False if none was running."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "UPDATE snoozes SET ends_at = ? WHERE group_id = ? AND member_id = ? "
                "AND starts_at <= ? AND ends_at > ?",
                (to_db(now), group_id, member_id, to_db(now), to_db(now)),
            )
            return cursor.rowcount > 0

    async def snoozes(self, group_id: str) -> list[Snooze]:
        """Every snooze in the group, past and present, oldest first."""
        rows = await self._all(
            "SELECT member_id, starts_at, ends_at FROM snoozes WHERE group_id = ? "
            "ORDER BY starts_at, id",
            (group_id,),
        )
        return [
            Snooze(
                member_id=r["member_id"],
                starts_at=from_db(r["starts_at"]),
                ends_at=from_db(r["ends_at"]),
            )
            for r in rows
        ]

    async def save_pairings(self, session_id: int, teams: list[list[int]]) -> bool:
        """Store a session's teams once; False (and nothing changed) if it already has some."""
        async with self.transaction() as db:
            row = await self._one("SELECT 1 FROM pairings WHERE session_id = ?", (session_id,))
            if row is not None:
                return False
            await db.executemany(
                "INSERT INTO pairings (session_id, team, member_id) VALUES (?, ?, ?)",
                [
                    (session_id, number, member_id)
                    for number, team in enumerate(teams, start=1)
                    for member_id in team
                ],
            )
            return True

    async def pairings(self, group_id: str) -> list[tuple[Session, list[list[Member]]]]:
        """Every session of the group that has teams, oldest first, with its teams."""
        rows = await self._all(
            "SELECT p.session_id, p.team, m.* FROM pairings p "
            "JOIN sessions s ON s.id = p.session_id JOIN members m ON m.id = p.member_id "
            "WHERE s.group_id = ? ORDER BY s.number, p.team, m.id",
            (group_id,),
        )
        teams: dict[int, dict[int, list[Member]]] = {}
        for r in rows:
            teams.setdefault(r["session_id"], {}).setdefault(r["team"], []).append(_member(r))
        out: list[tuple[Session, list[list[Member]]]] = []
        for session in await self.sessions(group_id):
            if session.id in teams:
                out.append((session, list(teams[session.id].values())))
        return out

    async def set_rsvp(self, session_id: int, member_id: int, going: bool, now: datetime) -> None:
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO rsvps (session_id, member_id, going, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (session_id, member_id) DO UPDATE SET going = excluded.going, "
                "updated_at = excluded.updated_at",
                (session_id, member_id, int(going), to_db(now)),
            )

    async def rsvps(self, session_id: int) -> list[Rsvp]:
        rows = await self._all(
            "SELECT m.*, r.going, r.attended FROM rsvps r JOIN members m ON m.id = r.member_id "
            "WHERE r.session_id = ? ORDER BY r.updated_at, m.id",
            (session_id,),
        )
        return [
            Rsvp(
                member=_member(r),
                going=bool(r["going"]),
                attended=None if r["attended"] is None else bool(r["attended"]),
            )
            for r in rows
        ]

    async def record_attendance(self, session_id: int) -> None:
        """Mark who said yes as attended if they took part (responded) in the session."""
        async with self.transaction() as db:
            await db.execute(
                "UPDATE rsvps SET attended = CASE WHEN going = 1 AND EXISTS (SELECT 1 FROM responses x "
                "WHERE x.session_id = rsvps.session_id AND x.member_id = rsvps.member_id) "
                "THEN 1 ELSE 0 END WHERE session_id = ?",
                (session_id,),
            )

    async def participation(self, group_id: str) -> list[tuple[Session, frozenset[int]]]:
        """Every session of the group, oldest first, with the ids of members who responded."""
        rows = await self._all(
            "SELECT DISTINCT r.session_id, r.member_id FROM responses r "
            "JOIN sessions s ON s.id = r.session_id "
            "WHERE s.group_id = ? AND r.member_id IS NOT NULL",
            (group_id,),
        )
        who: dict[int, set[int]] = {}
        for r in rows:
            who.setdefault(r["session_id"], set()).add(r["member_id"])
        return [(s, frozenset(who.get(s.id, ()))) for s in await self.sessions(group_id)]

    async def shared_responses(self, session_id: int) -> list[SharedResponse]:
        """A session's responses that are not private, by prompt; anonymous ones without author."""
        rows = await self._all(
            "SELECT r.session_id, r.prompt, r.text, r.late, m.display_name FROM responses r "
            "LEFT JOIN members m ON m.id = r.member_id "
            "WHERE r.session_id = ? AND r.private = 0 ORDER BY r.prompt, r.created_at, r.id",
            (session_id,),
        )
        return [
            SharedResponse(
                session_id=r["session_id"],
                prompt=r["prompt"],
                text=r["text"],
                late=bool(r["late"]),
                author=r["display_name"],
            )
            for r in rows
        ]

    async def response_counts(self, session_id: int) -> dict[int, int]:
        """How many responses (of any kind) each prompt of a session has."""
        rows = await self._all(
            "SELECT prompt, COUNT(*) AS n FROM responses WHERE session_id = ? GROUP BY prompt",
            (session_id,),
        )
        return {r["prompt"]: int(r["n"]) for r in rows}

    async def add_drift_notice(self, group_id: str, member_id: int, now: datetime) -> None:
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO drift_notices (group_id, member_id, sent_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (group_id, member_id, to_db(now)),
            )

    async def drift_notices(self, group_id: str) -> dict[int, datetime]:
        """When each member of the group last got a "we miss you" message."""
        rows = await self._all(
            "SELECT member_id, MAX(sent_at) AS at FROM drift_notices WHERE group_id = ? "
            "GROUP BY member_id",
            (group_id,),
        )
        return {r["member_id"]: from_db(r["at"]) for r in rows}

    async def member_community_data(self, member_id: int) -> dict[str, Any]:
        """A member's snoozes, RSVPs, teams and "we miss you" notices, for export-mine."""
        snoozes = await self._all(
            "SELECT group_id, starts_at, ends_at FROM snoozes WHERE member_id = ? ORDER BY starts_at",
            (member_id,),
        )
        rsvps = await self._all(
            "SELECT s.group_id, s.number AS session_number, r.going, r.attended, r.updated_at "
            "FROM rsvps r JOIN sessions s ON s.id = r.session_id WHERE r.member_id = ? "
            "ORDER BY s.group_id, s.number",
            (member_id,),
        )
        teams = await self._all(
            "SELECT s.group_id, s.number AS session_number, m.display_name AS partner "
            "FROM pairings mine JOIN pairings p ON p.session_id = mine.session_id "
            "AND p.team = mine.team AND p.member_id != mine.member_id "
            "JOIN members m ON m.id = p.member_id JOIN sessions s ON s.id = mine.session_id "
            "WHERE mine.member_id = ? ORDER BY s.group_id, s.number, m.display_name",
            (member_id,),
        )
        notices = await self._all(
            "SELECT group_id, sent_at FROM drift_notices WHERE member_id = ? ORDER BY sent_at",
            (member_id,),
        )
        return {
            "snoozes": [dict(r) for r in snoozes],
            "rsvps": [dict(r) for r in rsvps],
            "teams": [dict(r) for r in teams],
            "we_miss_you_messages": [dict(r) for r in notices],
        }


# `actions a` is its group's earliest pending action
_GROUP_HEAD = (
    "NOT EXISTS (SELECT 1 FROM actions b WHERE b.group_id = a.group_id AND b.state = 'pending' "
    "AND (b.due_at < a.due_at OR (b.due_at = a.due_at AND b.id < a.id)))"
)


def _in_groups(groups: Collection[str] | None) -> tuple[str, tuple[str, ...]]:
    """An `AND group_id IN (...)` filter and its parameters; no filter for None."""
    if groups is None:
        return "", ()
    chosen = tuple(groups)
    if not chosen:
        return " AND 1 = 0", ()
    return f" AND group_id IN ({','.join('?' for _ in chosen)})", chosen


def _member(row: Row, id_column: str = "id") -> Member:
    return Member(
        id=row[id_column],
        platform=row["platform"],
        user_id=row["user_id"],
        display_name=row["display_name"],
        timezone=row["timezone"],
    )


def _session(row: Row) -> Session:
    return Session(
        id=row["id"],
        group_id=row["group_id"],
        number=row["number"],
        first_section=row["first_section"],
        section_count=row["section_count"],
        opened_at=from_db(row["opened_at"]),
        closes_at=from_db(row["closes_at"]),
        closed_at=from_db(row["closed_at"]) if row["closed_at"] else None,
        thread=row["thread"],
        root_message=row["root_message"],
    )


def _prompt(row: Row) -> PromptRow:
    return PromptRow(
        session_id=row["session_id"],
        number=row["number"],
        text=row["text"],
        message_id=row["message_id"],
        anonymous=bool(row["anonymous"]),
    )


def _response(row: Row) -> Response:
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
    )


def _action(row: Row) -> Action:
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
