"""What a command handler gets: the services, who asked, where, for which group, with what arguments."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.parser import ParsedCommand
from bot.config.model import Group
from bot.core.events import MemberRef, Origin
from bot.core.i18n import Words
from bot.services import Services
from bot.sessions.language import for_member
from bot.storage import Member


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandContext:
    services: Services
    origin: Origin
    ref: MemberRef
    member: Member
    group: Group | None
    command: ParsedCommand
    # the group meeting where the command was typed, for commands that need none (`help`)
    room: Group | None = None

    @property
    def words(self) -> Words:
        """The words of the reply: the member's language (see `sessions.language`)."""
        return for_member(self.member, self.origin, self.group or self.room)

    def need_group(self) -> Group:
        assert self.group is not None, "dispatch resolves the group for commands that need one"
        return self.group
