"""Translate a Matrix room event (its raw JSON) into the core's neutral inbound records."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.core.events import (
    CommandReceived,
    InboundEvent,
    MemberRef,
    MessageDeleted,
    MessageEdited,
    Origin,
    ReplyReceived,
)

PLATFORM = "matrix"
PREFIX = "!study"
_COMMAND = re.compile(r"^\s*!study(?:\s+|$)", re.IGNORECASE)
_TEXT_TYPES = {"m.text", "m.emote"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Where:
    """What the adapter knows about an event's room and sender, for the neutral records."""

    room: str  # the room as the config names it (an alias stays an alias)
    is_direct: bool
    display_name: str


def strip_reply_fallback(body: str) -> str:
    """Drop the `> <@someone> quoted text` lines older clients put before a reply's own text."""
    lines = body.split("\n")
    if not lines or not lines[0].startswith("> "):
        return body
    index = 0
    while index < len(lines) and lines[index].startswith(">"):
        index += 1
    if index < len(lines) and lines[index] == "":
        index += 1
    return "\n".join(lines[index:])


def parse_command(text: str) -> tuple[str, str] | None:
    """`!study NAME ARGS` -> (name, args); a bare `!study` asks for help."""
    match = _COMMAND.match(text)
    if match is None:
        return None
    rest = text[match.end() :].strip()
    if not rest:
        return "help", ""
    name, _, args = rest.partition(" ")
    if "\n" in name:  # `!study mine\nmore` : the name ends at the line break
        name, _, more = name.partition("\n")
        args = f"{more} {args}".strip() if args else more
    return name.lower(), args.strip()


def _relation(content: dict[str, Any]) -> dict[str, Any]:
    relation = content.get("m.relates_to")
    return relation if isinstance(relation, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def translate(source: dict[str, Any], where: Where) -> InboundEvent | None:
    """The neutral record for one event, or None when the core need not hear about it."""
    sender = _str(source.get("sender"))
    event_id = _str(source.get("event_id"))
    content = source.get("content")
    if sender is None or event_id is None or not isinstance(content, dict):
        return None
    member = MemberRef(platform=PLATFORM, user_id=sender, display_name=where.display_name)
    event_type = source.get("type")

    def origin(thread: str | None) -> Origin:
        return Origin(
            platform=PLATFORM,
            room=where.room,
            thread=thread,
            message_id=event_id,
            is_direct=where.is_direct,
            token=sender,  # who to answer privately, for ephemeral replies
        )

    if event_type == "m.room.redaction":
        # room v11 moved `redacts` into the content; older versions keep it at the top
        redacts = _str(content.get("redacts")) or _str(source.get("redacts"))
        if redacts is None:
            return None
        return MessageDeleted(origin=origin(None), member=member, message_id=redacts)

    if event_type != "m.room.message" or content.get("msgtype") not in _TEXT_TYPES:
        return None
    relation = _relation(content)
    rel_type = relation.get("rel_type")

    if rel_type == "m.replace":
        original = _str(relation.get("event_id"))
        new_content = content.get("m.new_content")
        if original is None or not isinstance(new_content, dict):
            return None
        text = new_content.get("body")
        if not isinstance(text, str):
            return None
        return MessageEdited(origin=origin(None), member=member, message_id=original, text=text)

    body = content.get("body")
    if not isinstance(body, str):
        return None
    thread = _str(relation.get("event_id")) if rel_type == "m.thread" else None
    in_reply_to = relation.get("m.in_reply_to")
    reply_target = _str(in_reply_to.get("event_id")) if isinstance(in_reply_to, dict) else None
    # In a thread, `is_falling_back` marks the reply as a fallback for old clients, not a choice
    if thread is not None and relation.get("is_falling_back") is True:
        reply_target = None
    text = strip_reply_fallback(body) if reply_target else body

    command = parse_command(text)
    if command is not None:
        name, args = command
        return CommandReceived(origin=origin(thread), member=member, name=name, args=args)
    target = reply_target or thread
    if target is None:
        return None  # conversation in the room, not addressed to the bot
    return ReplyReceived(origin=origin(thread), member=member, in_reply_to=target, text=text)
