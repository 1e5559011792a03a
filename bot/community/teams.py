"""Teams of two at each session's opening: made once, announced in the thread or by DM."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from bot.community import community_words as say
from bot.community.pairing import PairHistory, make_teams
from bot.community.roll import roll
from bot.config.model import Group
from bot.core.i18n import ENGLISH, Words
from bot.core.markdown import blocks, bullets
from bot.core.messages import Message, MessageKind
from bot.core.platform import DirectMessagesClosed
from bot.core.text import clean_name
from bot.services import Services
from bot.sessions import outbox
from bot.sessions.language import for_member, for_room, member_language
from bot.sessions.naming import names_shown
from bot.sessions.shown import session_prompts
from bot.storage import Member, Session

log = logging.getLogger(__name__)


async def session_teams(services: Services, group: Group, session: Session) -> list[list[Member]]:
    """The session's teams: made once from the members present, then read back on a retry."""
    storage = services.storage
    earlier = await storage.pairings(group.id)
    stored = next((teams for s, teams in earlier if s.id == session.id), None)
    if stored is not None:
        return stored
    history = PairHistory()
    for past, teams in earlier:
        for team in teams:
            history.add(past.number, [m.id for m in team])
    present = (await roll(services, group)).present()
    ids = make_teams([m.member.id for m in present], history, seed=session.id)
    if not ids:
        return []
    await storage.save_pairings(session.id, ids)
    return next((teams for s, teams in await storage.pairings(group.id) if s.id == session.id), [])


async def announce_teams(services: Services, group: Group, session: Session) -> None:
    """Tell each team who they are with and a question to start on, in the thread or by DM."""
    teams = await session_teams(services, group, session)
    if not teams:
        log.info("group %s: too few members to pair for session %d", group.id, session.number)
        return
    count = len(await services.storage.prompts(session.id))

    async def questions(code: str) -> list[str]:
        """Each team's question in `code`'s language: the teams rotate through the prompts so
        they do not all start on the same one."""
        prompts = [p.text for p in await session_prompts(services, group, session, code)]
        return [prompts[(i + session.number) % count] if count else "" for i in range(len(teams))]

    names = await names_shown(services, group, [m for team in teams for m in team])
    base = f"{group.id}:s{session.number}"
    in_thread = list(zip(teams, await questions(for_room(group).code), strict=True))
    if group.spec.pairing.announce == "dm":
        platform = services.platform(group.platform)
        unreachable: set[int] = set()
        for i, team in enumerate(teams):
            for member in team:
                question = (await questions(member_language(member, None, group)))[i]
                others = [m for m in team if m.id != member.id]
                w = for_member(member, None, group)
                message = team_dm(group, session, others, question, w, names)
                key = f"{base}:team:{member.id}"
                try:
                    await outbox.send_direct_once(services, platform, member.ref, message, key)
                except DirectMessagesClosed:
                    unreachable.add(member.id)
        # Teams with someone whose DMs are closed hear it in the thread instead.
        in_thread = [(t, q) for t, q in in_thread if any(m.id in unreachable for m in t)]
    if in_thread:
        await outbox.post(
            services,
            group,
            teams_post(session, in_thread, for_room(group), names),
            f"{base}:teams",
            thread=session.thread,
        )
    log.info("group %s: %d teams announced for session %d", group.id, len(teams), session.number)


def _name(member: Member, names: Mapping[int, str] | None) -> str:
    """The member as `names` (from `names_shown`) shows them, else their stored name."""
    return names[member.id] if names and member.id in names else clean_name(member.display_name)


def teams_post(
    session: Session,
    teams: list[tuple[list[Member], str]],
    w: Words = ENGLISH,
    names: Mapping[int, str] | None = None,
) -> Message:
    head = say.teams_head(w, session.number)
    items = []
    for team, question in teams:
        together = " & ".join(_name(m, names) for m in team)
        items.append(say.team_line(w, together, question))
    return Message(
        kind=MessageKind.NOTICE,
        title=say.teams_title(w),
        body=blocks(head, bullets(items)),
        member_text=True,
        mentions=tuple(m.ref for team, _ in teams for m in team),
    )


def team_dm(
    group: Group,
    session: Session,
    others: list[Member],
    question: str,
    w: Words = ENGLISH,
    names: Mapping[int, str] | None = None,
) -> Message:
    partners = say.names_and(w, [_name(m, names) for m in others])
    body = say.team_dm(w, session.number, group.spec.name, partners, question)
    return Message(kind=MessageKind.NOTICE, title=say.partner_title(w), body=body, member_text=True)
