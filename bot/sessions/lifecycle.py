"""A session's life: reminders, opening (section, thread, prompts), closing with a summary.

Opening and closing are announced through `services.hooks`, where other features (pairing,
nudges, digests) hang what they do then; this module knows none of them."""

from __future__ import annotations

import logging

from bot.config.model import Group
from bot.core.i18n import resolve
from bot.core.messages import Message, Posted
from bot.readings.course import Step, session_step
from bot.schedule.course_plan import coming_step
from bot.schedule.planner import slot_key
from bot.services import Services
from bot.sessions import course_notices, render
from bot.sessions.language import for_room, member_language
from bot.sessions.naming import names_shown
from bot.sessions.outbox import direct_to_members, post
from bot.sessions.rsvp import live_time, with_buttons
from bot.sessions.shown import prompts_in, session_prompts
from bot.storage import Action, Session

log = logging.getLogger(__name__)


async def remind(services: Services, group: Group, action: Action) -> None:
    step = await coming_step(services.storage, group)
    if step is None:
        return
    lead = action.slot - action.due_at

    def reminder(code: str) -> Message:
        shown = step.in_language(code)
        return render.reminder(
            group, action.slot, shown.reading, list(shown.sections), lead, resolve(code)
        )

    await post(services, group, reminder(for_room(group).code), f"{action.key}:room")
    await direct_to_members(
        services, group, lambda m: reminder(member_language(m, None, group)), f"{action.key}:dm"
    )


async def open_session(services: Services, group: Group, key: str) -> Session | None:
    """Open the group's next session now: close any open one, post section, thread and prompts."""
    storage = services.storage
    now = services.clock.now()
    current = await storage.open_session(group.id)
    existing = await storage.session_by_open_key(key)
    if existing is None:
        if current is not None:
            await close_session(services, group, current)
        step = await coming_step(storage, group)
        if step is None:
            return None
        read: Step = step
        sections = list(step.sections)
        prompts = [p for s in sections for p in s.prompts]
        anonymous: set[int] = set()
        number = 0
        for section in sections:
            for index in range(len(section.prompts)):
                number += 1
                if group.spec.anonymous or index in section.anonymous_prompts:
                    anonymous.add(number)
        session = await storage.create_session(
            group_id=group.id,
            first_section=step.first,
            section_count=len(sections),
            opened_at=now,
            closes_at=now + group.spec.respond_for,
            prompts=prompts,
            open_key=key,
            anonymous=frozenset(anonymous),
            reading_id=step.reading.id,
            section_ids=[s.id for s in sections],
        )
    else:  # a restart finishing an opening: post what the session recorded, whatever changed
        session = existing
        read = session_step(services.config.readings_for(group), existing)
    # the room reads the group's language where the reading has it; the store keeps the original
    room = for_room(group).code
    shown = read.in_language(room)
    platform = services.platform(group.platform)
    words = for_room(group)
    messages = render.section_messages(
        group, session, shown.reading, list(shown.sections), platform.limits.max_body_chars
    )
    base = f"{group.id}:s{session.number}"
    root: Posted | None = None
    for i, message in enumerate(messages, start=1):
        if i == 1:
            message = with_buttons(group, message, live_time(group, session))
        posted = await post(services, group, message, f"{base}:section:{i}")
        root = root or posted
    assert root is not None
    thread = session.thread
    if thread is None:
        title = render.session_title(words, session.number, shown.sections[0].title)[:90]
        thread_key = f"{base}:thread"
        prior = await storage.sent(thread_key)
        if prior is not None:
            thread = prior.message_id
        else:
            thread = await platform.open_thread(group.room, root, title, key=thread_key)
            await storage.record_sent(
                thread_key, Posted(message_id=thread, room=group.room, thread=thread), now
            )
        await storage.set_session_thread(session.id, root.message_id, thread)
    for prompt in prompts_in(read, await storage.prompts(session.id), room):
        message = render.prompt_message(
            prompt.number, prompt.text, group.spec.private_by_default, words
        )
        posted = await post(
            services, group, message, f"{base}:prompt:{prompt.number}", thread=thread
        )
        if prompt.message_id != posted.message_id:
            await storage.set_prompt_message(session.id, prompt.number, posted.message_id)
    close_key = f"{base}:close"
    await storage.add_actions(
        [(group.id, "close", session.closes_at, session.opened_at, close_key)]
    )
    opened = await storage.session_by_id(session.id)
    if opened is not None:
        await services.hooks.session_opened(services, group, opened)
    log.info("group %s: session %d opened", group.id, session.number)
    return opened


async def close_session(services: Services, group: Group, session: Session) -> None:
    """Close a session (if still open) and post its summary once; say so when the reading is done."""
    storage = services.storage
    await storage.close_session(session.id, services.clock.now())
    prompts = await session_prompts(services, group, session, for_room(group).code)
    rows = await storage.session_responses(session.id)
    names = await names_shown(services, group, {m.id: m for _, m in rows if m}.values())
    base = f"{group.id}:s{session.number}"
    await post(
        services,
        group,
        render.summary(group, session, prompts, rows, names),
        f"{base}:summary",
        thread=None,
    )
    await storage.cancel_actions(group.id, ["close"], slot=session.opened_at)
    latest = await storage.latest_session(group.id)
    if latest is not None and latest.id == session.id:
        await _after_the_latest(services, group, session)
    await services.hooks.session_closed(services, group, session)
    log.info("group %s: session %d closed with %d responses", group.id, session.number, len(rows))


async def _after_the_latest(services: Services, group: Group, session: Session) -> None:
    """When the latest session closes: at the end of the course say so and stop; at the end of
    one of its readings, name the next."""
    storage = services.storage
    room = for_room(group).code
    read = session_step(services.config.readings_for(group), session).in_language(room)
    step = await coming_step(storage, group)
    base = f"{group.id}:s{session.number}"
    if step is None:
        await post(
            services, group, render.reading_finished(group, read.reading), f"{base}:finished"
        )
        await storage.set_finished(group.id)
        return
    posted = await storage.posted_sections(group.id)
    sections = read.reading.sections
    done = bool(sections) and all((read.reading.id, s.id) in posted for s in sections)
    if done and step.reading.id != read.reading.id:
        pending = await storage.pending_actions(group.id)
        slot = next((a.slot for a in pending if a.kind == "open"), None)
        message = course_notices.next_reading(
            group, read.reading, step.in_language(room), slot, for_room(group)
        )
        await post(services, group, message, f"{base}:next-reading")


async def report_missed(services: Services, group: Group, action: Action) -> None:
    await post(
        services,
        group,
        render.missed(group, action.slot),
        f"{slot_key(group.id, action.slot)}:missed",
    )
