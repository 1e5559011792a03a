"""A session's life: reminders, opening (section, thread, prompts), closing with a summary."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot.config.model import Group
from bot.core import faults
from bot.core.events import MemberRef
from bot.core.messages import Message, Posted
from bot.core.platform import DirectMessagesClosed, Platform
from bot.readings.model import Section
from bot.schedule.planner import slot_key
from bot.sessions import render
from bot.sessions.participation import snoozed_now
from bot.sessions.rsvp import live_time, with_buttons
from bot.storage import Action, Session

if TYPE_CHECKING:
    from bot.runtime.circle import StudyCircle

log = logging.getLogger(__name__)


async def send_once(circle: StudyCircle, key: str, send: Callable[[], Awaitable[Posted]]) -> Posted:
    """Send at most once per key: a key already recorded returns the recorded message.

    A crash between the send and the record leaves the key unrecorded; the retry sends
    with the same key, and the platform's own idempotency (txn id, nonce) drops the copy.
    """
    prior = await circle.storage.sent(key)
    if prior is not None:
        return prior
    faults.point("before-send", key)
    posted = await send()
    faults.point("after-send", key)
    await circle.storage.record_sent(key, posted, circle.clock.now())
    return posted


async def send_direct_once(
    circle: StudyCircle, platform: Platform, who: MemberRef, message: Message, key: str
) -> Posted:
    """A direct message sent at most once per key (raises DirectMessagesClosed like the platform)."""
    return await send_once(
        circle, key, functools.partial(platform.send_direct, who, message, key=key)
    )


async def post(
    circle: StudyCircle, group: Group, message: Message, key: str, thread: str | None = None
) -> Posted:
    platform = circle.platform(group.platform)
    return await send_once(
        circle, key, lambda: platform.post(group.room, message, key=key, thread=thread)
    )


async def remind(circle: StudyCircle, group: Group, action: Action) -> None:
    sections = next_sections(group, (await circle.storage.group_state(group.id)).next_section)
    if not sections:
        return
    lead = action.slot - action.due_at
    message = render.reminder(group, action.slot, sections, lead)
    await post(circle, group, message, f"{action.key}:room")
    await direct_to_members(circle, group, message, f"{action.key}:dm")


async def direct_to_members(
    circle: StudyCircle, group: Group, message: Message, key: str, only: set[int] | None = None
) -> tuple[int, list[str]]:
    """DM the group's members who opted in (or `only` these ids); returns (sent, names with DMs closed)."""
    platform = circle.platform(group.platform)
    sent = 0
    closed: list[str] = []
    snoozed = snoozed_now(await circle.storage.snoozes(group.id), circle.clock.now())
    for member, opted_in in await circle.storage.group_members(group.id):
        wanted = member.id in only if only is not None else opted_in
        if not wanted or member.id in snoozed:
            continue
        try:
            await send_direct_once(circle, platform, member.ref, message, f"{key}:{member.id}")
            sent += 1
        except DirectMessagesClosed:
            closed.append(member.display_name)
    return sent, closed


def next_sections(group: Group, start: int) -> list[Section]:
    """The sections the group's next session will cover, from section index `start`."""
    return list(group.reading.sections[start : start + group.spec.sections_per_session])


async def open_session(circle: StudyCircle, group: Group, key: str) -> Session | None:
    """Open the group's next session now: close any open one, post section, thread and prompts."""
    storage = circle.storage
    now = circle.clock.now()
    state = await storage.group_state(group.id)
    current = await storage.open_session(group.id)
    existing = await storage.session_by_open_key(key)
    if existing is None:
        if current is not None:
            await close_session(circle, group, current)
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
    platform = circle.platform(group.platform)
    messages = render.section_messages(group, session, sections, platform.limits.max_body_chars)
    base = f"{group.id}:s{session.number}"
    root: Posted | None = None
    for i, message in enumerate(messages, start=1):
        if i == 1:
            message = with_buttons(group, message, live_time(group, session))
        posted = await post(circle, group, message, f"{base}:section:{i}")
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
        posted = await post(circle, group, message, f"{base}:prompt:{prompt.number}", thread=thread)
        if prompt.message_id != posted.message_id:
            await storage.set_prompt_message(session.id, prompt.number, posted.message_id)
    close_key = f"{base}:close"
    await storage.add_actions(
        [(group.id, "close", session.closes_at, session.opened_at, close_key)]
    )
    from bot.community import activity as community  # community builds on this module

    await community.on_session_opened(circle, group, session.id)
    log.info("group %s: session %d opened", group.id, session.number)
    return await storage.session_by_id(session.id)


async def close_session(circle: StudyCircle, group: Group, session: Session) -> None:
    """Close a session (if still open) and post its summary once; say so when the reading is done."""
    storage = circle.storage
    await storage.close_session(session.id, circle.clock.now())
    prompts = await storage.prompts(session.id)
    rows = await storage.session_responses(session.id)
    base = f"{group.id}:s{session.number}"
    await post(
        circle, group, render.summary(group, session, prompts, rows), f"{base}:summary", thread=None
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
            circle, group, render.reading_finished(group), f"{group.id}:finished:{group.reading.id}"
        )
        await storage.set_finished(group.id)
    from bot.community import activity as community

    await community.on_session_closed(circle, group, session)
    log.info("group %s: session %d closed with %d responses", group.id, session.number, len(rows))


async def report_missed(circle: StudyCircle, group: Group, action: Action) -> None:
    await post(
        circle,
        group,
        render.missed(group, action.slot),
        f"{slot_key(group.id, action.slot)}:missed",
    )
