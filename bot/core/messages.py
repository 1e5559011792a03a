"""What leaves the core: a neutral message that each adapter renders in its platform's way."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.events import MemberRef


class MessageKind(StrEnum):
    SECTION = "section"
    PROMPT = "prompt"
    REMINDER = "reminder"
    SUMMARY = "summary"
    NOTICE = "notice"
    REPLY = "reply"
    NUDGE = "nudge"


@dataclass(frozen=True, slots=True, kw_only=True)
class Button:
    """A button a platform may render (Discord components); others show `fallback` text."""

    label: str
    action: str  # e.g. "respond:3" -- the adapter turns a press into a core command
    fallback: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Attachment:
    filename: str
    content: bytes = field(repr=False)
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True, slots=True, kw_only=True)
class Message:
    """One message. `body` is Markdown written by the core.

    `member_text` is true when the body echoes text written by members (responses,
    quotes, names): adapters must then disable mentions and escape or sanitize it.
    `prompt_number` is set on prompt posts. `part`/`parts` number the pieces of a split
    section. `ephemeral` asks for a reply only the asker sees, where the platform can.
    """

    kind: MessageKind
    body: str
    title: str | None = None
    member_text: bool = False
    prompt_number: int | None = None
    part: int = 1
    parts: int = 1
    buttons: tuple[Button, ...] = ()
    attachment: Attachment | None = None
    ephemeral: bool = False
    # Members this message deliberately notifies (pairs, a nudge whose DM failed). Their
    # names are in the body; an adapter may ping exactly these and nobody else.
    mentions: tuple[MemberRef, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Posted:
    """What a platform gives back for a sent message: its id, and the room/thread it is in."""

    message_id: str
    room: str
    thread: str | None = None
