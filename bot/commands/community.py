"""Commands that keep a group alive: progress, snooze and RSVP for members; drifting and pairs for admins."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.commands import community_words as say
from bot.commands.context import CommandContext
from bot.community.roll import roll
from bot.core.markdown import blocks, bullets
from bot.core.messages import Message
from bot.sessions import render
from bot.sessions import rsvp as live
from bot.sessions.naming import names_shown
from bot.sessions.own_answers import anonymous_responders
from bot.sessions.participation import drifting as find_drifting
from bot.sessions.participation import standing


def _zone(ctx: CommandContext) -> ZoneInfo:
    """Times are shown in the member's own zone when they set one."""
    return ZoneInfo(ctx.member.timezone) if ctx.member.timezone else ctx.need_group().zone


async def progress(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    storage = ctx.services.storage
    me = ctx.member.id
    # The member's own attendance (an indexed lookup per session) is all their standing
    # needs; the group's whole participation would read every response it ever had.
    membership, attendance, snoozes = await storage.standing_inputs(group.id, me)
    words = ctx.words
    if membership is None:
        return render.reply(
            words.gettext(
                "You are not a member of {group}; `join` to take part.", group=group.spec.name
            )
        )
    # her anonymous answers count for her own standing: recognised by her recomputed keys
    anonymous = await anonymous_responders(ctx.services, group.id, [membership.member])
    history = [
        (s, frozenset((me,)) if took_part or me in anonymous.get(s.id, ()) else frozenset())
        for s, took_part in attendance
    ]
    mine = standing(me, membership.joined_at, history, snoozes)
    lines = [
        words.ngettext(
            "You took part in {took_part} of {n} session of {group}.",
            "You took part in {took_part} of {n} sessions of {group}.",
            mine.sessions,
            took_part=words.number(mine.took_part),
            group=group.spec.name,
        )
        + " "
        + words.gettext("Current streak: {streak}.", streak=words.number(mine.streak)),
        words.gettext("_Breaks, your snoozes and sessions still open never break a streak._"),
    ]
    return render.reply("\n".join(lines))


async def snooze(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    days = ctx.command.number("days")
    storage = ctx.services.storage
    now = ctx.services.clock.now()
    w = ctx.words
    if days == 0:
        if await storage.end_snooze(group.id, ctx.member.id, now):
            return render.reply(say.snooze_ended(w, group.spec.name))
        return render.reply(say.not_snoozing(w))
    await storage.join(group.id, ctx.member.id, now)
    until = now + timedelta(days=days)
    await storage.add_snooze(group.id, ctx.member.id, now, until)
    return render.reply(say.snoozing(w, render.local_time(until, _zone(ctx), w)))


async def rsvp(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    w = ctx.words
    if not group.spec.rsvp:
        return render.reply(say.no_rsvps(w, group.spec.name))
    storage = ctx.services.storage
    session = await storage.open_session(group.id)
    if session is None:
        return render.reply(say.no_live_yet(w))
    when = render.local_time(live.live_time(group, session), _zone(ctx), w)
    answer = ctx.command.text("answer")
    if answer is not None:
        await storage.join(group.id, ctx.member.id, ctx.services.clock.now())
        await storage.set_rsvp(session.id, ctx.member.id, answer == "yes", ctx.services.clock.now())
    answers = await storage.rsvps(session.id)
    going = sum(1 for r in answers if r.going)
    tally = say.going_tally(w, going)
    if answer == "yes":
        return render.reply(say.see_you(w, when, tally))
    if answer == "no":
        return render.reply(say.thanks(w, tally))
    return render.reply(say.live_discussion(w, session.number, when, tally))


async def drifting(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    storage = ctx.services.storage
    w = ctx.words
    if group.spec.drift_after <= 0:
        return render.reply(say.drift_off(w))
    people = await roll(ctx.services, group)
    found = find_drifting(
        people.members,
        await storage.participation(group.id),
        await storage.snoozes(group.id),
        group.spec.drift_after,
    )
    if not found:
        return render.reply(say.nobody_silent(w, group.spec.name, group.spec.drift_after))
    head = say.silent_title(w, group.spec.drift_after)
    shown = await names_shown(ctx.services, group, [m.member for m, _ in found])
    items = []
    for m, silent in found:
        note = f" — {say.left_alone(w)}" if m.member.id in people.left_alone else ""
        items.append(f"{shown[m.member.id]}: {w.number(silent)}{note}")
    return render.reply(blocks(head, bullets(items), say.personal_word(w)), member_text=True)


async def pair_history(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    w = ctx.words
    note = say.pairing_off(w) if not group.spec.pairing.enabled else ""
    history = await ctx.services.storage.pairings(group.id)
    if not history:
        return render.reply(note or say.no_teams(w))
    recent = list(reversed(history[-8:]))
    names = await names_shown(
        ctx.services, group, {m.id: m for _, teams in recent for t in teams for m in t}.values()
    )
    items = []
    for session, teams in recent:
        shown = "; ".join(" & ".join(names[m.id] for m in team) for team in teams)
        items.append(say.teams_line(w, session.number, shown))
    head = say.teams_title(w, group.spec.name)
    return render.reply(
        blocks(head, bullets(items), f"_{note}_" if note else None), member_text=True
    )
