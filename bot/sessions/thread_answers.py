"""A member's message typed in a session's thread without replying to a prompt: the answer
when the session has one prompt; otherwise the member is told, once a session, how to answer.
And the quiet sign (a reaction, where the platform has one) that an edit or a deletion of a
response was taken."""

from __future__ import annotations

import dataclasses
import logging

from bot.core.events import Origin, ReplyReceived
from bot.core.i18n import ENGLISH, Words
from bot.core.messages import Message, Posted
from bot.core.platform import Acknowledging, Change
from bot.services import Services
from bot.sessions import outbox, render
from bot.sessions.language import for_member
from bot.sessions.responses import on_reply

log = logging.getLogger(__name__)


async def on_thread_message(services: Services, event: ReplyReceived) -> bool:
    """False when the message is not typed straight into a session's thread (a reply to a
    member's message there is conversation between members)."""
    origin = event.origin
    if origin.thread is None or origin.is_direct or event.in_reply_to != origin.thread:
        return False
    storage = services.storage
    session = await storage.session_by_post(origin.thread)
    if session is None:
        return False
    group = services.group(session.group_id)
    if group is None or group.platform != origin.platform or group.room != origin.room:
        return False
    latest = await storage.latest_session(group.id)
    if latest is None or latest.id != session.id:
        return False  # an old session's thread: its talk stays talk
    if not session.is_open and not group.spec.accept_late:
        return False
    prompts = await storage.prompts(session.id)
    if not prompts:
        return False
    if len(prompts) == 1 and prompts[0].message_id is not None:
        # the one prompt: as if the message replied to it (its room, closing and anonymity rules)
        return await on_reply(
            services, dataclasses.replace(event, in_reply_to=prompts[0].message_id)
        )
    platform = services.platform(group.platform)
    member = await storage.member(event.member, services.clock.now())
    key = f"{group.id}:session:{session.number}:how-to-answer:{member.id}"

    async def tell() -> Posted:
        await platform.reply(origin, how_to_answer(len(prompts), for_member(member, origin, group)))
        return Posted(message_id=origin.message_id or key, room=origin.room, thread=origin.thread)

    await outbox.send_once(services, key, tell)
    return True


def how_to_answer(prompts: int, w: Words = ENGLISH) -> Message:
    """What a member is told (once a session) about a line typed in the thread."""
    return render.reply(
        w.ngettext(
            "This session has {n} prompt, so I cannot tell which one that message answers; it "
            "was not saved as a response. To answer, reply to the prompt's message, or use "
            "`respond NUMBER your answer`.",
            "This session has {n} prompts, so I cannot tell which one that message answers; it "
            "was not saved as a response. To answer, reply to the prompt's message, or use "
            "`respond NUMBER your answer`.",
            prompts,
        )
    )


async def acknowledge(services: Services, origin: Origin, target: str, change: Change) -> None:
    """The quiet sign that a response's edit or deletion was taken, where the platform has one."""
    platform = services.platform(origin.platform)
    if not isinstance(platform, Acknowledging):
        return
    try:
        await platform.acknowledge(origin, target, change)
    except Exception:
        # a missing sign costs nothing: the change itself is saved
        log.warning("could not acknowledge a %s response on %s", change, origin.platform)
