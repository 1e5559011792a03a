"""From an inbound command to its handler: parse, find the group, check rights, answer."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

from bot import render
from bot.commands import admin, community, member
from bot.commands.context import CommandContext
from bot.commands.parser import UnknownCommand, UsageError, parse
from bot.config import Group
from bot.events import CommandReceived
from bot.messages import Message

if TYPE_CHECKING:
    from bot.circle import StudyCircle

log = logging.getLogger(__name__)

Handler = Callable[[CommandContext], Awaitable[Message]]

HANDLERS: dict[str, Handler] = {
    "help": member.help_,
    "join": member.join,
    "leave": member.leave,
    "schedule": member.schedule,
    "now": member.now,
    "respond": member.respond,
    "mine": member.mine,
    "delete": member.delete,
    "responses": member.responses,
    "progress": community.progress,  # streaks that breaks and snoozes do not break
    "timezone": member.timezone,
    "reminders": member.reminders,
    "export-mine": member.export_mine,
    "forget-me": member.forget_me,
    "status": admin.status,
    "reload": admin.reload,
    "post-now": admin.post_now,
    "skip": admin.skip,
    "pause": admin.pause,
    "resume": admin.resume,
    "remind": admin.remind,
    "export": admin.export,
    "snooze": community.snooze,
    "rsvp": community.rsvp,
    "drifting": community.drifting,
    "pair-history": community.pair_history,
}

# Commands about the member rather than one group: they work anywhere, DMs included.
NO_GROUP = {"help", "timezone", "export-mine", "forget-me"}


async def dispatch(circle: StudyCircle, event: CommandReceived) -> None:
    platform = circle.platform(event.origin.platform)
    log.info(
        "command %s from %s on %s", event.name[:40], event.member.platform, event.origin.platform
    )
    try:
        command = parse(event.name, event.args)
    except UnknownCommand as exc:
        hint = f" Did you mean `{exc.hint}`?" if exc.hint else ""
        await platform.reply(
            event.origin,
            render.reply(f"I don't know the command `{exc.name[:40]}`.{hint} Try `help`."),
        )
        return
    except UsageError as exc:
        await platform.reply(event.origin, render.reply(str(exc)))
        return
    member_row = await circle.storage.member(event.member, circle.clock.now())
    group: Group | None = None
    if command.spec.name not in NO_GROUP:
        found = await _find_group(circle, event, command.group, member_row.id)
        if isinstance(found, str):
            await platform.reply(event.origin, render.reply(found))
            return
        group = found
    if command.spec.admin:
        assert group is not None
        if not is_admin(group, event):
            log.info("admin command %s refused to a non-admin", command.spec.name)
            await platform.reply(
                event.origin,
                render.reply(f"`{command.spec.name}` is for the admins of {group.spec.name}."),
            )
            return
    ctx = CommandContext(
        circle=circle,
        origin=event.origin,
        ref=event.member,
        member=member_row,
        group=group,
        command=command,
    )
    message = await HANDLERS[command.spec.name](ctx)
    await platform.reply(event.origin, message)


def is_admin(group: Group, event: CommandReceived) -> bool:
    """The platform's own judgement (power level, Manage Server...) or the group's admin list."""
    if event.origin.is_admin:
        return True
    listed = {str(a) for a in group.spec.admins}
    return event.member.user_id in listed


async def _find_group(
    circle: StudyCircle, event: CommandReceived, wanted: str | None, member_id: int
) -> Group | str:
    origin = event.origin
    candidates: Sequence[Group] = circle.groups_in(origin.platform, origin.room)
    if origin.is_direct or not candidates:
        mine = set(await circle.storage.member_groups(member_id))
        candidates = [
            g for g in circle.config.groups if g.platform == origin.platform and g.id in mine
        ] or candidates
    if wanted is not None:
        # by id, not by scanning the candidates: a room may hold a thousand groups
        found = circle.group(wanted)
        if found is None or found.platform != origin.platform:
            return f"There is no group `{wanted[:40]}` here."
        if (
            found.room == origin.room
            or origin.is_direct
            or any(g.id == found.id for g in candidates)  # a member's group, asked elsewhere
        ):
            return found
        return f"Group `{wanted}` meets in another room; use the command there."
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        return "There is no study group in this room. Ask an admin to add one to the config."
    ids = ", ".join(g.id for g in candidates)
    return f"Several groups meet here ({ids}); add `--group ID` after the command name."
