"""What arrives from a platform, translated by its adapter into neutral frozen records."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberRef:
    """A person on one platform. `user_id` is the platform's stable id for them."""

    platform: str
    user_id: str
    display_name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Origin:
    """Where an inbound event happened, enough for the adapter to answer there.

    `room` is the platform's room or channel id (the console uses "console"); `thread`
    is the thread the event was in, if any; `message_id` is the event's own message id;
    `is_direct` is true for a direct-message conversation with the bot. `token` is opaque
    adapter data (an interaction token, say) carried back untouched in replies. `locale` is
    the language the member's client is set to, where the platform tells (Discord's
    `interaction.locale`, "es-ES"); it is used only when the member chose no language.

    An origin says nothing about rights: a room where a command is typed (a DM the member
    controls, say) is no authority on a group. Admin rights come from the group's own room,
    through `Platform.is_admin`.
    """

    platform: str
    room: str
    thread: str | None = None
    message_id: str | None = None
    is_direct: bool = False
    token: str | None = None
    locale: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandReceived:
    """`/study NAME ARGS` (or `!study NAME ARGS` on Matrix). `args` is the raw rest of the line."""

    origin: Origin
    member: MemberRef
    name: str
    args: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplyReceived:
    """A plain message that replies to one of the bot's posts (a prompt, usually)."""

    origin: Origin
    member: MemberRef
    in_reply_to: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageEdited:
    """A member edited an earlier message of theirs; `message_id` is the original's id."""

    origin: Origin
    member: MemberRef
    message_id: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageDeleted:
    """A member's message was deleted or redacted; `message_id` is its id."""

    origin: Origin
    member: MemberRef | None
    message_id: str


InboundEvent = CommandReceived | ReplyReceived | MessageEdited | MessageDeleted
