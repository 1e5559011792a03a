"""How the bot's messages look in a terminal: rich panels of the core's Markdown, with each
line break kept and every command hint written as it is typed here (`/study respond ...`)."""

from __future__ import annotations

from collections.abc import Iterable

from markdown_it.token import Token
from rich.console import Console, Group
from rich.markdown import Markdown
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from adapters.console.words import kind_title, reply_to
from bot.commands.hints import Prefix, typed_command, typed_message
from bot.core.i18n import ENGLISH, Words
from bot.core.messages import Message, MessageKind

STYLES = {
    MessageKind.SECTION: "cyan",
    MessageKind.PROMPT: "magenta",
    MessageKind.REMINDER: "yellow",
    MessageKind.SUMMARY: "green",
    MessageKind.NOTICE: "blue",
    MessageKind.NUDGE: "yellow",
    MessageKind.REPLY: "white",
}


class _Markdown(Markdown):
    """Rich's Markdown, but a line break in a paragraph stays a line break (the core's lines,
    and members' own), as on Matrix and Discord; rich would join the lines with a space."""

    def __init__(self, markup: str) -> None:
        super().__init__(markup)
        _hard_breaks(self.parsed)


def _hard_breaks(tokens: Iterable[Token]) -> None:
    for token in tokens:
        if token.type == "softbreak":
            token.type = "hardbreak"
        if token.children:
            _hard_breaks(token.children)


def markdown(message: Message, prefix: Prefix) -> Markdown:
    """The rich renderable of a message's Markdown, commands given the console's prefix."""
    return _Markdown(typed_message(message, prefix))


def show_post(
    console: Console,
    message: Message,
    *,
    where: str,
    stamp: str,
    prefix: Prefix,
    words: Words = ENGLISH,
) -> None:
    """A post in the room (or a thread of it), boxed, with its kind's colour."""
    title = message.title or kind_title(words, message.kind)
    if message.parts > 1:
        title += f" ({message.part}/{message.parts})"
    subtitle = f"{where} · {stamp}"
    body = markdown(message, prefix)
    footer: list[Text] = []
    for button in message.buttons:
        hint = typed_command(button.fallback, prefix)
        footer.append(Text(f"[{button.label}] → {hint}", style="dim"))
    console.print(
        Panel(
            Group(body, *footer) if footer else body,
            title=escape(title),
            subtitle=escape(subtitle),
            border_style=STYLES.get(message.kind, "white"),
            title_align="left",
            subtitle_align="right",
        )
    )


def show_reply(
    console: Console, message: Message, *, to: str, prefix: Prefix, words: Words = ENGLISH
) -> None:
    """The bot's answer to a command: indented, quieter than a post."""
    console.print(Text(reply_to(words, to), style="bold dim"))
    console.print(markdown(message, prefix), style="dim" if message.ephemeral else "")
