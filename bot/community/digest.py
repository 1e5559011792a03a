"""The facilitator's digest: participation and its trend, unanswered prompts, drifting members,
the shared responses grouped by prompt and the most-discussed passages, sent to each admin by
direct message."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.community import facilitator
from bot.config.model import Group
from bot.core.events import MemberRef
from bot.core.i18n import Words, resolve
from bot.core.markdown import blocks, quotation
from bot.core.messages import Message, MessageKind
from bot.core.platform import DirectMessagesClosed
from bot.core.text import clean_name, quote, split_text
from bot.services import Services
from bot.sessions import language, outbox, passage_words
from bot.sessions.expiry_words import digest_line
from bot.sessions.naming import names_shown
from bot.sessions.participation import drifting, trend
from bot.sessions.passages import most_discussed
from bot.sessions.shown import session_prompts
from bot.storage import Action, Session

log = logging.getLogger(__name__)

WEEKLY_AT = time(9, 0)  # Monday morning in the group's zone
DIGEST_PASSAGES = 3  # the most-discussed passages a session's part of the digest lists


def next_weekly(now: datetime, zone: ZoneInfo) -> datetime:
    """The next Monday 09:00 in the group's zone after `now`."""
    local = now.astimezone(zone)
    day = local.date() + timedelta(days=(7 - local.weekday()) % 7)
    moment = datetime.combine(day, WEEKLY_AT, tzinfo=zone)
    if moment <= local:
        moment += timedelta(days=7)
    return moment.astimezone(now.tzinfo)


async def digest_body(
    services: Services,
    group: Group,
    sessions: list[Session],
    *,
    for_room: bool = False,
    notes_in: Words | None = None,
) -> str:
    """The digest's Markdown. The room's copy leaves out who is drifting: that is for admins.
    The facilitator notes come in `notes_in`'s language (the admin's), else the group's."""
    storage = services.storage
    w = language.for_room(group)
    history = await storage.participation(group.id)
    members = await storage.memberships(group.id)
    words = resolve(group.spec.language)
    lines = [f"**{group.spec.name}** — *{group.course.title}*"]
    for session in sessions:
        who = next((took for s, took in history if s.id == session.id), frozenset())
        counts = await storage.response_counts(session.id)
        # the prompts in the group's language, where the reading has it
        prompts = await session_prompts(services, group, session, language.for_room(group).code)
        total = sum(counts.values())
        lines += [
            "",
            words.ngettext(
                "**Session {number}**: {who} of {n} member responded ({responses}).",
                "**Session {number}**: {who} of {n} members responded ({responses}).",
                len(members),
                number=session.number,
                who=words.number(len(who)),
                responses=words.ngettext("{n} response", "{n} responses", total),
            ),
        ]
        if group.spec.rsvp:
            going = [r for r in await storage.rsvps(session.id) if r.going]
            came = sum(1 for r in going if r.attended)
            lines.append(
                w.ngettext(
                    "Live discussion: {n} said yes; {came} of them took part.",
                    "Live discussion: {n} said yes; {came} of them took part.",
                    len(going),
                    came=w.number(came),
                )
            )
        unanswered = [p for p in prompts if not counts.get(p.number)]
        if unanswered:
            listed = "; ".join(f"{p.number}. {p.text}" for p in unanswered)
            lines.append(w.gettext("Nobody answered: {prompts}", prompts=listed))
            lines.append("")
        shared = [r for r in await storage.shared_responses(session.id) if r.author is not None]
        if group.spec.minimal:
            # privacy: minimal: the digest counts, it never quotes (a digest outlives expiry)
            shared = []
        for prompt in prompts:
            answers = [r for r in shared if r.prompt == prompt.number]
            if not answers:
                continue
            lines += ["", f"*{prompt.number}. {prompt.text}*", ""]
            for r in answers:
                late = " " + w.gettext("(late)") if r.late else ""
                author = clean_name(r.author or "") + late
                lines += [quotation(quote(r.text, 600), author), ""]
        lines += await _passage_lines(services, session, w)
    lines += await _expired_lines(services, group, sessions, w)
    recent = trend([(s, took) for s, took in history if s.closed_at is not None])
    if len(recent) > 1:
        shown = " → ".join(f"#{n}: {c}" for n, c in recent)
        lines += ["", w.gettext("**Trend** (members responding): {trend}", trend=shown)]
    if not for_room and (notes := await facilitator.next_notes(services, group, notes_in)):
        heading = (notes_in or w).gettext("**Facilitator notes for next time**")
        lines += ["", heading, "", notes]
    if not for_room:
        drifters = drifting(
            members, history, await storage.snoozes(group.id), group.spec.drift_after
        )
        if drifters:
            as_shown = await names_shown(services, group, [m.member for m, _ in drifters])
            names = ", ".join(f"{as_shown[m.member.id]} ({n})" for m, n in drifters)
            lines += [
                "",
                w.gettext("**Drifting** (silent sessions in a row): {names}", names=names),
            ]
    # every block apart (blank lines are where one ends), each line of a block kept
    return blocks(*"\n".join(lines).split("\n\n"))


async def _passage_lines(services: Services, session: Session, w: Words) -> list[str]:
    """The session's most-discussed passages (shared notes only), with their counts."""
    ranked = await most_discussed(services, session, limit=DIGEST_PASSAGES)
    if not ranked:
        return []
    lines = ["", passage_words.digest_title(w), ""]
    for place in ranked:
        counts = passage_words.count_line(w, len(place.notes), place.replies)
        lines += [quotation(quote(place.text, 300), counts), ""]  # each quote a block apart
    return lines


async def _expired_lines(
    services: Services, group: Group, sessions: list[Session], w: Words
) -> list[str]:
    """What `expire_after` removed from the platform since the session before these closed."""
    storage = services.storage
    every = await storage.sessions(group.id)
    earlier = [s for s in every if s.number < sessions[0].number and s.closed_at is not None]
    since = earlier[-1].closed_at if earlier else datetime.min.replace(tzinfo=UTC)
    assert since is not None
    out: list[str] = []
    for number, _ in await storage.expired_between(group.id, since, services.clock.now()):
        session = next(s for s in every if s.number == number)
        out.append(digest_line(w, number, dict(await storage.removal_counts(session.id))))
    return ["", *out] if out else []


async def digest_sessions(
    services: Services, group: Group, action: Action, *, weekly: bool
) -> list[Session]:
    """The session an after-session digest is about, or those closed in the week before a weekly one."""
    sessions = await services.storage.sessions(group.id)
    if weekly:
        start = action.due_at - timedelta(days=7)
        return [
            s for s in sessions if s.closed_at is not None and start < s.closed_at <= action.due_at
        ]
    return [s for s in sessions if s.opened_at == action.slot]


async def send_digest(services: Services, group: Group, action: Action, *, weekly: bool) -> None:
    """DM the digest to each admin; if none can get it, post it in the room only if the group opts in."""
    sessions = await digest_sessions(services, group, action, weekly=weekly)
    if not sessions:
        return
    platform = services.platform(group.platform)
    limit = platform.limits.max_body_chars
    w = language.for_room(group)
    title = (
        w.gettext("Digest: session {number}", number=sessions[0].number)
        if len(sessions) == 1
        else w.gettext(
            "Digest: sessions {first}–{last}", first=sessions[0].number, last=sessions[-1].number
        )
    )
    by_language: dict[str, list[str]] = {}  # one body per language the admins read
    delivered = 0
    for admin in group.spec.admins:
        who = MemberRef(platform=group.platform, user_id=str(admin), display_name=str(admin))
        words = await facilitator.admin_words(services, group, str(admin))
        if words.code not in by_language:
            body = await digest_body(services, group, sessions, notes_in=words)
            by_language[words.code] = split_text(body, limit)
        pieces = by_language[words.code]
        try:
            for i, piece in enumerate(pieces, start=1):
                message = _message(title, piece, i, len(pieces))
                key = f"{action.key}:admin:{admin}:{i}"
                await outbox.send_direct_once(services, platform, who, message, key)
            delivered += 1
        except (DirectMessagesClosed, ValueError):
            # ValueError: an admin entry the platform cannot message (a Discord role name, say)
            log.info("group %s: an admin cannot get the digest by direct message", group.id)
    if delivered:
        return
    if not group.spec.digest_in_room:
        log.info(
            "group %s: digest not delivered to any admin; skipped (digest_in_room is off)", group.id
        )
        return
    pieces = split_text(await digest_body(services, group, sessions, for_room=True), limit)
    for i, piece in enumerate(pieces, start=1):
        await outbox.post(
            services, group, _message(title, piece, i, len(pieces)), f"{action.key}:room:{i}"
        )


def _message(title: str, body: str, part: int, parts: int) -> Message:
    return Message(
        kind=MessageKind.SUMMARY, title=title, body=body, member_text=True, part=part, parts=parts
    )
