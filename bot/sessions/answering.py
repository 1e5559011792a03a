"""Which prompts of the open sessions a member has answered: what a plain line on the console
answers (the first one they have not), and what `>N` there points at."""

from __future__ import annotations

from collections.abc import Iterable

from bot.config.model import Group
from bot.core.events import MemberRef
from bot.core.platform import OpenPrompt
from bot.services import Services
from bot.sessions.responses import author_keys


async def open_prompts(
    services: Services, member: MemberRef, groups: Iterable[Group]
) -> tuple[OpenPrompt, ...]:
    """The prompts of each group's open session, in order, marked answered where `member`
    has a response (their anonymous ones are recognised through the anonymity key)."""
    storage = services.storage
    known = await storage.find_member(member.platform, member.user_id)  # a query makes nobody
    found: list[OpenPrompt] = []
    for group in groups:
        session = await storage.open_session(group.id)
        if session is None:
            continue
        answered: set[int] = set()
        if known is not None:
            keys = await author_keys(services, known, session.id)
            answered = {r.prompt for r in await storage.responses_of(session.id, keys)}
        found.extend(
            OpenPrompt(
                group=group.id,
                number=p.number,
                message_id=p.message_id,
                answered=p.number in answered,
            )
            for p in await storage.prompts(session.id)
        )
    return tuple(found)
