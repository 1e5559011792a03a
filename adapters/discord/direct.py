"""Direct messages: reminders to opted-in members, private answers, and the one-time
channel mention for a member whose direct messages are closed."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import discord

from bot.core.events import Origin
from bot.core.messages import Message, MessageKind, Posted
from bot.core.platform import AdapterError, DirectMessagesClosed

from .sending import send_message
from .translator import words_for

log = logging.getLogger(__name__)


class DirectMessages:
    """Sends DMs; remembers (in a small file) whom it has already mentioned instead."""

    def __init__(
        self, *, client: Callable[[], discord.Client], rooms: Iterable[str], data_dir: Path
    ) -> None:
        self._client = client
        self._rooms = tuple(rooms)
        self._file = data_dir / "discord-dm-fallback.json"
        self._notified: set[str] | None = None

    async def send(self, user_id: int, message: Message, *, key: str) -> Posted:
        """DM a member. If their DMs are closed, mention them once in their group's channel,
        then raise DirectMessagesClosed so the core knows the DM did not arrive."""
        client = self._client()
        try:
            user = client.get_user(user_id) or await client.fetch_user(user_id)
            channel = user.dm_channel or await user.create_dm()
            sent = await send_message(channel, message, key=key)
        except DirectMessagesClosed:
            await self._mention_once_instead(user_id, message, key=key)
            raise
        except discord.HTTPException as exc:
            raise AdapterError(f"direct message failed: {exc.status}") from exc
        return Posted(message_id=str(sent[0].id), room=str(channel.id))

    async def answer_privately(
        self, user_id: int, channel: Any, origin: Origin, message: Message
    ) -> Message | None:
        """Send a private answer by DM; returns what to say in the channel instead, if any."""
        client = self._client()
        try:
            user = client.get_user(user_id) or await client.fetch_user(user_id)
            dm = user.dm_channel or await user.create_dm()
            await send_message(dm, message, key=None)
        except (DirectMessagesClosed, AdapterError, discord.HTTPException):
            words = words_for(origin.locale)
            return Message(
                kind=MessageKind.REPLY,
                body=words.gettext(
                    "I could not send you that privately (are your direct messages closed?). "
                    "Use `/study mine` to see it only you can read."
                ),
            )
        if origin.message_id is not None:
            try:
                await channel.get_partial_message(int(origin.message_id)).add_reaction("✉️")
            except discord.HTTPException:
                log.info("could not react to message %s", origin.message_id)
        return None

    async def _mention_once_instead(self, user_id: int, message: Message, *, key: str) -> None:
        """Tell a member whose DMs are closed, once ever, in their group's channel."""
        notified = self._load()
        if str(user_id) in notified:
            return
        client = self._client()
        for room in self._rooms:
            channel = client.get_channel(int(room))
            if not isinstance(channel, discord.TextChannel):
                continue
            if channel.guild.get_member(user_id) is None:
                try:
                    await channel.guild.fetch_member(user_id)
                except discord.HTTPException:
                    continue  # not a member of this server
            prefix = (
                f"<@{user_id}> I could not send you this by direct message. Allow direct "
                "messages from this server's members to get reminders there, or stop them "
                "with `/study reminders off`. (I will not mention you like this again.)"
            )
            try:
                await send_message(
                    channel,
                    message,
                    key=f"{key}:dm-fallback",
                    mentions=discord.AllowedMentions(
                        everyone=False,
                        roles=False,
                        replied_user=False,
                        users=[discord.Object(id=user_id)],
                    ),
                    prefix=prefix,
                )
            except (discord.HTTPException, AdapterError):
                log.warning("could not mention member %s in channel %s", user_id, room)
                continue
            notified.add(str(user_id))
            self._save(notified)
            return

    def _load(self) -> set[str]:
        if self._notified is None:
            try:
                self._notified = set(json.loads(self._file.read_text()))
            except FileNotFoundError:
                self._notified = set()
            except (OSError, ValueError):
                log.warning("unreadable %s; starting afresh", self._file)
                self._notified = set()
        return self._notified

    def _save(self, notified: set[str]) -> None:
        try:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            temporary = self._file.with_suffix(".tmp")
            temporary.write_text(json.dumps(sorted(notified)))
            temporary.replace(self._file)
        except OSError:
            log.warning("could not record DM fallbacks in %s", self._file)
