"""Who someone is and where something happened, in the core's terms: member refs, rooms, admins."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import discord

from bot.events import MemberRef

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
    """The platform's judgement of admin rights: Manage Server, or a configured role or user id.

    The core combines this with its own (reloadable) admin list, so this never grants less
    than the config at start-up did."""

    def __init__(self, admin_roles: Iterable[str], admins: Mapping[str, tuple[str, ...]]) -> None:
        self._everywhere = frozenset(admin_roles)
        self._per_room = {room: frozenset(ids) for room, ids in admins.items()}

    def is_admin(
        self,
        user: discord.abc.User,
        room: str,
        permissions: discord.Permissions | None = None,
    ) -> bool:
        if not isinstance(user, discord.Member):
            return False
        perms = permissions if permissions is not None else user.guild_permissions
        if perms.administrator or perms.manage_guild:
            return True
        names = self._everywhere | self._per_room.get(room, frozenset())
        if str(user.id) in names:
            return True
        return any(role.name in names or str(role.id) in names for role in user.roles)
