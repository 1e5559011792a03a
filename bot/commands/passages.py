"""Commands about passages: quote a sentence and comment on it, see the most-discussed ones,
change or delete one's own notes."""

from __future__ import annotations

from bot.commands.context import CommandContext
from bot.core.messages import Message
from bot.core.text import clean_name, quote
from bot.sessions import passage_words as say
from bot.sessions import render
from bot.sessions.passages import Quote, keys_in, most_discussed, record_quote
from bot.sessions.responses import author_keys, target_session
from bot.storage import Session


async def quote_(ctx: CommandContext) -> Message:
    group = ctx.need_group()
    session, late = await target_session(ctx.services, group)
    if session is None:
        return render.reply(say.no_session(ctx.words))
    private: bool | None = None
    if ctx.command.flag("private"):
        private = True
    elif ctx.command.flag("shared"):
        private = False
    return await record_quote(
        ctx.services,
        group,
        ctx.member,
        session=session,
        late=late,
        quote=Quote(
            words=ctx.command.text("passage") or "",
            comment=ctx.command.text("text") or "",
            private=private,
            source_message_id=ctx.origin.message_id,
        ),
        words=ctx.words,
    )


async def _session(ctx: CommandContext) -> Session | None:
    session, _ = await target_session(ctx.services, ctx.need_group())
    if session is None:
        session = await ctx.services.storage.latest_session(ctx.need_group().id)
    return session


async def passages(ctx: CommandContext) -> Message:
    session = await _session(ctx)
    w = ctx.words
    if session is None:
        return render.reply(say.no_session_yet(w))
    services = ctx.services
    ranked = await most_discussed(services, session)
    if not ranked:
        return render.reply(say.passages_none(w, session.number))
    mine = keys_in(services, ctx.member, session.id)
    revealed = bool(await services.storage.annotations_of(session.id, mine)) or bool(
        await services.storage.responses_of(
            session.id, await author_keys(services, ctx.member, session.id)
        )
    )
    lines = [say.passages_title(w, session.number)]
    for place, discussed in enumerate(ranked, start=1):
        counts = say.count_line(w, len(discussed.notes), discussed.replies)
        lines.append(f"**{place}.** “{quote(discussed.text, 160)}” — {counts}")
        if not revealed:
            continue
        others = [(n, m) for n, m in discussed.notes if n.author_key not in mine]
        for note, author in others[:2]:
            who = clean_name(author.display_name) if author is not None else say.anonymous(w)
            lines.append(f"> {quote(note.text, 200)}\n> — {who}")
    if not revealed:
        lines.append(say.passages_hidden(w))
    return render.reply("\n\n".join(lines), member_text=True)


async def mine_lines(ctx: CommandContext, session: Session) -> list[str]:
    """The member's own notes in a session, for `mine`."""
    notes = await ctx.services.storage.annotations_of(
        session.id, keys_in(ctx.services, ctx.member, session.id)
    )
    if not notes:
        return []
    w = ctx.words
    lines = [say.mine_title(w, session.number)]
    for note in notes:
        tags = f" {say.private_tag(w)}" if note.private else ""
        tags += f" {say.orphaned_tag(w)}" if note.orphaned else ""
        lines.append(say.note_line(w, note.id, tags, note.exact, note.text))
    return lines


async def quote_edit(ctx: CommandContext) -> Message:
    number = ctx.command.number("note")
    text = (ctx.command.text("text") or "").strip()
    limit = ctx.services.config.spec.max_response_chars
    w = ctx.words
    if not text:
        return render.reply(say.empty_comment(w))
    if len(text) > limit:
        return render.reply(say.too_long(w, len(text), limit))
    storage = ctx.services.storage
    note = await storage.annotation(number)
    if note is None or not await storage.edit_annotation(
        number, keys_in(ctx.services, ctx.member, note.session_id), text, ctx.services.clock.now()
    ):
        return render.reply(say.not_yours(w, number))
    return render.reply(say.edited(w, number))


async def quote_delete(ctx: CommandContext) -> Message:
    number = ctx.command.number("note")
    storage = ctx.services.storage
    note = await storage.annotation(number)
    if note is None or not await storage.delete_annotation(
        number, keys_in(ctx.services, ctx.member, note.session_id)
    ):
        return render.reply(say.not_yours(ctx.words, number))
    return render.reply(say.deleted(ctx.words, number))
