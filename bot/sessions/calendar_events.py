"""The group's next session in the platform's own calendar (`discord_events: true`: Discord's
Events tab): created ahead of time when the session is planned, moved when the plan changes,
cancelled on `skip` and `pause`. A durable action does it, so a crash or restart carries on;
the platform's event id is kept with the key of the opening it mirrors."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.config.model import Group
from bot.core import faults
from bot.core.platform import PlannedEvent, RightMissing, ScheduledEvents
from bot.core.records import Action, to_db
from bot.schedule.course_plan import coming_step
from bot.schedule.planner import PLATFORM_EVENTS
from bot.services import ActionKind, ActionKinds, Services, SessionHooks
from bot.sessions import outbox
from bot.sessions.calendar_words import event_description, event_title, refused_notice

log = logging.getLogger(__name__)

SYNC = PLATFORM_EVENTS


def sync_row(group: Group, now: datetime, why: str) -> tuple[str, str, datetime, datetime, str]:
    """The action that brings the group's calendar event in line with its plan, due now."""
    return (group.id, SYNC, now, now, f"{group.id}:{SYNC}:{why}:{to_db(now)}")


async def plan_sync(services: Services, group: Group, why: str) -> None:
    """Ask for a sync after a change the planner does not see (a pause)."""
    if group.spec.discord_events:
        await services.storage.add_actions([sync_row(group, services.clock.now(), why)])


async def sync_events(services: Services, group: Group) -> None:
    """Make the platform show exactly the group's next planned session, once."""
    platform = services.platform(group.platform)
    if not group.spec.discord_events or not isinstance(platform, ScheduledEvents):
        return
    storage = services.storage
    now = services.clock.now()
    opened = {s.opened_at for s in await storage.sessions(group.id)}
    skipped = await storage.skipped_slots(group.id)
    live = []
    for row in await storage.platform_events(group.id):
        if row.slot in opened:  # its session is under way: the event stays as it is
            await storage.set_platform_event_state(row.id, "held", now)
        else:
            live.append(row)
    planned = next((a for a in await storage.pending_actions(group.id) if a.kind == "open"), None)
    try:
        # a skipped date's event is cancelled (members see it called off), never moved
        for row in [r for r in live if r.slot in skipped]:
            await platform.cancel_event(group.room, row.event_id)
            await storage.set_platform_event_state(row.id, "cancelled", now)
            live.remove(row)
        keep = None
        if planned is not None:
            event = await _planned_event(services, group, planned.slot)
            keep = next((r for r in live if r.slot == planned.slot), live[0] if live else None)
            event_id = await platform.put_event(
                group.room, event, event_id=keep.event_id if keep else None
            )
            faults.point("after-event", planned.key)
            log.info("group %s: platform event %s shows the session of %s",
                     group.id, event_id, to_db(planned.slot))  # fmt: skip
            if keep is None:
                await storage.record_platform_event(
                    group.id, action_key=planned.key, slot=planned.slot, event_id=event_id, now=now
                )
            elif keep.event_id != event_id:  # gone on the platform: made anew
                await storage.set_platform_event_state(keep.id, "cancelled", now)
                await storage.record_platform_event(
                    group.id, action_key=planned.key, slot=planned.slot, event_id=event_id, now=now
                )
            else:
                await storage.move_platform_event(
                    keep.id, action_key=planned.key, slot=planned.slot, now=now
                )
        for row in live:
            if row is not keep:
                await platform.cancel_event(group.room, row.event_id)
                await storage.set_platform_event_state(row.id, "cancelled", now)
    except RightMissing as exc:
        log.warning("group %s: the server's events need %s", group.id, exc.right)
        await outbox.tell_admins_once(
            services, group, refused_notice(group, exc.right), f"{group.id}:events-refused"
        )


async def _planned_event(services: Services, group: Group, slot: datetime) -> PlannedEvent:
    sessions = await services.storage.sessions(group.id)
    step = await coming_step(services.storage, group)
    shown = step.in_language(group.spec.language) if step is not None else None
    sections = " · ".join(s.title for s in shown.sections) if shown is not None else ""
    number = len(sessions) + 1
    return PlannedEvent(
        title=event_title(group, number),
        description=event_description(group, sections),
        start=slot,
        end=slot + group.spec.respond_for,
    )


async def _run(services: Services, group: Group, action: Action) -> None:
    await sync_events(services, group)


def register(kinds: ActionKinds, hooks: SessionHooks) -> None:
    """The sync is an action kind; the planner and `pause` plan it."""
    kinds[SYNC] = ActionKind(run=_run)
