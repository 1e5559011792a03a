"""Commands for a group's admins. Dispatch has already checked the rights of whoever asked."""

from __future__ import annotations

import dataclasses
import logging

from bot.commands import admin_words as say
from bot.commands.context import CommandContext
from bot.config.load import ConfigError
from bot.core.i18n import Words, resolve
from bot.core.markdown import blocks, bullets
from bot.core.messages import Attachment, Message, MessageKind
from bot.core.records import to_db
from bot.core.text import clean_name
from bot.exports.exporting import MIME, export_bytes
from bot.readings.course import session_step
from bot.schedule.course_plan import PlanChange, coming_step, plan_changes, plans, progress
from bot.schedule.planner import plan_group, slot_key
from bot.sessions import calendar_events, course_notices, outbox, render
from bot.sessions.language import for_room, member_language
from bot.sessions.own_answers import responders

log = logging.getLogger(__name__)

MEMBERS_SHOWN = 40  # lines in one `members` reply; a message stays readable (and within limits)


async def status(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    services = ctx.services
    storage = services.storage
    words = ctx.words
    state = await storage.group_state(group.id)
    members = await storage.group_members(group.id)
    head = f"**{group.spec.name}** ({group.id}) on {group.platform}"
    facts = [
        *await _course_lines(ctx),
        words.gettext(
            "Members: {n} ({reminded} get reminders)",
            n=words.number(len(members)),
            reminded=words.number(sum(1 for _, r in members if r)),
        ),
    ]
    if state.paused:
        facts.append(words.gettext("State: **paused**"))
    elif state.finished:
        facts.append(words.gettext("State: finished"))
    session = await storage.open_session(group.id)
    if session is not None:
        rows = await storage.session_responses(session.id)
        people = len({r.member_id for r, _ in rows if r.member_id is not None})
        facts.append(
            words.gettext(
                "Open: session {number}, {responses} from {people}, closes {closes}",
                number=session.number,
                responses=words.ngettext("{n} response", "{n} responses", len(rows)),
                people=words.ngettext("{n} member", "{n} members", people),
                closes=render.local_time(session.closes_at, group.zone, words),
            )
        )
    pending = await storage.pending_actions(group.id)
    coming = bullets(
        words.gettext(
            "{what} {when}",
            what=words.gettext(services.action_label(a.kind)),
            when=words.day_time(a.due_at, group.zone),
        )
        for a in pending[:8]
    )
    return render.reply(
        blocks(
            head,
            bullets(facts),
            words.gettext("Coming up ({zone} time):", zone=group.zone.key) if pending else None,
            coming,
        ),
        ephemeral=False,
    )


async def members(ctx: CommandContext) -> Message:
    """Who is in the group: joined, last named response, reminders sent, snoozed until.
    Anonymous answers carry no member, so they never show here."""
    group = ctx.need_group()
    services = ctx.services
    words = ctx.words
    now = services.clock.now()
    entries = await services.storage.roster(group.id)
    if not entries:
        return render.reply(words.gettext("Nobody has joined {group} yet.", group=group.spec.name))
    zone = group.zone
    head = words.ngettext(
        "**{group}**: {n} member",
        "**{group}**: {n} members",
        len(entries),
        group=group.spec.name,
    )
    rows: list[str] = []
    for entry in entries[:MEMBERS_SHOWN]:
        parts = [
            words.gettext("joined {day}", day=words.day_date(entry.joined_at, zone)),
            words.gettext("last response {day}", day=words.day_date(entry.last_response, zone))
            if entry.last_response is not None
            else words.gettext("no named response yet"),
            words.ngettext("{n} reminder sent", "{n} reminders sent", entry.reminders_sent),
        ]
        if not entry.reminders_on:
            parts.append(words.gettext("reminders off"))
        until = entry.snoozed_until(now)
        if until is not None:
            parts.append(words.gettext("snoozed until {day}", day=words.day_date(until, zone)))
        rows.append(f"{clean_name(entry.member.display_name)}: " + "; ".join(parts))
    more = (
        words.gettext("…and {n} more.", n=words.number(len(entries) - MEMBERS_SHOWN))
        if len(entries) > MEMBERS_SHOWN
        else None
    )
    note = words.gettext(
        "_Last response counts named answers only: anonymous ones are never tied to anyone._"
    )
    return render.reply(blocks(head, bullets(rows), more, note), member_text=True)


async def reload(ctx: CommandContext) -> Message:
    w = ctx.words
    try:
        reloaded = await ctx.services.reload()
    except ConfigError as exc:
        said = ctx.words.ngettext(
            "The config has {n} problem; the running schedule is unchanged.",
            "The config has {n} problems; the running schedule is unchanged.",
            len(exc.problems),
        )
        shown = bullets(p.render(w) for p in exc.problems[:20])
        extra = len(exc.problems) - 20
        more = say.more_problems(ctx.words, extra) if extra > 0 else None
        return render.reply(blocks(said, shown, more))
    if reloaded is None:
        return render.reply(say.no_reload(w))
    archived = reloaded.archived
    note = f" {say.archived(w, ', '.join(archived))}" if archived else ""
    note += _plan_changes_note(w, reloaded.changes)
    return render.reply(f"{say.reloaded(w, len(reloaded.config.groups))}{note}")


async def post_now(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    services = ctx.services
    storage = services.storage
    if await coming_step(storage, group) is None:
        return render.reply(say.all_posted(ctx.words, course=len(group.course.readings) > 1))
    if (await storage.group_state(group.id)).paused:
        return render.reply(say.paused_no_post(ctx.words, group.spec.name))
    current = await storage.open_session(group.id)
    if current is not None and ctx.command.text("confirm") != "confirm":
        closes = render.local_time(current.closes_at, group.zone, ctx.words)
        return render.reply(say.still_open(ctx.words, current.number, closes))
    now = services.clock.now()
    pending = [a for a in await storage.pending_actions(group.id) if a.kind == "open"]
    for action in pending:
        await storage.cancel_actions(group.id, ["open", "remind"], slot=action.slot)
    key = f"{slot_key(group.id, now)}:open"
    await storage.add_actions([(group.id, "open", now, now, key)])
    await services.run_due()
    session = await storage.open_session(group.id)
    await plan_group(storage, group, services.clock.now())
    services.schedule_changed()
    if session is None:
        return render.reply(say.not_opened(ctx.words))
    return render.reply(say.opened(ctx.words, session.number), ephemeral=False)


async def skip(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    storage = ctx.services.storage
    slot = await plan_group(storage, group, ctx.services.clock.now())
    if slot is None:
        return render.reply(say.nothing_to_skip(ctx.words))
    await storage.cancel_actions(group.id, ["open", "remind"], slot=slot)
    await storage.skip_slot(
        group.id, slot, f"{slot_key(group.id, slot)}:skip", ctx.services.clock.now()
    )
    nxt = await plan_group(storage, group, ctx.services.clock.now())
    await calendar_events.plan_sync(ctx.services, group, "skip")
    ctx.services.schedule_changed()
    w = ctx.words
    moved_to = render.local_time(nxt, group.zone, w) if nxt else None
    return render.reply(
        say.skipped(w, render.local_time(slot, group.zone, w), moved_to), ephemeral=False
    )


async def pause(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    storage = ctx.services.storage
    await storage.set_paused(group.id, True)
    await storage.cancel_actions(group.id, ["open", "remind"])
    await calendar_events.plan_sync(ctx.services, group, "pause")
    ctx.services.schedule_changed()
    return render.reply(say.paused(ctx.words, group.spec.name), ephemeral=False)


async def resume(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    storage = ctx.services.storage
    await storage.set_paused(group.id, False)
    slot = await plan_group(storage, group, ctx.services.clock.now())
    await calendar_events.plan_sync(ctx.services, group, "resume")
    ctx.services.schedule_changed()
    when = render.local_time(slot, group.zone, ctx.words) if slot else None
    return render.reply(say.resumed(ctx.words, group.spec.name, when), ephemeral=False)


async def remind(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    services = ctx.services
    storage = services.storage
    session = await storage.open_session(group.id)
    if session is None:
        return render.reply(say.nobody_to_nudge(ctx.words))
    members = [m for m, _ in await storage.group_members(group.id)]
    answered = await responders(services, group.id, session, members)  # anonymous ones too
    waiting = {m.id for m in members if m.id not in answered}
    if not waiting:
        return render.reply(say.all_responded(ctx.words))
    reading = session_step(services.config.readings_for(group), session).reading

    def nudge(code: str) -> Message:
        """The nudge in the language of `code`, the reading's title too."""
        w = resolve(code)
        closes = render.local_time(session.closes_at, group.zone, w)
        return Message(
            kind=MessageKind.NUDGE,
            title=say.nudge_title(w, group.spec.name, session.number),
            body=say.nudge_body(w, session.number, reading.title_in(code), closes),
        )

    stamp = to_db(services.clock.now())
    sent, closed = await outbox.direct_to_members(
        services,
        group,
        lambda member: nudge(member_language(member, None, group)),
        f"{group.id}:s{session.number}:nudge:{stamp}",
        only=waiting,
    )
    if closed:
        names = ", ".join(closed)
        room = nudge(for_room(group).code)
        notice = Message(kind=MessageKind.NUDGE, body=f"{names}: {room.body}", member_text=True)
        await outbox.post(
            services,
            group,
            notice,
            f"{group.id}:s{session.number}:nudge-room:{stamp}",
            thread=session.thread,
        )
    return render.reply(say.nudged(ctx.words, sent, len(closed)))


async def export(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    fmt = ctx.command.text("format") or "csv"
    content, count = await export_bytes(ctx.services.storage, group, fmt)
    log.info("group %s: export of %d responses as %s", group.id, count, fmt)
    return Message(
        kind=MessageKind.REPLY,
        body=say.exported(ctx.words, count, group.spec.name),
        attachment=Attachment(
            filename=f"{group.id}-responses.{fmt}", content=content, mime_type=MIME[fmt]
        ),
        ephemeral=True,
    )


# -- courses (issue 14) -------------------------------------------------------------------


async def _course_lines(ctx: CommandContext) -> list[str]:
    """`status` on the course: sections posted, where the group is, what comes next."""
    group = ctx.need_group()
    services = ctx.services
    found = await progress(services.storage, group, services.config.readings_for(group))
    code = ctx.words.code  # the titles as the asking admin reads them
    shown = dataclasses.replace(
        found,
        latest_step=found.latest_step.in_language(code) if found.latest_step else None,
        next=found.next.in_language(code) if found.next else None,
    )
    return course_notices.status_lines(group, shown, ctx.words)


def _plan_changes_note(w: Words, changes: tuple[PlanChange, ...]) -> str:
    if not changes:
        return ""
    return f"\n\n{say.plan_changed(w)}\n\n" + bullets(
        course_notices.plan_change_line(c, w) for c in changes
    )


async def restart_reading(ctx: CommandContext) -> Message:
    """Let a reading already (partly) read be read again from its first section."""
    group = ctx.need_group()
    services = ctx.services
    storage = services.storage
    wanted = ctx.command.text("reading")
    w = ctx.words
    latest = await storage.latest_session(group.id)
    if wanted:
        reading = group.course.reading(wanted.strip().lower())
        if reading is None:
            listed = ", ".join(r.id for r in group.course.readings)
            return render.reply(say.no_such_reading(w, group.spec.name, repr(wanted[:64]), listed))
    elif latest is None:
        return render.reply(say.nothing_posted(w))
    else:
        reading = group.course.reading(latest.reading_id or "")
        if reading is None:
            listed = ", ".join(r.id for r in group.course.readings)
            return render.reply(say.latest_gone(w, listed))
    before = await plans(storage, [group])
    if await storage.restart_reading(group.id, reading.id) == 0:
        return render.reply(say.nothing_to_restart(w, reading.title))
    await plan_group(storage, group, services.clock.now())
    services.schedule_changed()
    changed = plan_changes(before, await plans(storage, [group]), [group])
    after = "".join(f" {course_notices.plan_change_line(c, w)}." for c in changed)
    return render.reply(f"{say.restarted(w, reading.title)}{after}", ephemeral=False)
