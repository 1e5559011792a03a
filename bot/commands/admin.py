"""Commands for a group's admins. Dispatch has already checked the rights of whoever asked."""

from __future__ import annotations

import logging

from bot.commands.context import CommandContext
from bot.config.load import ConfigError
from bot.core.markdown import blocks, bullets
from bot.core.messages import Attachment, Message, MessageKind
from bot.core.records import to_db
from bot.core.text import clean_name
from bot.exports.exporting import MIME, export_bytes
from bot.readings.course import session_step
from bot.schedule.course_plan import PlanChange, coming_step, plan_changes, plans, progress
from bot.schedule.planner import plan_group, slot_key
from bot.sessions import calendar_events, course_notices, outbox, render
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
    try:
        reloaded = await ctx.services.reload()
    except ConfigError as exc:
        said = ctx.words.ngettext(
            "The config has {n} problem; the running schedule is unchanged.",
            "The config has {n} problems; the running schedule is unchanged.",
            len(exc.problems),
        )
        shown = bullets(p.render() for p in exc.problems[:20])
        more = f"…and {len(exc.problems) - 20} more" if len(exc.problems) > 20 else None
        return render.reply(blocks(said, shown, more))
    if reloaded is None:
        return render.reply("Reloading is not available in this mode.")
    archived = reloaded.archived
    note = f" Archived (kept, no longer scheduled): {', '.join(archived)}." if archived else ""
    note += _plan_changes_note(reloaded.changes)
    said = ctx.words.ngettext(
        "Config reloaded: {n} group.", "Config reloaded: {n} groups.", len(reloaded.config.groups)
    )
    return render.reply(f"{said}{note}")


async def post_now(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    services = ctx.services
    storage = services.storage
    if await coming_step(storage, group) is None:
        what = "course" if len(group.course.readings) > 1 else "reading"
        return render.reply(f"Every section of the {what} has been posted already.")
    words = ctx.words
    if (await storage.group_state(group.id)).paused:
        return render.reply(
            words.gettext(
                "{group} is paused, so no session is opened. `resume` first, then `post-now`.",
                group=group.spec.name,
            )
        )
    current = await storage.open_session(group.id)
    if current is not None and ctx.command.text("confirm") != "confirm":
        return render.reply(
            words.gettext(
                "Session {number} is still open until {when}. `post-now` closes it early and "
                "opens the next; to go ahead, send `post-now confirm`.",
                number=words.number(current.number),
                when=words.moment(current.closes_at, group.zone),
            )
        )
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
        return render.reply(
            "The session could not be opened; it stays pending and is retried shortly."
        )
    return render.reply(f"Session {session.number} is open.", ephemeral=False)


async def skip(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    storage = ctx.services.storage
    slot = await plan_group(storage, group, ctx.services.clock.now())
    if slot is None:
        return render.reply("There is no upcoming session to skip.")
    await storage.cancel_actions(group.id, ["open", "remind"], slot=slot)
    await storage.skip_slot(
        group.id, slot, f"{slot_key(group.id, slot)}:skip", ctx.services.clock.now()
    )
    nxt = await plan_group(storage, group, ctx.services.clock.now())
    await calendar_events.plan_sync(ctx.services, group, "skip")
    ctx.services.schedule_changed()
    after = f" The section moves to {render.local_time(nxt, group.zone)}." if nxt else ""
    return render.reply(
        f"Skipped the session of {render.local_time(slot, group.zone)}.{after}", ephemeral=False
    )


async def pause(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    storage = ctx.services.storage
    await storage.set_paused(group.id, True)
    await storage.cancel_actions(group.id, ["open", "remind"])
    await calendar_events.plan_sync(ctx.services, group, "pause")
    ctx.services.schedule_changed()
    return render.reply(
        f"{group.spec.name} is paused: no sessions or reminders until `resume`.", ephemeral=False
    )


async def resume(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    storage = ctx.services.storage
    await storage.set_paused(group.id, False)
    slot = await plan_group(storage, group, ctx.services.clock.now())
    await calendar_events.plan_sync(ctx.services, group, "resume")
    ctx.services.schedule_changed()
    when = f" Next session: {render.local_time(slot, group.zone)}." if slot else ""
    return render.reply(f"{group.spec.name} is running again.{when}", ephemeral=False)


async def remind(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    services = ctx.services
    storage = services.storage
    session = await storage.open_session(group.id)
    if session is None:
        return render.reply("No session is open, so there is nobody to nudge.")
    members = [m for m, _ in await storage.group_members(group.id)]
    answered = await responders(services, group.id, session, members)  # anonymous ones too
    waiting = {m.id for m in members if m.id not in answered}
    if not waiting:
        return render.reply("Everyone has responded already.")
    message = Message(
        kind=MessageKind.NUDGE,
        title=f"{group.spec.name}: session {session.number} is open",
        body=(
            f"A gentle nudge: session {session.number} of "
            f"*{session_step(services.config.readings_for(group), session).reading.title}* is open until "
            f"{render.local_time(session.closes_at, group.zone)}. Your thoughts are welcome, short ones too."
        ),
    )
    stamp = to_db(services.clock.now())
    sent, closed = await outbox.direct_to_members(
        services, group, message, f"{group.id}:s{session.number}:nudge:{stamp}", only=waiting
    )
    if closed:
        names = ", ".join(closed)
        notice = Message(kind=MessageKind.NUDGE, body=f"{names}: {message.body}", member_text=True)
        await outbox.post(
            services,
            group,
            notice,
            f"{group.id}:s{session.number}:nudge-room:{stamp}",
            thread=session.thread,
        )
    words = ctx.words
    by_dm = words.ngettext(
        "Nudged {n} member by direct message", "Nudged {n} members by direct message", sent
    )
    if closed:
        return render.reply(
            words.gettext(
                "{nudged} and {n} in the thread.", nudged=by_dm, n=words.number(len(closed))
            )
        )
    return render.reply(words.gettext("{nudged}.", nudged=by_dm))


async def export(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    fmt = ctx.command.text("format") or "csv"
    content, count = await export_bytes(ctx.services.storage, group, fmt)
    log.info("group %s: export of %d responses as %s", group.id, count, fmt)
    return Message(
        kind=MessageKind.REPLY,
        body=f"{count} shared responses from {group.spec.name} (private ones are never exported).",
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
    return course_notices.status_lines(
        group, await progress(services.storage, group, services.config.readings_for(group))
    )


def _plan_changes_note(changes: tuple[PlanChange, ...]) -> str:
    if not changes:
        return ""
    return "\n\nWhat changed in the plan:\n\n" + bullets(
        course_notices.plan_change_line(c) for c in changes
    )


async def restart_reading(ctx: CommandContext) -> Message:
    """Let a reading already (partly) read be read again from its first section."""
    group = ctx.need_group()
    services = ctx.services
    storage = services.storage
    wanted = ctx.command.text("reading")
    latest = await storage.latest_session(group.id)
    if wanted:
        reading = group.course.reading(wanted.strip().lower())
        if reading is None:
            listed = ", ".join(r.id for r in group.course.readings)
            return render.reply(
                f"{group.spec.name} does not read {wanted[:64]!r}; its readings are: {listed}."
            )
    elif latest is None:
        return render.reply("Nothing has been posted yet, so there is no reading to restart.")
    else:
        reading = group.course.reading(latest.reading_id or "")
        if reading is None:
            listed = ", ".join(r.id for r in group.course.readings)
            return render.reply(
                "The latest session's reading is no longer in the course; name the one to "
                f"restart: {listed}."
            )
    before = await plans(storage, [group])
    if await storage.restart_reading(group.id, reading.id) == 0:
        return render.reply(
            f"No section of *{reading.title}* has been posted since it was last started, so "
            "there is nothing to restart."
        )
    await plan_group(storage, group, services.clock.now())
    services.schedule_changed()
    changed = plan_changes(before, await plans(storage, [group]), [group])
    after = "".join(f" {course_notices.plan_change_line(c)}." for c in changed)
    return render.reply(
        f"*{reading.title}* starts again from its first section; the sessions that read it "
        f"stay in the history.{after}",
        ephemeral=False,
    )
