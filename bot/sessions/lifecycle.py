"""A session's life: reminders, opening (section, thread, prompts), closing with a summary.

Opening and closing are announced through `services.hooks`, where other features (pairing,
nudges, digests) hang what they do then; this module knows none of them."""

from __future__ import annotations

import logging

from bot.config.model import Group
from bot.core.messages import Posted
from bot.readings.model import Section
from bot.schedule.planner import slot_key
from bot.services import Services
from bot.sessions import render
from bot.sessions.outbox import direct_to_members, post
from bot.sessions.rsvp import live_time, with_buttons
from bot.storage import Action, Session

log = logging.getLogger(__name__)


async def remind(services: Services, group: Group, action: Action) -> None:
    sections = next_sections(group, (await services.storage.group_state(group.id)).next_section)
    if not sections:
        return
    lead = action.slot - action.due_at
    message = render.reminder(group, action.slot, sections, lead)
    await post(services, group, message, f"{action.key}:room")
    await direct_to_members(services, group, message, f"{action.key}:dm")


def next_sections(group: Group, start: int) -> list[Section]:
    """The sections the group's next session will cover, from section index `start`."""
    return list(group.reading.sections[start : start + group.spec.sections_per_session])


async def open_session(services: Services, group: Group, key: str) -> Session | None:
    """Open the group's next session now: close any open one, post section, thread and prompts."""
    storage = services.storage
    now = services.clock.now()
    state = await storage.group_state(group.id)
    current = await storage.open_session(group.id)
    existing = await storage.session_by_open_key(key)
    if existing is None:
        if current is not None:
            await close_session(services, group, current)
            state = await storage.group_state(group.id)
        if state.next_section >= len(group.reading.sections):
            return None
        sections = next_sections(group, state.next_section)
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
            first_section=state.next_section,
            section_count=len(sections),
            opened_at=now,
            closes_at=now + group.spec.respond_for,
            prompts=prompts,
            open_key=key,
            anonymous=frozenset(anonymous),
        )
    else:
        session = existing
        sections = list(
            group.reading.sections[
                session.first_section : session.first_section + session.section_count
            ]
        )
    platform = services.platform(group.platform)
    messages = render.section_messages(group, session, sections, platform.limits.max_body_chars)
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
        title = f"Session {session.number}: {sections[0].title}"[:90]
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
    for prompt in await storage.prompts(session.id):
        message = render.prompt_message(prompt.number, prompt.text, group.spec.private_by_default)
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
    prompts = await storage.prompts(session.id)
    rows = await storage.session_responses(session.id)
    base = f"{group.id}:s{session.number}"
    await post(
        services,
        group,
        render.summary(group, session, prompts, rows),
        f"{base}:summary",
        thread=None,
    )
    await storage.cancel_actions(group.id, ["close"], slot=session.opened_at)
    state = await storage.group_state(group.id)
    latest = await storage.latest_session(group.id)
    if (
        state.next_section >= len(group.reading.sections)
        and latest is not None
        and latest.id == session.id
    ):
        await post(
            services,
            group,
            render.reading_finished(group),
            f"{group.id}:finished:{group.reading.id}",
        )
        await storage.set_finished(group.id)
    await services.hooks.session_closed(services, group, session)
    log.info("group %s: session %d closed with %d responses", group.id, session.number, len(rows))


async def report_missed(services: Services, group: Group, action: Action) -> None:
    await post(
        services,
        group,
        render.missed(group, action.slot),
        f"{slot_key(group.id, action.slot)}:missed",
    )
