"""Harvests: the pack versions proposed from a group's responses, and whose words each holds
until the admin approves it (so that forget-me can take them out first)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.records import to_db
from bot.storage.base import StoreBase


@dataclass(frozen=True, slots=True, kw_only=True)
class HarvestedWords:
    """One proposed lesson made of a member's words: where it is and whose it is."""

    lesson: str  # the lesson's id in the proposal's pack.yaml
    member_id: int | None  # None for an anonymous response
    author_key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PendingLessons:
    """A harvest not yet approved, and the ids of the lessons in it that are one member's."""

    harvest_id: int
    folder: str
    lessons: tuple[str, ...]


class HarvestStore(StoreBase):
    """Harvests proposed and not yet approved, by the words they hold."""

    async def add_harvest(
        self, group_id: str, folder: str, words: Sequence[HarvestedWords], now: datetime
    ) -> int:
        """Record a proposed harvest in `folder` and whose words each of its lessons is."""
        async with self.transaction() as db:
            row = await db.one(
                "INSERT INTO harvests (group_id, folder, created_at) VALUES (?, ?, ?) RETURNING id",
                (group_id, folder, to_db(now)),
            )
            assert row is not None
            harvest_id = int(row["id"])
            for w in words:
                await db.execute(
                    "INSERT INTO harvest_lessons (harvest_id, lesson, member_id, author_key) "
                    "VALUES (?, ?, ?, ?)",
                    (harvest_id, w.lesson, w.member_id, w.author_key),
                )
        return harvest_id

    async def pending_harvest(self, folder: str) -> int | None:
        """The id of the harvest proposed in `folder` and not yet approved."""
        row = await self._one(
            "SELECT id FROM harvests WHERE folder = ? AND approved_at IS NULL "
            "ORDER BY id DESC LIMIT 1",
            (folder,),
        )
        return int(row["id"]) if row else None

    async def approve_harvest(self, harvest_id: int, now: datetime) -> None:
        """Mark the harvest approved and forget whose words its lessons were: from now on the
        pack is the admin's to pass on, and nothing in the database ties it to a member."""
        async with self.transaction() as db:
            await db.execute(
                "UPDATE harvests SET approved_at = ? WHERE id = ?", (to_db(now), harvest_id)
            )
            await db.execute("DELETE FROM harvest_lessons WHERE harvest_id = ?", (harvest_id,))

    async def pending_lessons_of(
        self, member_id: int, author_keys: Sequence[str]
    ) -> list[PendingLessons]:
        """The harvests not yet approved that hold the member's words (named or anonymous)."""
        marks = ",".join("?" for _ in author_keys) or "NULL"
        rows = await self._all(
            "SELECT h.id, h.folder, l.lesson FROM harvest_lessons l "
            "JOIN harvests h ON h.id = l.harvest_id WHERE h.approved_at IS NULL "
            f"AND (l.member_id = ? OR l.author_key IN ({marks})) ORDER BY h.id, l.id",
            (member_id, *author_keys),
        )
        found: dict[int, PendingLessons] = {}
        for r in rows:
            earlier = found.get(int(r["id"]))
            lessons = (*earlier.lessons, str(r["lesson"])) if earlier else (str(r["lesson"]),)
            found[int(r["id"])] = PendingLessons(
                harvest_id=int(r["id"]), folder=str(r["folder"]), lessons=lessons
            )
        return list(found.values())

    async def forget_harvested(self, member_id: int, author_keys: Sequence[str]) -> int:
        """Forget which lessons of pending harvests were the member's (once they are out)."""
        marks = ",".join("?" for _ in author_keys) or "NULL"
        async with self.transaction() as db:
            cursor = await db.execute(
                "DELETE FROM harvest_lessons WHERE (member_id = ? OR author_key IN "
                f"({marks})) AND harvest_id IN (SELECT id FROM harvests WHERE approved_at IS NULL)",
                (member_id, *author_keys),
            )
            return cursor.rowcount
