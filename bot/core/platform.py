"""The one small interface between the core and a chat platform."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Protocol, Self, runtime_checkable

from bot.core.events import InboundEvent, MemberRef, Origin
from bot.core.i18n import Words
from bot.core.messages import Message, Posted
from bot.core.said import Said
from bot.core.specs import CommandSpec


class AdapterError(Exception):
    """A platform call failed in a way the adapter could not absorb (the core retries later).

    One that stops the bot from starting is told to whoever runs it: made with `saying`, it
    keeps its sentence for their language (`say`); `str()` is the English, for the log."""

    said: Said | None = None

    @classmethod
    def saying(cls, message: str, /, **values: object) -> Self:
        """The error with `message` (marked with `N_`) and its values, said where shown."""
        sentence = Said.gettext(message, **values)
        error = cls(str(sentence))
        error.said = sentence
        return error

    def say(self, words: Words) -> str:
        return self.said.say(words) if self.said is not None else str(self)


class DirectMessagesClosed(AdapterError):
    """The member does not accept direct messages from the bot."""


class RightMissing(AdapterError):
    """The platform refuses the bot for want of a right, which `right` names in the platform's
    own words (an admin grants it; retrying does not help)."""

    def __init__(self, message: str, *, right: str) -> None:
        super().__init__(message)
        self.right = right


class RemovalRefused(RightMissing):
    """The platform will not let the bot remove a message: it lacks the right `right` names."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PlatformLimits:
    """How long one message's body may be, in characters, after rendering overhead."""

    max_body_chars: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PlatformContext:
    """What the composition root tells an adapter when building it."""

    data_dir: Path
    rooms: tuple[str, ...]  # rooms/channels of the configured groups on this platform
    admins: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # room -> admin ids/roles
    # room -> the IANA zone of the group meeting there, for the times an adapter shows itself
    zones: Mapping[str, str] = field(default_factory=dict)
    # room -> the language code of the group meeting there, for the words an adapter says itself
    languages: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenPrompt:
    """A prompt of a session open in a room, and whether one member has answered it."""

    group: str
    number: int
    message_id: str | None  # the prompt's post, which a reply answers; None until it is sent
    answered: bool


class CoreHandle(Protocol):
    """What an adapter may call on the core."""

    commands: tuple[CommandSpec, ...]

    async def handle(self, event: InboundEvent) -> None:
        """Deliver one inbound event; the core answers through the platform's `reply`."""

    async def current_prompts(self, platform: str, room: str) -> list[tuple[int, str]]:
        """The open session's prompts in a room as (number, text), for autocomplete."""

    async def open_prompts(
        self, member: MemberRef, platform: str, room: str
    ) -> tuple[OpenPrompt, ...]:
        """The prompts of the sessions open in a room, in order, each marked answered when
        `member` has a response to it (anonymous ones included)."""

    async def passage_choices(
        self, platform: str, room: str, typed: str, *, width: int = 100
    ) -> list[tuple[str, str]]:
        """Sentences of the open session's text matching what has been typed, as (value,
        label) for autocomplete: the value (`#N`) names the sentence, the label fits `width`."""


class Platform(Protocol):
    """What the core needs from a platform. Every send takes an idempotency `key`:
    the same key sent twice must produce one message where the platform allows it."""

    name: str
    limits: PlatformLimits

    async def start(self, core: CoreHandle) -> None:
        """Connect and start delivering inbound events to `core.handle`. Returns once connected."""

    async def stop(self) -> None:
        """Disconnect. Idempotent; every teardown step runs even if one fails."""

    async def post(
        self, room: str, message: Message, *, key: str, thread: str | None = None
    ) -> Posted:
        """Post in a room, or in a thread of that room."""

    async def open_thread(self, room: str, root: Posted, title: str, *, key: str) -> str:
        """Open a thread on `root` and return its id (platforms without threads return root's id)."""

    async def send_direct(self, member: MemberRef, message: Message, *, key: str) -> Posted:
        """Send a direct message. Raises DirectMessagesClosed when the member cannot get one."""

    async def reply(self, origin: Origin, message: Message) -> None:
        """Answer an inbound event where it happened (ephemerally when `message.ephemeral`)."""

    async def is_admin(self, member: MemberRef, room: str) -> bool:
        """The platform's own judgement of `member`'s rights over the group meeting in `room`:
        their power level in that room, their permissions in that channel's guild. Never the
        rights they hold where a command was typed. The core adds the group's `admins` list."""


@runtime_checkable
class RoomsAware(Protocol):
    """A platform that joins the rooms it serves (Matrix), told when a reload changes them."""

    async def update_rooms(
        self, rooms: tuple[str, ...], admins: Mapping[str, tuple[str, ...]]
    ) -> None: ...


@runtime_checkable
class Sharded(Protocol):
    """A platform of which one process may run only a part (Discord's shards): the core claims
    only the due actions of groups this process `serves`."""

    @property
    def shard_ids(self) -> tuple[int, ...] | None:
        """The shards this process runs; None when it runs them all."""
        ...

    def serves(self, room: str, server: int | None) -> bool:
        """Whether this process delivers to `room`, on the server (guild) the config names."""
        ...


@runtime_checkable
class Erasing(Protocol):
    """A platform on which the bot can take messages away again (Matrix redacts, Discord
    deletes), for discussions that expire. Removing what is already gone is no error."""

    async def remove_message(
        self, room: str, message_id: str, *, thread: str | None, own: bool, reason: str, key: str
    ) -> bool:
        """Remove one message (`own`: the bot's, else a member's); True if it was removed now,
        False if it was gone already. Raises RemovalRefused when the bot lacks the right.
        The same `key` twice removes once where the platform allows it."""
        ...

    async def remove_thread(self, room: str, thread: str, *, key: str) -> bool:
        """Remove a thread the bot opened, where a thread is a thing of its own (a Discord
        thread channel); False where there is nothing left to remove (Matrix threads are
        their messages). Raises RemovalRefused like `remove_message`."""
        ...


@runtime_checkable
class ThreadListing(Protocol):
    """A platform that can list what a thread holds (Matrix relations), so that an expiring
    discussion takes along what the core never heard of (its own answers in the thread)."""

    async def thread_messages(self, room: str, thread: str) -> tuple[tuple[str, bool], ...]:
        """(message id, posted by the bot) for each message still in the thread."""
        ...


@runtime_checkable
class RetentionAware(Protocol):
    """A platform whose rooms can ask the server itself to forget old messages (Matrix
    `m.room.retention`)."""

    async def set_retention(self, room: str, lifetime: timedelta) -> bool:
        """Ask the room's server to keep messages at most `lifetime`; False when the bot may not
        set it (or it is set so already)."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedEvent:
    """A session as the platform's own calendar shows it."""

    title: str
    description: str
    start: datetime
    end: datetime


@runtime_checkable
class ScheduledEvents(Protocol):
    """A platform with a calendar of its own in the room's server (Discord's Events tab)."""

    async def put_event(self, room: str, event: PlannedEvent, *, event_id: str | None) -> str:
        """Create the event (or adopt the one the bot created before with the same title and
        start, after a crash), or bring `event_id` up to date; returns the event's id. Raises
        RightMissing when the bot may not manage the server's events."""
        ...

    async def cancel_event(self, room: str, event_id: str) -> bool:
        """Cancel an event; False when it is gone already. Raises RightMissing."""
        ...


@runtime_checkable
class MemberNames(Protocol):
    """A platform that can show a member by its own means where the core keeps no name
    (`privacy: minimal`): Discord's mention (shown as the name, pinging nobody), Matrix's
    display name read from the room at send time. Without it the core shows the platform id."""

    async def shown_name(self, room: str, user_id: str) -> str:
        """How `user_id` appears in a message to `room`, looked up now and kept nowhere."""
        ...


DEFAULT_PREFIX = "/study"


@runtime_checkable
class CommandSyntax(Protocol):
    """How members type a command on a platform, for help texts and hints."""

    def command_prefix(self, spec: CommandSpec) -> str:
        """What comes before the command's name: `/study`, `!study`, `/study-admin`..."""
        ...


def command_prefix(platform: object, spec: CommandSpec) -> str:
    """The prefix members type before `spec` on `platform` (`/study` where it does not say)."""
    if isinstance(platform, CommandSyntax):
        return platform.command_prefix(spec)
    return DEFAULT_PREFIX


class Change(StrEnum):
    """What a member did to a message of theirs that the bot had taken as a response."""

    EDITED = "edited"
    DELETED = "deleted"


@runtime_checkable
class Acknowledging(Protocol):
    """A platform that can say quietly, without a message, that the bot took a change."""

    async def acknowledge(self, origin: Origin, target: str, change: Change) -> None:
        """A quiet sign (a reaction) that `target`'s change was taken; `origin` is where the
        change came from (for a deletion, `target` is the removed message)."""
        ...


@runtime_checkable
class Terminal(Protocol):
    """A platform that is a terminal (the console): input that can end, and a screen."""

    interactive: bool  # a person at a terminal, rather than piped lines
    input_finished: asyncio.Event  # set once the input has ended
    # where lines are read from instead of standard input, when set before `start` (the demo)
    feed: asyncio.Queue[str | None] | None

    def say(self, text: str) -> None:
        """Show a line of the bot's own (not a member's words) on the screen."""
        ...

    def warn(self, line: str) -> None:
        """Show a log line, printed literally, above the prompt."""
        ...
