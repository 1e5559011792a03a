"""Each planned session's entry in the platform's own calendar (Discord Scheduled Events): the
platform's event id, kept with the key of the opening action it mirrors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.records import from_db, to_db
from bot.storage.base import StoreBase


@dataclass(frozen=True, slots=True, kw_only=True)
class PlatformEvent:
    id: int
    group_id: str
    action_key: str
    slot: datetime
    event_id: str
    state: str  # scheduled, cancelled, held (its session opened)


class CalendarStore(StoreBase):
    """The platform events of groups; each is created once and then moved or cancelled."""

    async def platform_events(self, group_id: str, state: str = "scheduled") -> list[PlatformEvent]:
        rows = await self._all(
            "SELECT * FROM platform_events WHERE group_id = ? AND state = ? ORDER BY id",
            (group_id, state),
        )
        return [
            PlatformEvent(id=r["id"], group_id=r["group_id"], action_key=r["action_key"],
                          slot=from_db(r["slot"]), event_id=r["event_id"], state=r["state"])
            for r in rows
        ]  # fmt: skip

    async def record_platform_event(
        self, group_id: str, *, action_key: str, slot: datetime, event_id: str, now: datetime
    ) -> None:
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO platform_events (group_id, action_key, slot, event_id, updated_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (group_id, action_key, to_db(slot), event_id, to_db(now)),
            )

    async def move_platform_event(
        self, row_id: int, *, action_key: str, slot: datetime, now: datetime
    ) -> None:
        async with self.transaction() as db:
            await db.execute(
                "UPDATE platform_events SET action_key = ?, slot = ?, updated_at = ? WHERE id = ?",
                (action_key, to_db(slot), to_db(now), row_id),
            )

    async def set_platform_event_state(self, row_id: int, state: str, now: datetime) -> None:
        async with self.transaction() as db:
            await db.execute(
                "UPDATE platform_events SET state = ?, updated_at = ? WHERE id = ?",
                (state, to_db(now), row_id),
            )

    async def skipped_slots(self, group_id: str) -> set[datetime]:
        """The session slots `skip` took out of the plan."""
        rows = await self._all(
            "SELECT slot FROM actions WHERE group_id = ? AND kind = 'skip'", (group_id,)
        )
        return {from_db(r["slot"]) for r in rows}
