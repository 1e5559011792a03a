"""Pending actions (the schedule's source of truth), their claims, and exactly-once bookkeeping."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import datetime, timedelta
from typing import Any

from bot.core.messages import Posted
from bot.core.records import (
    Action,
    from_db,
    to_db,
)
from bot.storage.base import StoreBase
from bot.storage.engines.database import Announcing, Listening
from bot.storage.migrations import ACTIONS_CHANNEL
from bot.storage.rows import (
    MANY,
    action_row,
    in_groups,
)

# `actions a` is its group's earliest pending action
_GROUP_HEAD = (
    "NOT EXISTS (SELECT 1 FROM actions b WHERE b.group_id = a.group_id AND b.state = 'pending' "
    "AND (b.due_at < a.due_at OR (b.due_at = a.due_at AND b.id < a.id)))"
)


_ADD_ACTION = (
    "INSERT INTO actions (group_id, kind, due_at, slot, key) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (key) DO UPDATE SET state = 'pending', due_at = excluded.due_at, "
    "slot = excluded.slot, attempts = 0, last_error = NULL, finished_at = NULL, "
    "claimed_by = NULL, lease_until = NULL WHERE actions.state = 'cancelled'"
)


class ActionStore(StoreBase):
    """Due actions, claims with leases, inbound dedup and sent messages."""

    async def watch_actions(self, on_notice: Callable[[], None]) -> Listening | None:
        """Be told (`on_notice`) when another process plans or frees an action, where the engine
        can tell (PostgreSQL); None where it cannot, and the caller polls."""
        if not isinstance(self.database, Announcing):
            return None
        return await self.database.listen(ACTIONS_CHANNEL, on_notice)

    # -- actions ----------------------------------------------------------------

    async def add_actions(self, actions: Iterable[tuple[str, str, datetime, datetime, str]]) -> int:
        """Insert (group, kind, due, slot, key) rows; a key already present is left alone,
        unless it was cancelled: planned again, it is pending again (a reload that keeps a
        session's date, or a resume on the day of a pause, plans the very same keys)."""
        rows = [(g, k, to_db(d), to_db(s), key) for g, k, d, s, key in actions]
        if len(rows) > MANY:
            return await self._add_many_actions(rows)
        async with self.transaction() as db:
            added = 0
            for row in rows:
                result = await db.execute(_ADD_ACTION, row)
                added += result.rowcount
            return added

    async def skip_slot(self, group_id: str, slot: datetime, key: str, now: datetime) -> None:
        """Record a session slot as skipped: a finished 'skip' action that planning moves past."""
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO actions (group_id, kind, due_at, slot, key, state, finished_at) "
                "VALUES (?, 'skip', ?, ?, ?, 'done', ?) ON CONFLICT DO NOTHING",
                (group_id, to_db(slot), to_db(slot), key, to_db(now)),
            )

    async def _add_many_actions(self, rows: list[tuple[str, str, str, str, str]]) -> int:
        # Thousands of rows (start-up): one statement for all, the count from the keys before.
        async with self.transaction() as db:
            keys = list({row[4] for row in rows})
            present = 0
            for start in range(0, len(keys), MANY):
                chunk = keys[start : start + MANY]
                marks = ",".join("?" for _ in chunk)
                found = await db.one(
                    f"SELECT COUNT(*) AS n FROM actions WHERE key IN ({marks}) "
                    "AND state != 'cancelled'",
                    chunk,
                )
                present += int(found["n"]) if found else 0
            await db.executemany(_ADD_ACTION, rows)
            return len(keys) - present

    async def due_actions(self, now: datetime, limit: int = 500) -> list[Action]:
        rows = await self._all(
            "SELECT * FROM actions WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?",
            (to_db(now), limit),
        )
        return [action_row(r) for r in rows]

    async def next_due(self, groups: Collection[str] | None = None) -> datetime | None:
        """When the next pending action can be claimed: its due time, or the end of its lease.

        `groups` limits the look to the groups this process delivers to (None: all).
        """
        where, params = in_groups(groups)
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
        where, params = in_groups(groups)
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
        return [action_row(r) for r in claimed]

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
        return [action_row(r) for r in rows]

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
        self,
        group_id: str,
        kinds: Iterable[str],
        slot: datetime | None = None,
        *,
        other_than: datetime | None = None,
    ) -> int:
        """Cancel the group's pending actions of `kinds`: those of `slot` only, or all but
        those of `other_than`, or all."""
        kinds = list(kinds)
        marks = ",".join("?" for _ in kinds)
        sql = f"UPDATE actions SET state = 'cancelled' WHERE group_id = ? AND state = 'pending' AND kind IN ({marks})"
        params: list[Any] = [group_id, *kinds]
        if slot is not None:
            sql += " AND slot = ?"
            params.append(to_db(slot))
        if other_than is not None:
            sql += " AND slot != ?"
            params.append(to_db(other_than))
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

        Ids older than `keep` are forgotten (at most once an hour, not on every message):
        platforms redeliver within minutes, not days.
        """
        prune = self._inbound_pruned is None or now - self._inbound_pruned > timedelta(hours=1)
        async with self.transaction() as db:
            if prune:
                await db.execute("DELETE FROM inbound_seen WHERE seen_at < ?", (to_db(now - keep),))
                self._inbound_pruned = now
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
        if table not in {"responses", "sessions", "members", "actions", "sent", "memberships",
                         "annotations", "annotation_replies"}:  # fmt: skip
            raise ValueError(table)
        row = await self._one(f"SELECT COUNT(*) AS n FROM {table}")
        return int(row["n"]) if row else 0
