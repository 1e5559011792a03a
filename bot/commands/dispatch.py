"""From an inbound command to its handler: parse, find the group, check rights, answer."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.commands import admin, community, language, member, passages
from bot.commands.context import CommandContext
from bot.commands.parser import ParsedCommand, UnknownCommand, UsageError, parse
from bot.config.model import Group
from bot.core.events import CommandReceived, MemberRef, Origin, ReplyReceived
from bot.core.i18n import Words
from bot.core.messages import Message
from bot.services import Services
from bot.sessions import render
from bot.sessions.language import for_member

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
    "quote": passages.quote_,
    "passages": passages.passages,
    "quote-edit": passages.quote_edit,
    "quote-delete": passages.quote_delete,
    "progress": community.progress,  # streaks that breaks and snoozes do not break
    "timezone": member.timezone,
    "language": language.language,
    "reminders": member.reminders,
    "export-mine": member.export_mine,
    "forget-me": member.forget_me,
    "status": admin.status,
    "members": admin.members,
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
    "restart-reading": admin.restart_reading,
}


async def first_words(services: Services, event: CommandReceived | ReplyReceived) -> Words:
    """The words of an answer given before the command is understood: the member's language
    if they are known (nobody new is stored for a mistyped command), else the room's."""
    known = await services.storage.find_member(event.member.platform, event.member.user_id)
    return for_member(known, event.origin, room_group(services, event.origin))


def room_group(services: Services, origin: Origin) -> Group | None:
    """The one group meeting where a command was typed (None in a DM or a shared room)."""
    here = () if origin.is_direct else services.config.groups_in(origin.platform, origin.room)
    return here[0] if len(here) == 1 else None


async def dispatch(services: Services, event: CommandReceived) -> None:
    platform = services.platform(event.origin.platform)
    log.info(
        "command %s from %s on %s", event.name[:40], event.member.platform, event.origin.platform
    )
    try:
        command = parse(event.name, event.args)
    except UnknownCommand as exc:
        words = await first_words(services, event)
        if exc.hint:
            text = words.gettext(
                "I don't know the command `{name}`. Did you mean `{hint}`? Try `help`.",
                name=exc.name[:40],
                hint=exc.hint,
            )
        else:
            text = words.gettext(
                "I don't know the command `{name}`. Try `help`.", name=exc.name[:40]
            )
        await platform.reply(event.origin, render.reply(text))
        return
    except UsageError as exc:
        words = await first_words(services, event)
        await platform.reply(event.origin, render.reply(exc.say(words)))
        return
    member_row = await services.storage.member(event.member, services.clock.now())
    group: Group | None = None
    rights = _Rights(services, event.member)
    if command.spec.group_scoped:  # the others are about the member, and work anywhere
        found = await _find_group(services, event, command, member_row.id, rights)
        if isinstance(found, _Refusal):
            words = for_member(member_row, event.origin, found.group)
            await platform.reply(event.origin, render.reply(found.say(words)))
            return
        group = found
    if command.spec.admin:
        assert group is not None
        if not await rights.admin_of(group):
            log.info("admin command %s refused to a non-admin", command.spec.name)
            words = for_member(member_row, event.origin, group)
            await platform.reply(
                event.origin,
                render.reply(
                    words.gettext(
                        "`{command}` is for the admins of {group}.",
                        command=command.spec.name,
                        group=group.spec.name,
                    )
                ),
            )
            return
    ctx = CommandContext(
        services=services,
        origin=event.origin,
        ref=event.member,
        member=member_row,
        group=group,
        command=command,
        room=group or room_group(services, event.origin),
    )
    message = await HANDLERS[command.spec.name](ctx)
    await platform.reply(event.origin, message)


async def is_admin(services: Services, group: Group, member: MemberRef) -> bool:
    """Whether `member` holds admin rights over `group`, decided by the group alone: its
    `admins` list, or the platform's judgement of their rights in the group's own room.
    Never the room where the command was typed: a member's DM makes them no admin."""
    if member.platform != group.platform:
        return False
    if member.user_id in {str(a) for a in group.spec.admins}:
        return True
    try:
        return await services.platform(group.platform).is_admin(member, group.room)
    except Exception:
        log.warning("could not ask %s about admin rights; treated as none", group.platform)
        return False


class _Rights:
    """One command's answers about admin rights: the platform is asked once per group."""

    def __init__(self, services: Services, member: MemberRef) -> None:
        self._circle = services
        self._member = member
        self._known: dict[str, bool] = {}

    async def admin_of(self, group: Group) -> bool:
        if group.id not in self._known:
            self._known[group.id] = await is_admin(self._circle, group, self._member)
        return self._known[group.id]


@dataclass(frozen=True, slots=True)
class _Refusal:
    """Why a command reaches no group, said in the member's words when it is sent."""

    say: Callable[[Words], str]
    group: Group | None = None


async def _find_group(
    services: Services,
    event: CommandReceived,
    command: ParsedCommand,
    member_id: int,
    rights: _Rights,
) -> Group | _Refusal:
    """The group a command is about. A group's own room reaches it; anywhere else (a DM,
    another room) reaches only the member's own groups, and, for admin commands, the groups
    they are an admin of. Joining happens in the group's room."""
    origin = event.origin
    wanted = command.group
    here: Sequence[Group] = (
        () if origin.is_direct else services.config.groups_in(origin.platform, origin.room)
    )
    if wanted is not None:
        # by id, not by scanning the candidates: a room may hold a thousand groups
        found = services.group(wanted)
        if found is None or found.platform != origin.platform:
            return _Refusal(
                lambda w: w.gettext("There is no group `{group}` here.", group=wanted[:40])
            )
        elsewhere = _Refusal(
            lambda w: w.gettext(
                "Group `{group}` meets in another room; use the command there.", group=wanted
            ),
            found,
        )
        if not origin.is_direct:
            if found.room == origin.room:
                return found
            if here:  # a room with groups of its own speaks for those alone
                return elsewhere
        if await services.storage.is_member(found.id, member_id):
            return found  # a member's group, asked from a DM or another room
        if command.spec.admin and await rights.admin_of(found):
            return found
        if origin.is_direct:
            return _Refusal(
                lambda w: w.gettext(
                    "You are not a member of `{group}`. Join it in the group's own room first; "
                    "then you can use it from here.",
                    group=wanted,
                ),
                found,
            )
        return elsewhere
    candidates = here
    if not candidates:
        mine = set(await services.storage.member_groups(member_id))
        candidates = [
            g for g in services.config.groups if g.platform == origin.platform and g.id in mine
        ]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        if origin.is_direct:
            return _Refusal(
                lambda w: w.gettext(
                    "You are not a member of any group yet. Join one in its own room first; "
                    "then you can use it from here."
                )
            )
        return _Refusal(
            lambda w: w.gettext(
                "There is no study group in this room. Ask an admin to add one to the config."
            )
        )
    ids = ", ".join(g.id for g in candidates)
    return _Refusal(
        lambda w: w.gettext(
            "Several groups meet here ({groups}); add `--group ID` after the command name.",
            groups=ids,
        ),
        candidates[0] if len({g.spec.language for g in candidates}) == 1 else None,
    )
