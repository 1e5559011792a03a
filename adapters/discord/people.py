"""Who someone is and where something happened, in the core's terms: member refs, rooms, admins."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import discord

from bot.core.events import MemberRef

PLATFORM = "discord"

_THREAD_TYPES = (
    discord.ChannelType.public_thread,
    discord.ChannelType.private_thread,
    discord.ChannelType.news_thread,
)


def member_ref(user: discord.abc.User) -> MemberRef:
    return MemberRef(platform=PLATFORM, user_id=str(user.id), display_name=user.display_name)


class Places:
    """Maps channels to the core's rooms: a thread belongs to the room of its parent channel."""

    def __init__(self, rooms: Iterable[str]) -> None:
        self.rooms = frozenset(rooms)
        self._thread_room: dict[int, int] = {}
        self._plain: set[int] = set()  # channels known not to be threads

    def unknown(self, channel_id: int, channel: Any) -> bool:
        """Whether nothing tells us if this channel is a thread (an uncached, archived
        thread arrives as a bare PartialMessageable after a restart)."""
        if channel_id in self._thread_room or channel_id in self._plain:
            return False
        if str(channel_id) in self.rooms:
            return False
        known = (discord.Thread, discord.abc.GuildChannel, discord.abc.PrivateChannel)
        return not isinstance(channel, known)

    def learn(self, channel_id: int, channel: Any) -> None:
        if self.locate(channel_id, channel)[1] is None:
            self._plain.add(channel_id)

    def remember_thread(self, thread_id: int, room_id: int) -> None:
        self._thread_room[thread_id] = room_id

    def locate(self, channel_id: int, channel: Any = None) -> tuple[str, str | None]:
        """(room, thread) for a channel id, using the channel object when there is one."""
        if channel_id in self._thread_room:
            return str(self._thread_room[channel_id]), str(channel_id)
        parent_id = getattr(channel, "parent_id", None)
        if parent_id is not None and getattr(channel, "type", None) in _THREAD_TYPES:
            self._thread_room[channel_id] = parent_id
            return str(parent_id), str(channel_id)
        return str(channel_id), None

    def watches(self, room: str) -> bool:
        """Whether messages in `room` concern the bot (every room, when none is configured)."""
        return not self.rooms or room in self.rooms


class AdminJudge:
    """Discord's judgement of admin rights over a group: Manage Server (or Administrator) in the
    guild of the group's channel, or a role or user id the config names for it.

    The member passed in must be the member *of that guild*: a member's rights in another
    guild, or anywhere in a DM, say nothing about this group. The core adds its own
    (reloadable) admin list, so this never grants less than the config at start-up did."""

    def __init__(self, admin_roles: Iterable[str], admins: Mapping[str, tuple[str, ...]]) -> None:
        self._everywhere = frozenset(admin_roles)
        self._per_room = {room: frozenset(ids) for room, ids in admins.items()}

    def is_admin(self, member: discord.Member, room: str) -> bool:
        perms = member.guild_permissions
        if perms.administrator or perms.manage_guild:
            return True
        names = self._everywhere | self._per_room.get(room, frozenset())
        if str(member.id) in names:
            return True
        return any(role.name in names or str(role.id) in names for role in member.roles)
