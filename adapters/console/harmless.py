"""Text a terminal shows but does not obey: the control characters a member could use to clear
the screen, retitle the window or move the cursor are removed from everything printed."""

from __future__ import annotations

import dataclasses
import re

from bot.core.messages import Button, Message

# C0 controls but tab and newline, DEL, C1 controls (a lone 0x9b is a CSI on some terminals),
# and the bidi overrides and isolates that make a line read differently from what it holds.
_OBEYED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` without anything a terminal would act on instead of showing."""
    return _OBEYED.sub("", text)


def printable_message(message: Message) -> Message:
    """The message with its title, body and buttons made printable (member text is in them)."""
    return dataclasses.replace(
        message,
        title=printable(message.title) if message.title is not None else None,
        body=printable(message.body),
        buttons=tuple(
            Button(label=printable(b.label), action=b.action, fallback=printable(b.fallback))
            for b in message.buttons
        ),
    )
