"""How the bot's messages look in a terminal."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markdown import Markdown
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from adapters.console.words import kind_title, reply_to
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


def show_post(
    console: Console, message: Message, *, where: str, stamp: str, words: Words = ENGLISH
) -> None:
    """A post in the room (or a thread of it), boxed, with its kind's colour."""
    title = message.title or kind_title(words, message.kind)
    if message.parts > 1:
        title += f" ({message.part}/{message.parts})"
    subtitle = f"{where} · {stamp}"
    body = Markdown(message.body)
    footer: list[Text] = []
    for button in message.buttons:
        footer.append(Text(f"[{button.label}] → {button.fallback}", style="dim"))
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


def show_reply(console: Console, message: Message, *, to: str, words: Words = ENGLISH) -> None:
    """The bot's answer to a command: indented, quieter than a post."""
    console.print(Text(reply_to(words, to), style="bold dim"))
    console.print(Markdown(message.body), style="dim" if message.ephemeral else "")
