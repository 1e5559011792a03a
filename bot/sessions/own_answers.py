"""A member's own anonymous answers, recognised by recomputing her author keys with the
anonymity key: so that they count for her own standing and she is not nudged for what she
has already answered. The match is made in memory when it is needed; nothing that links a
member to an anonymous answer is ever stored."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.records import Member, Session
from bot.services import Services
from bot.sessions.anonymity import anonymous_key


async def anonymous_responders(
    services: Services, group_id: str, members: Sequence[Member], session_id: int | None = None
) -> dict[int, frozenset[int]]:
    """For each session of the group (or just `session_id`), which of `members` gave an
    anonymous response in it."""
    if not members:
        return {}
    written = await services.storage.anonymous_author_keys(group_id, session_id)
    found: dict[int, set[int]] = {}
    for (session, prompt), keys in written.items():
        for member in members:
            if anonymous_key(services.anonymity_key, member.ref, session, prompt) in keys:
                found.setdefault(session, set()).add(member.id)
    return {session: frozenset(who) for session, who in found.items()}


async def participation(
    services: Services, group_id: str, members: Sequence[Member]
) -> list[tuple[Session, frozenset[int]]]:
    """`storage.participation` (who responded in each session, oldest first) with `members`'
    anonymous responses counted too."""
    history = await services.storage.participation(group_id)
    anonymous = await anonymous_responders(services, group_id, members)
    return [(s, who | anonymous.get(s.id, frozenset())) for s, who in history]


async def responders(
    services: Services, group_id: str, session: Session, members: Sequence[Member]
) -> frozenset[int]:
    """Who responded in `session`, by name or (among `members`) anonymously."""
    named = {r.member_id for r, _ in await services.storage.session_responses(session.id)}
    anonymous = await anonymous_responders(services, group_id, members, session.id)
    return frozenset(m for m in named if m is not None) | anonymous.get(session.id, frozenset())
