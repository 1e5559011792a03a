"""Who reads which language: the room reads the group's; a member, what they chose, else what
their client is set to (Discord tells), else the group's, else English."""

from __future__ import annotations

from bot.config.model import Group
from bot.core.events import Origin
from bot.core.i18n import DEFAULT, Words, normalize, resolve
from bot.storage import Member


def for_room(group: Group | None) -> Words:
    """The words of posts in the group's room (sessions, summaries, announcements)."""
    return resolve(group.spec.language if group is not None else DEFAULT)


def member_language(
    member: Member | None, origin: Origin | None = None, group: Group | None = None
) -> str:
    """The language code of what is addressed to one member (replies, direct messages)."""
    for code in (
        member.language if member is not None else None,
        origin.locale if origin is not None else None,
        group.spec.language if group is not None else None,
    ):
        chosen = normalize(code)
        if chosen is not None:
            return chosen
    return DEFAULT


def for_member(
    member: Member | None, origin: Origin | None = None, group: Group | None = None
) -> Words:
    """The words of a reply or direct message to `member`, asked from `origin` about `group`."""
    return resolve(member_language(member, origin, group))
