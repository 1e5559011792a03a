"""Commands every member can use."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.commands import member_words as say
from bot.commands import passages
from bot.commands.context import CommandContext
from bot.commands.spec import BY_NAME, COMMANDS, CommandSpec
from bot.core.markdown import blocks, bullets, prose
from bot.core.messages import Attachment, Message, MessageKind
from bot.core.text import clean_name
from bot.exports.exporting import own_export_name, times_to_the_second
from bot.packs.harvest import forget_harvested_words
from bot.schedule.course_plan import coming_step, coming_steps
from bot.schedule.planner import plan_group, upcoming
from bot.sessions import render
from bot.sessions.passages import anonymous_note_keys
from bot.sessions.responses import all_anonymous_keys, author_keys, record_response, target_session
from bot.sessions.shown import session_prompts, session_step_in
from bot.storage import Session


async def help_(ctx: CommandContext) -> Message:
    # commands bare, as in every hint: each platform writes them as its members type them
    def typed(spec: CommandSpec) -> str:
        return f"`{spec.usage}`"

    name = ctx.command.text("command")
    w = ctx.words
    if name:
        spec = BY_NAME.get(name.lower())
        if spec is None:
            return render.reply(say.no_command(w, name[:40]))
        who = f" {say.admins_only(w)}" if spec.admin else ""
        return render.reply(f"{typed(spec)}{who}\n\n{w.gettext(spec.summary)}.")
    return render.reply(
        blocks(
            say.help_title(w),
            bullets(f"{typed(c)} — {w.gettext(c.summary)}" for c in COMMANDS if not c.admin),
            say.help_admins(w),
            bullets(f"{typed(c)} — {w.gettext(c.summary)}" for c in COMMANDS if c.admin),
        )
    )


async def join(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    added = await ctx.services.storage.join(group.id, ctx.member.id, ctx.services.clock.now())
    if not added:
        return render.reply(say.already_member(ctx.words, group.spec.name))
    return render.reply(say.welcome(ctx.words, group.spec.name, await _reading_now(ctx)))


async def leave(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    if not await ctx.services.storage.leave(group.id, ctx.member.id):
        return render.reply(say.not_member(ctx.words, group.spec.name))
    return render.reply(say.left(ctx.words, group.spec.name))


async def _reading_now(ctx: CommandContext) -> str:
    """The title of what the group reads now: the open session's reading, else the next one."""
    group = ctx.need_group()
    storage = ctx.services.storage
    session = await storage.open_session(group.id)
    code = ctx.words.code
    if session is not None:
        return session_step_in(ctx.services, group, session, code).reading.title
    step = await coming_step(storage, group)
    return (step.reading if step is not None else group.course.readings[-1]).title_in(code)


def _zone(ctx: CommandContext) -> ZoneInfo:
    if ctx.member.timezone:
        return ZoneInfo(ctx.member.timezone)
    return ctx.need_group().zone


async def schedule(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    storage = ctx.services.storage
    state = await storage.group_state(group.id)
    zone = _zone(ctx)
    w = ctx.words
    lines = [f"**{group.spec.name}** — *{group.course.title}*"]
    dates: list[str] = []
    current = await storage.open_session(group.id)
    if current is not None:
        when = render.local_time(current.closes_at, zone, w)
        lines.append(say.open_until(w, current.number, when))
    steps = await coming_steps(storage, group, 3)
    if not steps:
        lines.append(say.finished(w, course=len(group.course.readings) > 1))
    elif state.paused:
        lines.append(say.paused(w))
    else:
        first = await plan_group(storage, group, ctx.services.clock.now())
        several = len(group.course.readings) > 1
        shown = [step.in_language(ctx.words.code) for step in steps]
        for slot, step in zip(upcoming(group, first, len(shown)), shown, strict=False):
            titles = " · ".join(s.title for s in step.sections)
            source = f" (*{step.reading.title}*)" if several else ""
            dates.append(say.slot_line(w, render.local_time(slot, zone, w), titles + source))
        if first is None:
            lines.append(say.no_date_left(w))
    note = None
    if not ctx.member.timezone:
        note = say.zone_hint(w)
    return render.reply(blocks(*lines, bullets(dates), note))


async def now(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    storage = ctx.services.storage
    session = await storage.open_session(group.id)
    if session is None:
        return render.reply(say.nothing_open(ctx.words))
    # what this session posted, by the ids it recorded: a changed config never swaps its text;
    # in the member's language where the reading has it
    w = ctx.words
    code = w.code
    sections = session_step_in(ctx.services, group, session, code).sections
    limit = max(200, ctx.services.platform(group.platform).limits.max_body_chars - 600)
    text = "\n\n".join(f"## {s.title}\n\n{prose(s.body)}" for s in sections)
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " …\n\n" + say.full_text_in_thread(w)
    prompts = await session_prompts(ctx.services, group, session, code)
    when = render.local_time(session.closes_at, _zone(ctx), w)
    return render.reply(
        blocks(
            say.session_open_until(w, session.number, when),
            text,
            "\n".join(f"{p.number}. {p.text}" for p in prompts),  # a numbered list
            say.how_to_respond(w),
        )
    )


async def respond(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    session, late = await target_session(ctx.services, group)
    if session is None:
        return render.reply(say.nothing_to_respond_to(ctx.words))
    private: bool | None = None
    public: bool | None = None
    if ctx.command.flag("public"):
        if ctx.command.flag("private"):
            return render.reply(say.private_and_public(ctx.words))
        private, public = False, True
    elif ctx.command.flag("private"):
        private, public = True, False
    elif ctx.command.flag("shared"):
        private, public = False, False
    return await record_response(
        ctx.services,
        group,
        ctx.member,
        session=session,
        late=late,
        prompt=ctx.command.number("prompt"),
        text=ctx.command.text("text") or "",
        private=private,
        public=public,
        message_id=None,
        words=ctx.words,
    )


async def _own(ctx: CommandContext) -> Session | None:
    """The session whose words a member sees and deletes: the open one, else the latest, even
    when it takes no late answers (a member can always reach their own words)."""
    session, _ = await target_session(ctx.services, ctx.need_group())
    return session or await ctx.services.storage.latest_session(ctx.need_group().id)


async def mine(ctx: CommandContext) -> Message:
    session = await _own(ctx)
    w = ctx.words
    if session is None:
        return render.reply(say.no_session_yet(w))
    rows = await ctx.services.storage.responses_of(
        session.id, await author_keys(ctx.services, ctx.member, session.id)
    )
    notes = await passages.mine_lines(ctx, session)
    if not rows and not notes:
        return render.reply(say.not_responded(w, session.number))
    lines = [say.your_responses(w, session.number)] if rows else []
    for r in rows:
        tag = f" {say.private_tag(w)}" if r.private else ""
        tag += f" {say.late_tag(w)}" if r.late else ""
        lines.append(f"**{r.prompt}.**{tag}\n{r.text}")
    lines += notes
    return render.reply("\n\n".join(lines), member_text=True)


async def delete(ctx: CommandContext) -> Message:
    session = await _own(ctx)
    prompt = ctx.command.number("prompt")
    if session is None:
        return render.reply(say.no_response_yet(ctx.words, prompt))
    if not await ctx.services.storage.delete_response(
        session.id, await author_keys(ctx.services, ctx.member, session.id), prompt
    ):
        return render.reply(say.no_response(ctx.words, prompt, session.number))
    return render.reply(say.deleted(ctx.words, prompt, session.number))


async def responses(ctx: CommandContext) -> Message:
    # after a session closes its shared answers stay readable, like the member's own
    session = await _own(ctx)
    w = ctx.words
    if session is None:
        return render.reply(say.no_session_yet(w))
    storage = ctx.services.storage
    keys = await author_keys(ctx.services, ctx.member, session.id)
    if not await storage.responses_of(session.id, keys):
        return render.reply(say.respond_first(w))
    rows = [
        (r, m)
        for r, m in await storage.session_responses(session.id)
        if not r.private and r.author_key not in keys
    ]
    if not rows:
        return render.reply(say.nobody_shared(w))
    lines = [say.shared_title(w, session.number)]
    for r, m in rows:
        author = clean_name(m.display_name) if m is not None else say.anonymous(w)
        lines.append(f"**{r.prompt}.** {author}:\n{r.text}")
    return render.reply("\n\n".join(lines), member_text=True)


async def timezone(ctx: CommandContext) -> Message:
    zone = ctx.command.text("zone")
    assert zone is not None
    await ctx.services.storage.set_timezone(ctx.member.id, zone)
    local = ctx.services.clock.now().astimezone(ZoneInfo(zone))
    return render.reply(say.zone_set(ctx.words, zone, f"{local:%H:%M}"))


async def reminders(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    on = ctx.command.text("setting") == "on"
    storage = ctx.services.storage
    await storage.join(group.id, ctx.member.id, ctx.services.clock.now())
    await storage.set_reminders(group.id, ctx.member.id, on)
    if on:
        return render.reply(say.reminders_on(ctx.words))
    return render.reply(say.reminders_off(ctx.words))


async def export_mine(ctx: CommandContext) -> Message:
    keys = await all_anonymous_keys(ctx.services, ctx.member)
    data = await ctx.services.storage.member_data(ctx.member.id, keys)
    data.update(
        await ctx.services.storage.member_annotation_data(
            ctx.member.id, await anonymous_note_keys(ctx.services, ctx.member)
        )
    )
    data["exported_at"] = ctx.services.clock.now()
    data.update(await ctx.services.storage.member_community_data(ctx.member.id))
    data = times_to_the_second(data)
    content = json.dumps(data, indent=2, ensure_ascii=False, default=_json_default).encode("utf-8")
    return Message(
        kind=MessageKind.REPLY,
        body=ctx.words.ngettext(
            "Everything Study Circle holds about you: {n} response.",
            "Everything Study Circle holds about you: {n} responses.",
            len(data["responses"]),
        ),
        attachment=Attachment(
            filename=own_export_name(ctx.member), content=content, mime_type="application/json"
        ),
        ephemeral=True,
    )


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


async def forget_me(ctx: CommandContext) -> Message:
    keys = await all_anonymous_keys(ctx.services, ctx.member)
    if ctx.command.text("confirm") != "confirm":
        data = await ctx.services.storage.member_data(ctx.member.id, keys)
        count = len(data["responses"])
        return render.reply(
            ctx.words.ngettext(
                "This deletes you from every group, with your {n} response, for good. "
                "To go ahead, send `forget-me confirm`. (`export-mine` first if you want a copy.)",
                "This deletes you from every group, with all {n} of your responses, for good. "
                "To go ahead, send `forget-me confirm`. (`export-mine` first if you want a copy.)",
                count,
            )
        )
    # notes first: an anonymous one is found by keys made from the member, who goes next
    notes = await ctx.services.storage.forget_member_annotations(
        ctx.member.id, await anonymous_note_keys(ctx.services, ctx.member)
    )
    harvested = await forget_harvested_words(ctx.services.storage, ctx.member.id, keys)
    removed = await ctx.services.storage.forget_member(ctx.member.id, keys)
    words = ctx.words
    what = words.ngettext("{n} response", "{n} responses", removed)
    if notes:
        what = words.gettext(
            "{responses} and {notes}",
            responses=what,
            notes=words.ngettext("{n} note on passages", "{n} notes on passages", notes),
        )
    if harvested:
        what = words.gettext(
            "{what}, and {lessons}",
            what=what,
            lessons=words.ngettext(
                "{n} lesson from a pack proposed but not yet approved",
                "{n} lessons from packs proposed but not yet approved",
                harvested,
            ),
        )
    return render.reply(
        words.gettext("Done: you and your {what} are gone from Study Circle.", what=what)
    )
