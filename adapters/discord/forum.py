"""Groups whose channel is a forum: one forum post per session, its section in the starter
message, the prompts as the first replies, the forum's "open"/"closed" tags (and one naming the
reading) when it has them. The room's other posts (reminders, notices, the summary) go into the
latest session's post, since a forum takes no messages of its own."""

from __future__ import annotations

import logging
from typing import Any, Literal

import discord

from bot.core.messages import Message, MessageKind, Posted
from bot.core.platform import AdapterError

from .components import view_for
from .render import render
from .sending import NO_MENTIONS, send_message

log = logging.getLogger(__name__)

OPEN, CLOSED = "open", "closed"
ARCHIVE_MINUTES: Literal[10080] = 10080
NAME_MAX = 100
NOTICES = "Study Circle"  # the post for what comes before the first session (reminders)


def _tag(forum: discord.ForumChannel, name: str) -> discord.ForumTag | None:
    return next((t for t in forum.available_tags if t.name.casefold() == name), None)


def _reading_tags(forum: discord.ForumChannel, message: Message) -> list[discord.ForumTag]:
    """Tags naming the reading: the section's first line names it."""
    first = message.body.split("\n", 1)[0].casefold()
    return [t for t in forum.available_tags if t.name.casefold() not in (OPEN, CLOSED)
            and t.name.casefold() in first]  # fmt: skip


class Forums:
    """Where a forum group's messages go, and the tags of its posts."""

    def __init__(self, bot_id: Any) -> None:
        self._bot_id = bot_id
        self._latest: dict[int, discord.Thread] = {}  # forum -> the newest session post

    async def post(
        self, forum: discord.ForumChannel, room: str, message: Message, *, key: str
    ) -> Posted:
        if message.kind is MessageKind.SECTION and message.part == 1:
            thread = await self._new_post(forum, message)
            # the starter message carried the first piece; the rest follow it, each with its
            # nonce, so a post found again after a crash gets what it lacked, once
            await send_message(thread, message, key=key, start=2)
            return Posted(message_id=str(thread.id), room=room, thread=str(thread.id))
        latest = await self._latest_post(forum)
        if latest is None:  # before the first session: one standing post for the notices
            thread = await self._new_post(forum, message, name=NOTICES)
            await send_message(thread, message, key=key, start=2)
            return Posted(message_id=str(thread.id), room=room, thread=str(thread.id))
        thread = latest
        sent = await send_message(thread, message, key=key)
        if message.kind is MessageKind.SUMMARY and (message.title or "").endswith("summary"):
            await self._retag(forum, thread, closed=True)
        return Posted(message_id=str(sent[0].id), room=room, thread=str(thread.id))

    async def _new_post(
        self, forum: discord.ForumChannel, message: Message, name: str | None = None
    ) -> discord.Thread:
        """The session's post: made now, or found made before a crash (by its name)."""
        name = (name or message.title or NOTICES)[:NAME_MAX]
        found = await self._bot_post_named(forum, name)
        if found is not None:
            self._latest[forum.id] = found
            return found
        piece = render(message)[0]
        tags: list[discord.ForumTag] = []
        if message.kind is MessageKind.SECTION:
            tags = [t for t in (_tag(forum, OPEN),) if t is not None] + _reading_tags(
                forum, message
            )
        options: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
        if piece.content:
            options["content"] = piece.content
        if piece.embeds:
            options["embeds"] = piece.embeds
        view = view_for(message.buttons, message.prompt_number)
        if view is not None and len(render(message)) == 1:
            options["view"] = view
        try:
            create: Any = forum.create_thread  # keyword options chosen per piece
            made: discord.channel.ThreadWithMessage = await create(
                name=name, auto_archive_duration=ARCHIVE_MINUTES, applied_tags=tags[:5], **options
            )
        except discord.HTTPException as exc:
            raise AdapterError(f"creating a forum post failed: {exc.status} {exc.code}") from exc
        self._latest[forum.id] = made.thread
        return made.thread

    async def _bot_post_named(
        self, forum: discord.ForumChannel, name: str
    ) -> discord.Thread | None:
        bot = self._bot_id()
        try:
            threads = await forum.guild.active_threads()
        except discord.HTTPException:
            threads = list(forum.threads)
        for thread in threads:
            if thread.parent_id == forum.id and thread.owner_id == bot and thread.name == name:
                return thread
        return None

    async def _latest_post(self, forum: discord.ForumChannel) -> discord.Thread | None:
        if forum.id in self._latest:
            return self._latest[forum.id]
        bot = self._bot_id()
        try:
            threads = await forum.guild.active_threads()
        except discord.HTTPException:
            threads = list(forum.threads)
        ours = [t for t in threads if t.parent_id == forum.id and t.owner_id == bot]
        if not ours:
            return None
        latest = max(ours, key=lambda t: t.id)
        self._latest[forum.id] = latest
        return latest

    async def _retag(
        self, forum: discord.ForumChannel, thread: discord.Thread, *, closed: bool
    ) -> None:
        """Swap the post's open tag for the closed one, where the forum has them."""
        keep = [t for t in thread.applied_tags if t.name.casefold() not in (OPEN, CLOSED)]
        wanted = _tag(forum, CLOSED if closed else OPEN)
        if wanted is None and len(keep) == len(thread.applied_tags):
            return
        tags = keep + ([wanted] if wanted is not None else [])
        try:
            await thread.edit(applied_tags=tags[:5])
        except discord.HTTPException:
            log.info("could not retag forum post %s", thread.id)
