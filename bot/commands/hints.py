"""Command hints written as a member types them on their platform.

The core names a command in its messages as inline code without any prefix
(`respond 1 your answer`, `help`), since one message may be read on any platform. Each
adapter renders a message through `typed`, with its own `CommandSyntax.command_prefix`, so
the member reads `!study respond 1 your answer` on Matrix and `/study respond ...` on Discord
and the console. Inline code that does not start with a command's name is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.commands.spec import BY_NAME, CommandSpec
from bot.core.messages import Message, MessageKind

# one inline code span on one line (a fenced block's ``` never matches: it has no content)
_CODE = re.compile(r"(?<![`\\])`([^`\n]+)`(?!`)")

Prefix = Callable[[CommandSpec], str]


def command_of(text: str) -> CommandSpec | None:
    """The command a hint starts with (`respond 2 ...` -> respond), or None."""
    first = text.strip().split(" ", 1)[0].lower()
    return BY_NAME.get(first)


def typed_command(text: str, prefix: Prefix) -> str:
    """One hint as typed: `respond 2 ...` -> `!study respond 2 ...`; other text unchanged."""
    spec = command_of(text)
    return f"{prefix(spec)} {text.strip()}" if spec is not None else text


def typed(markdown: str, prefix: Prefix) -> str:
    """`markdown` with every command hint in inline code given the platform's prefix.

    Quoted lines (a member's words in a summary, a digest, a passage) and fenced code are
    left as they were written: the hints are the core's own sentences."""

    def one(match: re.Match[str]) -> str:
        return f"`{typed_command(match.group(1), prefix)}`"

    lines = markdown.split("\n")
    fenced = False
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and not stripped.startswith(">"):
            lines[i] = _CODE.sub(one, line)
    return "\n".join(lines)


def typed_message(message: Message, prefix: Prefix) -> str:
    """A message's body with its hints typed; a section's body is the reading's own text."""
    if message.kind is MessageKind.SECTION:
        return message.body
    return typed(message.body, prefix)
