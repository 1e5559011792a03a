"""Groups and their members: which groups exist, their state, who belongs to them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import cast

from bot.core.events import MemberRef
from bot.core.records import (
    GroupState,
    Member,
    from_db,
    to_db,
)
from bot.storage.base import StoreBase
from bot.storage.lookups import MISS
from bot.storage.rows import (
    member_row,
)


class GroupStore(StoreBase):
    """Groups, members and memberships."""

    # -- groups -----------------------------------------------------------------

    async def sync_groups(
        self, groups: Iterable[tuple[str, str, str, str]], now: datetime
    ) -> list[str]:
        """Upsert configured groups (id, platform, room, reading ids); archive the rest. Returns
        archived ids. What a group has read is in its sessions: a change of readings keeps it."""
        wanted = list(groups)
        ids = {g[0] for g in wanted}
        async with self.transaction() as db:
            # one statement for every group: 10,000 groups cost one round trip, not 10,000
            await db.executemany(
                "INSERT INTO groups (id, platform, room, reading_id, created_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET platform = excluded.platform, room = excluded.room, "
                "archived = 0, "
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
        key = ("member", ref.platform, ref.user_id)
        cached = self.lookups.get(key)
        if cached is not MISS and cached.display_name == ref.display_name:
            return cast(Member, cached)
        stamp = self.lookups.stamp()
        row = await self._one(
            "SELECT * FROM members WHERE platform = ? AND user_id = ?", (ref.platform, ref.user_id)
        )
        if row is None or row["display_name"] != ref.display_name:
            async with self.transaction() as db:
                await db.execute(
                    "INSERT INTO members (platform, user_id, display_name, created_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (platform, user_id) "
                    "DO UPDATE SET display_name = excluded.display_name",
                    (ref.platform, ref.user_id, ref.display_name, to_db(now)),
                )
            stamp = self.lookups.stamp()
            row = await self._one(
                "SELECT * FROM members WHERE platform = ? AND user_id = ?",
                (ref.platform, ref.user_id),
            )
            assert row is not None
        member = member_row(row)
        self.lookups.keep(key, member, stamp)
        return member

    async def find_member(self, platform: str, user_id: str) -> Member | None:
        row = await self._one(
            "SELECT * FROM members WHERE platform = ? AND user_id = ?", (platform, user_id)
        )
        return member_row(row) if row else None

    async def set_timezone(self, member_id: int, zone: str | None) -> None:
        async with self.transaction() as db:
            await db.execute("UPDATE members SET timezone = ? WHERE id = ?", (zone, member_id))

    async def set_language(self, member_id: int, language: str | None) -> None:
        async with self.transaction() as db:
            await db.execute("UPDATE members SET language = ? WHERE id = ?", (language, member_id))

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
        key = ("is_member", group_id, member_id)
        cached = self.lookups.get(key)  # the usual case, without building the loader
        if cached is not MISS:
            return cast(bool, cached)

        async def load() -> bool:
            row = await self._one(
                "SELECT 1 FROM memberships WHERE group_id = ? AND member_id = ?",
                (group_id, member_id),
            )
            return row is not None

        return await self.lookups.through(key, load)

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
        return [(member_row(r), bool(r["reminders"])) for r in rows]

    async def member_groups(self, member_id: int) -> list[str]:
        rows = await self._all("SELECT group_id FROM memberships WHERE member_id = ?", (member_id,))
        return [r["group_id"] for r in rows]
