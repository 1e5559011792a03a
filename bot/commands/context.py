"""What a command handler gets: the circle, who asked, where, for which group, with what arguments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.commands.parser import ParsedCommand
from bot.config.model import Group
from bot.core.events import MemberRef, Origin
from bot.storage import Member

if TYPE_CHECKING:
    from bot.runtime.circle import StudyCircle


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandContext:
    circle: StudyCircle
    origin: Origin
    ref: MemberRef
    member: Member
    group: Group | None
    command: ParsedCommand

    def need_group(self) -> Group:
        assert self.group is not None, "dispatch resolves the group for commands that need one"
        return self.group
