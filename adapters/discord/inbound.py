"""Member messages in the groups' channels and threads, translated into the core's events."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.core.events import InboundEvent, MessageDeleted, MessageEdited, Origin, ReplyReceived
from bot.core.platform import CoreHandle

from .people import PLATFORM, Places, member_ref

log = logging.getLogger(__name__)

AUTHOR_TOKEN = "author:"  # Origin.token of a member's message: who wrote it, for private answers


class Inbound:
    """Replies to the bot's posts become ReplyReceived; their edits and deletions follow."""

    def __init__(
        self,
        *,
        places: Places,
        bot_id: Callable[[], int | None],
        channel_of: Callable[[int], object],
        fetch_channel: Callable[[int], Awaitable[Any]],
        deleted_by_us: Callable[[int], bool] = lambda message_id: False,
    ) -> None:
        self.core: CoreHandle | None = None
        self._places = places
        self._bot_id = bot_id
        self._channel_of = channel_of
        self._fetch_channel = fetch_channel
        self._deleted_by_us = deleted_by_us

    async def _deliver(self, event: InboundEvent) -> None:
        if self.core is None:
            log.info("dropped a %s that arrived before the core was attached", type(event).__name__)
            return
        await self.core.handle(event)

    async def _where(self, channel_id: int, channel: Any) -> tuple[str, str | None]:
        """(room, thread) of a channel, asking Discord once about a channel not in the cache."""
        if self._places.unknown(channel_id, channel):
            try:
                channel = await self._fetch_channel(channel_id)
            except Exception:
                log.debug("could not look up channel %s", channel_id, exc_info=True)
            else:
                self._places.learn(channel_id, channel)
        return self._places.locate(channel_id, channel)

    def _origin(self, message: discord.Message, room: str, thread: str | None) -> Origin:
        return Origin(
            platform=PLATFORM,
            room=room,
            thread=thread,
            message_id=str(message.id),
            is_direct=message.guild is None,
            token=f"{AUTHOR_TOKEN}{message.author.id}",
        )

    def _is_members(self, message: discord.Message) -> bool:
        author = message.author
        return not author.bot and message.webhook_id is None and author.id != self._bot_id()

    async def on_message(self, message: discord.Message) -> None:
        reference = message.reference
        if reference is None or reference.message_id is None or not self._is_members(message):
            return
        if message.type not in (discord.MessageType.reply, discord.MessageType.default):
            return
        resolved = reference.resolved
        if isinstance(resolved, discord.Message) and resolved.author.id != self._bot_id():
            return  # a conversation between members, not an answer to the bot
        room, thread = await self._where(message.channel.id, message.channel)
        if not self._places.watches(room):
            return
        await self._deliver(
            ReplyReceived(
                origin=self._origin(message, room, thread),
                member=member_ref(message.author),
                in_reply_to=str(reference.message_id),
                text=message.content,
            )
        )

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        message = payload.message
        if "content" not in payload.data or not self._is_members(message):
            return
        room, thread = await self._where(payload.channel_id, message.channel)
        if not self._places.watches(room):
            return
        await self._deliver(
            MessageEdited(
                origin=self._origin(message, room, thread),
                member=member_ref(message.author),
                message_id=str(message.id),
                text=message.content,
            )
        )

    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        author = payload.cached_message.author if payload.cached_message else None
        await self._deleted(payload.channel_id, payload.guild_id, [payload.message_id], author)

    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        ids = sorted(payload.message_ids)
        await self._deleted(payload.channel_id, payload.guild_id, ids, None)

    async def _deleted(
        self,
        channel_id: int,
        guild_id: int | None,
        ids: list[int],
        author: discord.abc.User | None,
    ) -> None:
        room, thread = await self._where(channel_id, self._channel_of(channel_id))
        if not self._places.watches(room):
            return
        if author is not None and (author.bot or author.id == self._bot_id()):
            return
        for message_id in ids:
            if self._deleted_by_us(message_id):
                continue  # an expired discussion going, not a member taking back a response
            origin = Origin(
                platform=PLATFORM,
                room=room,
                thread=thread,
                message_id=str(message_id),
                is_direct=guild_id is None,
            )
            await self._deliver(
                MessageDeleted(
                    origin=origin,
                    member=member_ref(author) if author is not None else None,
                    message_id=str(message_id),
                )
            )
