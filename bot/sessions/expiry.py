"""Discussions that expire on the group's schedule (`expire_after`): told at opening, planned at
closing, and then every platform message of the session removed, each once, by a durable action
that a crash resumes where it stopped."""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import datetime

from bot.config.model import Group
from bot.core import faults
from bot.core.i18n import N_
from bot.core.platform import (
    AdapterError,
    Erasing,
    RemovalRefused,
    RetentionAware,
    ThreadListing,
)
from bot.core.records import Action, Response, Session, SharedResponse
from bot.services import ActionKind, ActionKinds, Services, SessionHooks
from bot.sessions import outbox
from bot.sessions.expiry_words import opening_notice, reason, refused_notice
from bot.sessions.language import for_room
from bot.storage import Storage

log = logging.getLogger(__name__)

EXPIRE = "expire"


def expires_at(group: Group, session: Session) -> datetime | None:
    """When the session's discussion goes: `expire_after` past its closing (planned or actual)."""
    if group.spec.expire_after is None:
        return None
    closed = session.closed_at or session.closes_at
    return closed + group.spec.expire_after


def _base(group: Group, session: Session) -> str:
    return f"{group.id}:s{session.number}"


async def on_session_opened(services: Services, group: Group, session: Session) -> None:
    """Tell the room once when this session's discussion will disappear; on Matrix, ask the
    room's server to forget old messages too, where the bot may."""
    when = expires_at(group, session)
    if when is None:
        return
    notice = opening_notice(group, session.number, when)
    await outbox.post(services, group, notice, f"{_base(group, session)}:expiry-notice")
    platform = services.platform(group.platform)
    if isinstance(platform, RetentionAware) and group.spec.expire_after is not None:
        try:
            await platform.set_retention(group.room, group.spec.expire_after)
        except AdapterError:
            log.warning("group %s: could not set the room's retention", group.id, exc_info=True)


async def on_session_closed(services: Services, group: Group, session: Session) -> None:
    """Plan the removal of the session's discussion. Safe to repeat."""
    closed = await services.storage.session_by_id(session.id)
    when = expires_at(group, closed or session)
    if when is None:
        return
    await services.storage.add_actions(
        [(group.id, EXPIRE, when, session.opened_at, f"{_base(group, session)}:{EXPIRE}")]
    )


async def note_member_message(
    services: Services,
    *,
    platform: str,
    room: str,
    thread: str | None,
    message_id: str | None,
    in_reply_to: str | None = None,
) -> None:
    """Remember the id (never the text) of a member's message in a session's thread, or in
    answer to one of its prompts, so that it goes when the discussion expires."""
    if message_id is None:
        return
    storage = services.storage
    for group in services.config.groups_in(platform, room):
        if group.spec.expire_after is None:
            continue
        session = await storage.session_by_thread(group.id, thread) if thread else None
        if session is None and in_reply_to is not None:
            prompt = await storage.prompt_by_message(in_reply_to)
            if prompt is not None:
                session = await storage.session_by_id(prompt.session_id)
        if session is None or session.group_id != group.id or session.expired_at is not None:
            continue
        await storage.note_message(
            session.id, room=room, thread=thread, message_id=message_id, now=services.clock.now()
        )
        return


def own_post_prefixes(group: Group, session: Session) -> tuple[str, ...]:
    """The send keys of the bot's room posts for a session: everything keyed by the session
    (section, prompts, notices, summary, room digest) and the reminders before its opening."""
    prefixes = [f"{_base(group, session)}:"]
    if session.open_key and session.open_key.endswith(":open"):
        prefixes.append(session.open_key.removesuffix(":open") + ":remind:")
    return tuple(prefixes)


async def shared_beyond_group(storage: Storage, session: Session) -> frozenset[int]:
    """The ids of the session's responses members chose to share beyond the group
    (`respond --public`), which outlive its expiry: the database keeps them, and the archive
    and exports still show them (an anonymous one as it always was, without a name)."""
    return await storage.public_response_ids(session.id)


def outlives_expiry(response: Response | SharedResponse) -> bool:
    """Whether a response stays in exports and the archive once its discussion expired."""
    return response.public and not getattr(response, "private", False)


async def expire_session(services: Services, group: Group, session: Session) -> Counter[str]:
    """Remove what the session left on the platform; returns the counts by outcome."""
    storage = services.storage
    platform = services.platform(group.platform)
    base = _base(group, session)
    await storage.gather_own_posts(
        session,
        room=group.room,
        prefixes=own_post_prefixes(group, session),
        now=services.clock.now(),
        skip=f"{base}:thread",  # the thread itself, which `remove_thread` takes
    )
    if isinstance(platform, ThreadListing) and session.thread is not None:
        try:
            listed = await platform.thread_messages(group.room, session.thread)
        except AdapterError:
            log.info("group %s: could not list session %d's thread", group.id, session.number)
            listed = ()
        for message_id, own in listed:
            await storage.note_message(session.id, room=group.room, thread=session.thread,
                                       message_id=message_id, now=services.clock.now(), own=own)  # fmt: skip
    refused: Counter[str] = Counter()
    if isinstance(platform, Erasing):
        for message in await storage.messages_to_remove(session.id):
            key = f"{base}:{EXPIRE}:{message.id}"
            try:
                removed = await platform.remove_message(
                    group.room,
                    message.message_id,
                    thread=message.thread,
                    own=message.own,
                    reason=reason(for_room(group)),
                    key=key,
                )
            except RemovalRefused as exc:
                refused[exc.right] += 1
                state = "refused"
            else:
                state = "removed" if removed else "gone"
            faults.point("after-remove", key)  # the platform has answered; nothing recorded yet
            await storage.mark_message(message.id, state, services.clock.now())
        if session.thread is not None:
            try:
                await platform.remove_thread(group.room, session.thread, key=f"{base}:thread")
            except RemovalRefused as exc:
                refused[exc.right] += 1
    else:
        log.info("group %s: %s cannot remove messages; session %d stays there",
                 group.id, group.platform, session.number)  # fmt: skip
    for right, count in refused.items():
        await _report_refusal(services, group, right, count)
    if group.spec.minimal:
        gone = await storage.purge_session_responses(
            session.id, keep=await shared_beyond_group(storage, session)
        )
        notes = await storage.purge_session_annotations(session.id)
        log.info("group %s: session %d's %d responses and %d notes deleted with its discussion",
                 group.id, session.number, gone, notes)  # fmt: skip
    await storage.set_expired(session.id, services.clock.now())
    counts = await storage.removal_counts(session.id)
    log.info("group %s: session %d expired: %s", group.id, session.number, dict(counts))
    return counts


async def _report_refusal(services: Services, group: Group, right: str, count: int) -> None:
    """Tell the group's admins once (ever, per right) what the bot needs; the room if none can
    get a direct message."""
    slug = re.sub(r"[^a-z0-9]+", "-", right.lower()).strip("-")
    key = f"{group.id}:expiry-refused:{slug}"
    await outbox.tell_admins_once(services, group, refused_notice(group, right, count), key)
    log.warning("group %s: %d messages could not expire: the bot needs %s", group.id, count, right)


async def _expire(services: Services, group: Group, action: Action) -> None:
    session = next(
        (s for s in await services.storage.sessions(group.id) if s.opened_at == action.slot), None
    )
    if session is None or session.expired_at is not None:
        return
    await expire_session(services, group, session)


def register(kinds: ActionKinds, hooks: SessionHooks) -> None:
    """Hang expiry on the session lifecycle and the runtime's action table."""
    hooks.opened.append(on_session_opened)
    hooks.closed.append(on_session_closed)
    kinds[EXPIRE] = ActionKind(run=_expire, alongside=True, label=N_("the discussion is removed"))
