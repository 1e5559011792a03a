"""Turning a group's schedule into pending actions: reminders and the next session's opening."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta

from bot.config import Group
from bot.durations import format_duration
from bot.schedule import next_slot, slots
from bot.storage import SqliteStorage
from bot.storage.records import to_db

log = logging.getLogger(__name__)


def slot_key(group_id: str, slot: datetime) -> str:
    return f"{group_id}@{to_db(slot)}"


async def plan_group(storage: SqliteStorage, group: Group, now: datetime) -> datetime | None:
    """Make sure the group's next session (and its reminders) is in the actions table.

    Returns the planned slot, or None when nothing is to come (paused, finished, archived,
    or no date left in the schedule).
    """
    await plan_retention(storage, group, now)
    state = await storage.group_state(group.id)
    if state.paused or state.archived or state.finished:
        return None
    if state.next_section >= len(group.reading.sections):
        return None
    pending = await storage.pending_actions(group.id)
    if any(a.kind == "open" for a in pending):
        return next(a.slot for a in pending if a.kind == "open")
    last = await storage.last_slot(group.id)
    after = max(last, now) if last else now
    if last is not None and group.spec.cadence.cron is None:
        # One session a day at most: a time moved later by an edit must not open a second one today.
        day_end = datetime.combine(last.astimezone(group.zone).date(), time.max, tzinfo=group.zone)
        after = max(after, day_end)
    slot = next_slot(group.spec, group.zone, after)
    if slot is None:
        log.info("group %s: no session dates left in its schedule", group.id)
        return None
    key = slot_key(group.id, slot)
    rows = [(group.id, "open", slot, slot, f"{key}:open")]
    for lead in group.spec.reminders:
        due = slot - lead
        if due > now:
            rows.append((group.id, "remind", due, slot, f"{key}:remind:{format_duration(lead)}"))
    await storage.add_actions(rows)
    log.info("group %s: next session planned for %s", group.id, to_db(slot))
    return slot


def upcoming(group: Group, first: datetime | None, count: int) -> list[datetime]:
    """The planned slot (if any) and the schedule's following ones, `count` in all."""
    if first is None:
        return []
    out = [first]
    for moment in slots(group.spec, group.zone, first):
        if len(out) >= count:
            break
        out.append(moment)
    return out


async def plan_retention(storage: SqliteStorage, group: Group, now: datetime) -> None:
    """With `retention_days` set, a purge of old responses every night at 03:00 group time."""
    if not group.spec.retention_days:
        return
    local = now.astimezone(group.zone)
    due = datetime.combine(local.date(), time(3, 0), tzinfo=group.zone)
    if due <= local:
        due = datetime.combine(local.date() + timedelta(days=1), time(3, 0), tzinfo=group.zone)
    due_utc = due.astimezone(UTC)
    await storage.add_actions(
        [(group.id, "retention", due_utc, due_utc, f"{group.id}:retention:{due.date()}")]
    )
