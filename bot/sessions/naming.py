"""Members' names as a message shows them: the stored display name, or, in a group that keeps
none (`privacy: minimal`), what the platform shows for the member at send time."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.config.model import Group
from bot.core.platform import AdapterError, MemberNames
from bot.core.records import Member
from bot.core.text import clean_name
from bot.services import Services

log = logging.getLogger(__name__)


async def names_shown(
    services: Services, group: Group, members: Iterable[Member]
) -> dict[int, str]:
    """Each member's id and their name as shown in a message of `group`. A minimal group
    stores the platform id only: the platform is asked for the name now (Discord: a mention
    that pings nobody; Matrix: the room's display name), the id where it cannot say."""
    platform = services.platform(group.platform)
    shown: dict[int, str] = {}
    for member in members:
        if not group.spec.minimal:
            shown[member.id] = clean_name(member.display_name)
            continue
        name = member.user_id
        if isinstance(platform, MemberNames):
            try:
                name = await platform.shown_name(group.room, member.user_id)
            except AdapterError:
                log.info("group %s: no name shown for a member; their id stands", group.id)
        shown[member.id] = clean_name(name)
    return shown
