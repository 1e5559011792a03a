"""Commands for a group's admins. Dispatch has already checked the rights of whoever asked."""

from __future__ import annotations

import logging

from bot.commands import admin_words as say
from bot.commands.context import CommandContext
from bot.config.load import ConfigError
from bot.core.i18n import Words
from bot.core.messages import Attachment, Message, MessageKind
from bot.core.records import to_db
from bot.exports.exporting import MIME, export_bytes
from bot.readings.course import session_step
from bot.schedule.course_plan import PlanChange, coming_step, plan_changes, plans, progress
from bot.schedule.planner import plan_group, slot_key
from bot.sessions import course_notices, outbox, render
from bot.sessions.language import for_room

log = logging.getLogger(__name__)


async def status(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    storage = ctx.services.storage
    state = await storage.group_state(group.id)
    members = await storage.group_members(group.id)
    w = ctx.words
    lines = [
        say.status_head(w, group.spec.name, group.id, group.platform),
        *await _course_lines(ctx),
        say.members_line(w, len(members), sum(1 for _, r in members if r)),
    ]
    if state.paused:
        lines.append(say.state_paused(w))
    elif state.finished:
        lines.append(say.state_finished(w))
    session = await storage.open_session(group.id)
    if session is not None:
        rows = await storage.session_responses(session.id)
        people = len({r.member_id for r, _ in rows if r.member_id is not None})
        closes = render.local_time(session.closes_at, group.zone, w)
        lines.append(say.open_line(w, session.number, len(rows), people, closes))
    pending = await storage.pending_actions(group.id)
    if pending:
        lines.append(say.coming_up(w))
        lines += [
            f"• {say.action_kind(w, a.kind)} — {render.local_time(a.due_at, group.zone, w)}"
            for a in pending[:8]
        ]
    return render.reply("\n".join(lines), ephemeral=False)


async def reload(ctx: CommandContext) -> Message:
    w = ctx.words
    try:
        reloaded = await ctx.services.reload()
    except ConfigError as exc:
        shown = "\n".join(f"• {p.render()}" for p in exc.problems[:20])
        extra = len(exc.problems) - 20
        more = f"\n{say.more_problems(w, extra)}" if extra > 0 else ""
        return render.reply(f"{say.config_problems(w, len(exc.problems))}\n{shown}{more}")
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
    ctx.services.schedule_changed()
    return render.reply(say.paused(ctx.words, group.spec.name), ephemeral=False)


async def resume(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    storage = ctx.services.storage
    await storage.set_paused(group.id, False)
    slot = await plan_group(storage, group, ctx.services.clock.now())
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
    answered = {r.member_id for r, _ in await storage.session_responses(session.id)}
    waiting = {m.id for m, _ in await storage.group_members(group.id) if m.id not in answered}
    if not waiting:
        return render.reply(say.all_responded(ctx.words))
    room = for_room(group)
    reading = session_step(services.config.readings_for(group), session).reading.title
    closes = render.local_time(session.closes_at, group.zone, room)
    message = Message(
        kind=MessageKind.NUDGE,
        title=say.nudge_title(room, group.spec.name, session.number),
        body=say.nudge_body(room, session.number, reading, closes),
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
    return course_notices.status_lines(
        group,
        await progress(services.storage, group, services.config.readings_for(group)),
        ctx.words,
    )


def _plan_changes_note(w: Words, changes: tuple[PlanChange, ...]) -> str:
    if not changes:
        return ""
    return f"\n{say.plan_changed(w)}\n" + "\n".join(
        f"• {course_notices.plan_change_line(c, w)}" for c in changes
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
