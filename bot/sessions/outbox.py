"""What the bot sends for a group, each at most once per key: posts, direct messages, and the
members who asked for them (a crash between a send and its record never sends twice)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable

from bot.config.model import Group
from bot.core import faults
from bot.core.events import MemberRef
from bot.core.messages import Message, Posted
from bot.core.platform import DirectMessagesClosed, Platform
from bot.services import Services
from bot.sessions.participation import snoozed_now
from bot.storage import Member

log = logging.getLogger(__name__)


async def send_once(services: Services, key: str, send: Callable[[], Awaitable[Posted]]) -> Posted:
    """Send at most once per key: a key already recorded returns the recorded message.

    A crash between the send and the record leaves the key unrecorded; the retry sends
    with the same key, and the platform's own idempotency (txn id, nonce) drops the copy.
    """
    prior = await services.storage.sent(key)
    if prior is not None:
        return prior
    faults.point("before-send", key)
    posted = await send()
    faults.point("after-send", key)
    await services.storage.record_sent(key, posted, services.clock.now())
    return posted


async def send_direct_once(
    services: Services, platform: Platform, who: MemberRef, message: Message, key: str
) -> Posted:
    """A direct message sent at most once per key (raises DirectMessagesClosed like the platform)."""
    return await send_once(
        services, key, functools.partial(platform.send_direct, who, message, key=key)
    )


async def tell_admins_once(services: Services, group: Group, message: Message, key: str) -> None:
    """Tell the group's admins once per key, by direct message; the room, once, if none of them
    can get one (an admin named by a role, say)."""
    platform = services.platform(group.platform)
    told = 0
    for admin in group.spec.admins:
        who = MemberRef(platform=group.platform, user_id=str(admin), display_name=str(admin))
        try:
            await send_direct_once(services, platform, who, message, f"{key}:{admin}")
            told += 1
        except (DirectMessagesClosed, ValueError):
            log.info("group %s: an admin cannot get a notice by direct message", group.id)
    if not told:
        await post(services, group, message, f"{key}:room")


async def post(
    services: Services, group: Group, message: Message, key: str, thread: str | None = None
) -> Posted:
    platform = services.platform(group.platform)
    return await send_once(
        services, key, lambda: platform.post(group.room, message, key=key, thread=thread)
    )


async def direct_to_members(
    services: Services,
    group: Group,
    message: Message | Callable[[Member], Message],
    key: str,
    only: set[int] | None = None,
) -> tuple[int, list[str]]:
    """DM the group's members who opted in (or `only` these ids); returns (sent, names with DMs
    closed). `message` may be made for each member (in their language)."""
    platform = services.platform(group.platform)
    sent = 0
    closed: list[str] = []
    snoozed = snoozed_now(await services.storage.snoozes(group.id), services.clock.now())
    for member, opted_in in await services.storage.group_members(group.id):
        wanted = member.id in only if only is not None else opted_in
        if not wanted or member.id in snoozed:
            continue
        try:
            mine = message(member) if callable(message) else message
            await send_direct_once(services, platform, member.ref, mine, f"{key}:{member.id}")
            sent += 1
        except DirectMessagesClosed:
            closed.append(member.display_name)
    return sent, closed
