"""`DiscordPlatform`: the core's `Platform` protocol implemented on discord.py."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
from typing import Any, Literal

import discord

from bot.events import MemberRef, Origin
from bot.messages import Message, MessageKind, Posted
from bot.platform import (
    AdapterError,
    CoreHandle,
    DirectMessagesClosed,
    Platform,
    PlatformContext,
    PlatformLimits,
)
from bot.platform_settings import DiscordSettings

from .client import StudyClient, keep_secrets_out_of_logs, point_at
from .components import view_for
from .desk import NO_MENTIONS, InteractionDesk
from .inbound import AUTHOR_TOKEN, Inbound
from .people import PLATFORM, AdminJudge, Places
from .render import BODY_PER_MESSAGE, render

log = logging.getLogger(__name__)

NONCE_MAX = 25  # Discord accepts a nonce string of at most 25 characters
THREAD_ALREADY_EXISTS = 160004
CANNOT_DM_USER = 50007
THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080  # a week: sessions stay open for days


def nonce_for(key: str, part: int = 1) -> str:
    """A deterministic nonce for the core's idempotency key (and part of a split message)."""
    return hashlib.sha256(f"{key}#{part}".encode()).hexdigest()[:NONCE_MAX]


class DiscordPlatform:
    """Study Circle on Discord. Built by the core as `DiscordPlatform(settings, context)`."""

    name = PLATFORM
    limits = PlatformLimits(max_body_chars=BODY_PER_MESSAGE)

    def __init__(self, settings: DiscordSettings, context: PlatformContext) -> None:
        self._settings = settings
        self._context = context
        self._places = Places(context.rooms)
        self._judge = AdminJudge(settings.admin_roles, context.admins)
        self._desk = InteractionDesk(
            places=self._places, judge=self._judge, defer_after=settings.defer_after
        )
        self._inbound = Inbound(
            places=self._places,
            judge=self._judge,
            bot_id=self._bot_id,
            channel_of=self._cached_channel,
            fetch_channel=self._fetch_channel,
        )
        self._client: StudyClient | None = None
        self._connection: asyncio.Task[None] | None = None
        self._dm_fallback_file = context.data_dir / "discord-dm-fallback.json"
        self._dm_fallback_sent: set[str] | None = None

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self, core: CoreHandle) -> None:
        token = os.environ.get(self._settings.token_env, "").strip()
        if not token:
            raise AdapterError(
                f"no Discord bot token: set the environment variable {self._settings.token_env}"
            )
        point_at(self._settings.api_base, self._settings.gateway_url)
        keep_secrets_out_of_logs()
        self._desk.core = core
        self._inbound.core = core
        client = StudyClient(
            desk=self._desk,
            inbound=self._inbound,
            specs=lambda: core.commands,
            guilds=self._settings.guilds,
            guild_ready_timeout=self._settings.guild_ready_timeout,
        )
        self._client = client
        try:
            await client.login(token)  # runs setup_hook: commands are synced per guild here
        except discord.LoginFailure as exc:
            await self.stop()
            raise AdapterError("Discord refused the bot token") from exc
        except (discord.HTTPException, OSError) as exc:
            await self.stop()
            raise AdapterError(f"could not log in to Discord: {exc}") from exc
        if self._settings.sync_global:
            try:
                await client.sync_everywhere()
            except discord.HTTPException as exc:
                log.error("could not sync /study globally: %s", exc.status)
        self._connection = asyncio.create_task(client.connect(reconnect=True), name="discord")
        ready = asyncio.create_task(client.ready_event.wait())
        done, _ = await asyncio.wait(
            {ready, self._connection},
            timeout=self._settings.connect_timeout,
            return_when=asyncio.FIRST_COMPLETED,
        )
        ready.cancel()
        if ready not in done:
            problem = None
            if self._connection in done and not self._connection.cancelled():
                problem = self._connection.exception()
            await self.stop()
            if isinstance(problem, discord.PrivilegedIntentsRequired):
                raise AdapterError(
                    "Discord refused the Message Content intent: turn it on for the bot under "
                    "Bot → Privileged Gateway Intents in the Developer Portal"
                ) from problem
            raise AdapterError(f"could not connect to the Discord gateway: {problem!r}")

    async def stop(self) -> None:
        client, self._client = self._client, None
        connection, self._connection = self._connection, None
        self._desk.core = None
        self._inbound.core = None
        if client is not None:
            try:
                await client.close()
            except Exception:
                log.exception("closing the Discord client failed")
        if connection is not None:
            # client.close() ends connect(); cancel it in case it is stuck mid-handshake.
            connection.cancel()
            done, _ = await asyncio.wait({connection}, timeout=5)
            if connection in done and not connection.cancelled() and connection.exception():
                log.info("the Discord connection ended with %r", connection.exception())

    async def sync_commands(self, *, everywhere: bool = True) -> None:
        """Sync `/study` on request: globally, or again to each configured guild."""
        client = self._live_client()
        if everywhere:
            await client.sync_everywhere()
        else:
            for guild_id in self._settings.guilds:
                await client.sync_guild(guild_id)

    # --- sending --------------------------------------------------------------------------

    async def post(
        self, room: str, message: Message, *, key: str, thread: str | None = None
    ) -> Posted:
        channel = await self._channel(int(thread or room))
        sent = await self._send(channel, message, key=key)
        return Posted(message_id=str(sent[0].id), room=room, thread=thread)

    async def open_thread(self, room: str, root: Posted, title: str, *, key: str) -> str:
        # Discord has no nonce for threads, but a message holds one thread whose id is the
        # message's id: a resend is answered "already exists", and we know the id anyway.
        channel = await self._channel(int(root.thread or room))
        if isinstance(channel, discord.Thread):
            return str(channel.id)
        if not isinstance(channel, discord.TextChannel | discord.ForumChannel):
            raise AdapterError(f"channel {room} cannot hold threads")
        thread_id = int(root.message_id)
        try:
            partial = discord.PartialMessage(channel=channel, id=int(root.message_id))  # type: ignore[arg-type]
            thread = await partial.create_thread(
                name=(title.strip() or "Discussion")[:100],
                auto_archive_duration=THREAD_ARCHIVE_MINUTES,
            )
            thread_id = thread.id
        except discord.HTTPException as exc:
            if exc.code != THREAD_ALREADY_EXISTS:
                raise AdapterError(f"opening a thread in {room} failed: {exc.status}") from exc
        self._places.remember_thread(thread_id, int(room))
        return str(thread_id)

    async def send_direct(self, member: MemberRef, message: Message, *, key: str) -> Posted:
        client = self._live_client()
        user_id = int(member.user_id)
        try:
            user = client.get_user(user_id) or await client.fetch_user(user_id)
            channel = user.dm_channel or await user.create_dm()
            sent = await self._send(channel, message, key=key)
        except DirectMessagesClosed:
            await self._mention_once_instead(user_id, message, key=key)
            raise
        except discord.HTTPException as exc:
            raise AdapterError(f"direct message failed: {exc.status}") from exc
        return Posted(message_id=str(sent[0].id), room=str(channel.id))

    async def reply(self, origin: Origin, message: Message) -> None:
        pending = self._desk.pending(origin.token)
        if pending is not None:
            await self._desk.answer(pending, message)
            return
        channel_id = int(origin.thread or origin.room)
        channel = await self._channel(channel_id)
        private = message.ephemeral and (message.member_text or message.attachment is not None)
        author = (origin.token or "").removeprefix(AUTHOR_TOKEN)
        if private and not origin.is_direct and author.isdigit():
            # Only an interaction can answer privately in a channel: members' words and
            # files go by direct message instead, with a ✉️ on the message that asked.
            instead = await self._answer_by_dm(int(author), channel, origin, message)
            if instead is None:
                return
            message = instead
        # A reply to a message (a thread reply, say): answer beside it, quoting it.
        reference = None
        if origin.message_id is not None:
            reference = discord.MessageReference(
                message_id=int(origin.message_id), channel_id=channel_id, fail_if_not_exists=False
            )
        await self._send(channel, message, key=None, reference=reference)

    # --- internals ------------------------------------------------------------------------

    async def _answer_by_dm(
        self, user_id: int, channel: Any, origin: Origin, message: Message
    ) -> Message | None:
        """Send a private answer by DM; returns what to say in the channel instead, if any."""
        client = self._live_client()
        try:
            user = client.get_user(user_id) or await client.fetch_user(user_id)
            dm = user.dm_channel or await user.create_dm()
            await self._send(dm, message, key=None)
        except (DirectMessagesClosed, AdapterError, discord.HTTPException):
            return Message(
                kind=MessageKind.REPLY,
                body="I could not send you that privately (are your direct messages closed?). "
                "Use `/study mine` to see it only you can read.",
            )
        if origin.message_id is not None:
            try:
                await channel.get_partial_message(int(origin.message_id)).add_reaction("✉️")
            except discord.HTTPException:
                log.info("could not react to message %s", origin.message_id)
        return None

    def _live_client(self) -> StudyClient:
        if self._client is None:
            raise AdapterError("the Discord adapter is not started")
        return self._client

    def _bot_id(self) -> int | None:
        client = self._client
        return client.user.id if client is not None and client.user is not None else None

    def _cached_channel(self, channel_id: int) -> Any:
        return self._client.get_channel(channel_id) if self._client is not None else None

    async def _fetch_channel(self, channel_id: int) -> Any:
        return await self._live_client().fetch_channel(channel_id)

    async def _channel(self, channel_id: int) -> Any:
        client = self._live_client()
        channel = client.get_channel(channel_id)
        if channel is None:
            try:
                channel = await client.fetch_channel(channel_id)
            except discord.HTTPException as exc:
                raise AdapterError(f"channel {channel_id} not found: {exc.status}") from exc
        if not isinstance(channel, discord.abc.Messageable):
            raise AdapterError(f"channel {channel_id} does not take messages")
        return channel

    async def _send(
        self,
        channel: discord.abc.Messageable,
        message: Message,
        *,
        key: str | None,
        reference: discord.MessageReference | None = None,
        mentions: discord.AllowedMentions = NO_MENTIONS,
        prefix: str | None = None,
    ) -> list[discord.Message]:
        """Send every piece of a rendered message. A piece's nonce derives from `key`, so a
        resend after a crash or a failed attempt is deduplicated by Discord."""
        pieces = render(message)
        view = view_for(message.buttons, message.prompt_number)
        sent: list[discord.Message] = []
        for index, piece in enumerate(pieces, start=1):
            kwargs: dict[str, Any] = {"allowed_mentions": mentions}
            content = piece.content
            if prefix is not None and index == 1:
                content = f"{prefix}\n{content}" if content else prefix
            if content is not None:
                kwargs["content"] = content
            if piece.embeds:
                kwargs["embeds"] = piece.embeds
            if piece.files:
                kwargs["files"] = piece.files
            if view is not None and index == len(pieces):
                kwargs["view"] = view
            if key is not None:
                # discord.py sends `enforce_nonce: true` with every nonce.
                kwargs["nonce"] = nonce_for(key, index)
            if reference is not None and index == 1:
                kwargs["reference"] = reference
                kwargs["mention_author"] = False
            try:
                sent.append(await channel.send(**kwargs))
            except discord.Forbidden as exc:
                if exc.code == CANNOT_DM_USER:
                    raise DirectMessagesClosed(
                        "the member does not accept direct messages"
                    ) from exc
                raise AdapterError(f"sending a message was refused: {exc.code}") from exc
            except discord.HTTPException as exc:
                raise AdapterError(f"sending a message failed: {exc.status} {exc.code}") from exc
        return sent

    async def _mention_once_instead(self, user_id: int, message: Message, *, key: str) -> None:
        """Tell a member whose DMs are closed, once ever, in their group's channel."""
        notified = self._load_dm_fallbacks()
        if str(user_id) in notified:
            return
        client = self._live_client()
        for room in self._context.rooms:
            channel = client.get_channel(int(room))
            if not isinstance(channel, discord.TextChannel):
                continue
            try:
                channel.guild.get_member(user_id) or await channel.guild.fetch_member(user_id)
            except discord.HTTPException:
                continue  # not a member of this server
            prefix = (
                f"<@{user_id}> I could not send you this by direct message. Allow direct "
                "messages from this server's members to get reminders there, or stop them "
                "with `/study reminders off`. (I will not mention you like this again.)"
            )
            try:
                await self._send(
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
            self._save_dm_fallbacks(notified)
            return

    def _load_dm_fallbacks(self) -> set[str]:
        if self._dm_fallback_sent is None:
            try:
                self._dm_fallback_sent = set(json.loads(self._dm_fallback_file.read_text()))
            except FileNotFoundError:
                self._dm_fallback_sent = set()
            except (OSError, ValueError):
                log.warning("unreadable %s; starting afresh", self._dm_fallback_file)
                self._dm_fallback_sent = set()
        return self._dm_fallback_sent

    def _save_dm_fallbacks(self, notified: set[str]) -> None:
        try:
            self._dm_fallback_file.parent.mkdir(parents=True, exist_ok=True)
            temporary = self._dm_fallback_file.with_suffix(".tmp")
            temporary.write_text(json.dumps(sorted(notified)))
            temporary.replace(self._dm_fallback_file)
        except OSError:
            log.warning("could not record DM fallbacks in %s", self._dm_fallback_file)


def _conforms(platform: DiscordPlatform) -> Platform:
    """Lets mypy check that DiscordPlatform implements the core's Platform protocol."""
    return platform
