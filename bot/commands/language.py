"""The `language` command: a member chooses the language the bot writes to them in."""

from __future__ import annotations

from bot.commands.context import CommandContext
from bot.config.model import Group
from bot.core.i18n import SUPPORTED, Words, language_name, normalize, resolve, suggest
from bot.core.messages import Message
from bot.sessions import render
from bot.sessions.language import for_member


def _group_here(ctx: CommandContext) -> Group | None:
    """The group of the room the command was typed in, when exactly one meets there: the
    language a member without a choice of their own gets."""
    if ctx.group is not None:
        return ctx.group
    if ctx.origin.is_direct:
        return None
    here = ctx.services.config.groups_in(ctx.origin.platform, ctx.origin.room)
    return here[0] if len(here) == 1 else None


def _choices(words: Words) -> str:
    listed = ", ".join(f"`{code}` ({language_name(code)})" for code in SUPPORTED)
    return words.gettext("I can write in {languages}.", languages=listed)


async def language(ctx: CommandContext) -> Message:
    group = _group_here(ctx)
    wanted = ctx.command.text("code")
    if wanted is None:
        words = for_member(ctx.member, ctx.origin, group)
        if ctx.member.language is not None:
            why = words.gettext("you chose it")
        elif normalize(ctx.origin.locale) is not None:
            why = words.gettext("your app is set to it")
        elif group is not None:
            why = words.gettext("it is the language of {group}", group=group.spec.name)
        else:
            why = words.gettext("it is the bot's default")
        lines = [
            words.gettext("I write to you in {language} ({why}).", language=words.name, why=why),
            _choices(words),
            words.gettext(
                "Choose one with `language es`; `language default` goes back to your app's or "
                "the group's language."
            ),
        ]
        return render.reply("\n".join(lines))
    if wanted.strip().lower() == "default":
        await ctx.services.storage.set_language(ctx.member.id, None)
        words = for_member(None, ctx.origin, group)
        return render.reply(
            words.gettext(
                "Done: I follow your app's or the group's language again, {language} for now.",
                language=words.name,
            )
        )
    code = normalize(wanted)
    if code is None:
        words = ctx.words
        hint = suggest(wanted)
        sentence = (
            words.gettext(
                "I don't know the language `{code}`. Did you mean `{hint}`?",
                code=wanted[:20],
                hint=hint,
            )
            if hint
            else words.gettext("I don't know the language `{code}`.", code=wanted[:20])
        )
        return render.reply(f"{sentence} {_choices(words)}")
    await ctx.services.storage.set_language(ctx.member.id, code)
    words = resolve(code)
    return render.reply(
        words.gettext(
            "From now on I write to you in {language}. `language default` undoes it.",
            language=words.name,
        )
    )
