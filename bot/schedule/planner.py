"""Turning a group's schedule into pending actions: reminders and the next session's opening."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

from bot.config.model import Group
from bot.core.durations import format_duration
from bot.core.records import GroupState, to_db
from bot.readings.course import SectionKey, next_step
from bot.schedule.cadence import next_slot, slots
from bot.storage import Storage

log = logging.getLogger(__name__)

ActionRow = tuple[str, str, datetime, datetime, str]  # group, kind, due, slot, key
FACILITATOR_NOTES = "facilitator-notes"
PLATFORM_EVENTS = "platform-events"
# how long before a session its facilitator notes reach the admins (at planning, if later)
NOTES_LEAD = timedelta(hours=24)


def slot_key(group_id: str, slot: datetime) -> str:
    return f"{group_id}@{to_db(slot)}"


async def plan_group(storage: Storage, group: Group, now: datetime) -> datetime | None:
    """Make sure the group's next session (and its reminders) is in the actions table.

    Returns the planned slot, or None when nothing is to come (paused, archived, every section
    of the course posted, or no date left in the schedule).
    """
    await plan_retention(storage, group, now)
    state = await storage.group_state(group.id)
    if not _running(state) or not _has_sections_to_come(
        group, await storage.posted_sections(group.id)
    ):
        return None
    pending = await storage.pending_actions(group.id)
    if any(a.kind == "open" for a in pending):
        return next(a.slot for a in pending if a.kind == "open")
    slot, rows = _next_session(group, await storage.last_slot(group.id), now)
    if slot is None:
        return None
    await storage.add_actions(rows)
    log.info("group %s: next session planned for %s", group.id, to_db(slot))
    return slot


async def plan_groups(storage: Storage, groups: Sequence[Group], now: datetime) -> int:
    """`plan_group` for many groups in four queries and one transaction (start-up, reload).

    Returns how many groups got a session planned just now.
    """
    states = await storage.group_states()
    planned = await storage.planned_openings()
    lasts = await storage.last_slots()
    rows: list[ActionRow] = []
    count = 0
    waiting = [
        g
        for g in groups
        if (state := states.get(g.id)) is not None and _running(state) and g.id not in planned
    ]
    posted = await storage.posted_sections_of([g.id for g in waiting]) if waiting else {}
    for group in groups:
        rows += _retention_rows(group, now)
    for group in waiting:
        if not _has_sections_to_come(group, posted.get(group.id, frozenset())):
            continue
        slot, more = _next_session(group, lasts.get(group.id), now)
        if slot is not None:
            rows += more
            count += 1
    if rows:
        await storage.add_actions(rows)
    log.info("planned the next session of %d of %d groups", count, len(groups))
    return count


def _running(state: GroupState) -> bool:
    return not (state.paused or state.archived)


def _has_sections_to_come(group: Group, posted: frozenset[SectionKey]) -> bool:
    # not `finished`: a course that ended goes on when the config gives it more to read
    return next_step(group.course, posted, group.spec.sections_per_session) is not None


def _next_session(
    group: Group, last: datetime | None, now: datetime
) -> tuple[datetime | None, list[ActionRow]]:
    """The group's next slot after `last` (its latest session slot) and its action rows."""
    after = max(last, now) if last else now
    if last is not None and group.spec.cadence.cron is None:
        # One session a day at most: a time moved later by an edit must not open a second one today.
        day_end = datetime.combine(last.astimezone(group.zone).date(), time.max, tzinfo=group.zone)
        after = max(after, day_end)
    slot = next_slot(group.spec, group.zone, after)
    if slot is None:
        log.info("group %s: no session dates left in its schedule", group.id)
        return None, []
    key = slot_key(group.id, slot)
    rows: list[ActionRow] = [(group.id, "open", slot, slot, f"{key}:open")]
    for lead in group.spec.reminders:
        due = slot - lead
        if due > now:
            rows.append((group.id, "remind", due, slot, f"{key}:remind:{format_duration(lead)}"))
    if group.spec.discord_events:
        # the server's calendar follows the plan (bot.sessions.calendar_events runs it)
        rows.append((group.id, PLATFORM_EVENTS, now, slot, f"{key}:{PLATFORM_EVENTS}"))
    if group.pack is not None and (group.pack.notes or group.pack.lessons):
        due = max(slot - NOTES_LEAD, now)
        rows.append((group.id, FACILITATOR_NOTES, due, slot, f"{key}:{FACILITATOR_NOTES}"))
    return slot, rows


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


async def plan_retention(storage: Storage, group: Group, now: datetime) -> None:
    """With `retention_days` set, a purge of old responses every night at 03:00 group time."""
    rows = _retention_rows(group, now)
    if rows:
        await storage.add_actions(rows)


def _retention_rows(group: Group, now: datetime) -> list[ActionRow]:
    if not group.spec.retention_days:
        return []
    local = now.astimezone(group.zone)
    due = datetime.combine(local.date(), time(3, 0), tzinfo=group.zone)
    if due <= local:
        due = datetime.combine(local.date() + timedelta(days=1), time(3, 0), tzinfo=group.zone)
    due_utc = due.astimezone(UTC)
    return [(group.id, "retention", due_utc, due_utc, f"{group.id}:retention:{due.date()}")]
