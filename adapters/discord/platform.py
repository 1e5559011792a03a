"""`DiscordPlatform`: the core's `Platform` protocol implemented on discord.py."""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Literal

import discord

from bot.config.platform_settings import DiscordSettings
from bot.core.events import MemberRef, Origin
from bot.core.i18n import N_
from bot.core.messages import Message, Posted
from bot.core.platform import (
    AdapterError,
    CommandSyntax,
    CoreHandle,
    Erasing,
    PlannedEvent,
    Platform,
    PlatformContext,
    PlatformLimits,
    ScheduledEvents,
    Sharded,
    ThreadListing,
)
from bot.core.specs import CommandSpec

from .calendar import Calendar
from .client import StudyClient, keep_secrets_out_of_logs, make_client, point_at
from .desk import InteractionDesk
from .direct import DirectMessages
from .forum import Forums
from .inbound import AUTHOR_TOKEN, Inbound
from .pacing import GlobalPacer, pace_requests
from .people import PLATFORM, AdminJudge, Places
from .removal import Eraser
from .render import BODY_PER_MESSAGE, slash_prefix
from .sending import send_message
from .shards import Shards

log = logging.getLogger(__name__)

THREAD_ALREADY_EXISTS = 160004
THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080  # a week: sessions stay open for days
REMOVAL_REASON = "A Study Circle discussion that expired on the group's schedule"


class DiscordPlatform:
    """Study Circle on Discord. Built by the core as `DiscordPlatform(settings, context)`."""

    name = PLATFORM
    limits = PlatformLimits(max_body_chars=BODY_PER_MESSAGE)

    def __init__(self, settings: DiscordSettings, context: PlatformContext) -> None:
        self._settings = settings
        self._context = context
        self._places = Places(context.rooms)
        self._shards = Shards(settings)
        self._judge = AdminJudge(settings.admin_roles, context.admins)
        self._desk = InteractionDesk(places=self._places, defer_after=settings.defer_after)
        self._eraser = Eraser(http=lambda: self._live_client().http, bot_id=self._bot_id)
        self._forums = Forums(bot_id=self._bot_id)
        self._calendar = Calendar(
            http=lambda: self._live_client().http, bot_id=self._bot_id, guild_of=self._guild_of
        )
        self._inbound = Inbound(
            places=self._places,
            bot_id=self._bot_id,
            channel_of=self._cached_channel,
            fetch_channel=self._fetch_channel,
            deleted_by_us=self._eraser.deleted_by_us,
        )
        self.pacer = GlobalPacer()  # Discord's global limit, for every request of the bot
        self._client: StudyClient | None = None
        self._connection: asyncio.Task[None] | None = None
        self._direct = DirectMessages(
            client=self._live_client, rooms=context.rooms, data_dir=context.data_dir
        )

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
        client = make_client(
            shard_count=self._settings.shard_count,
            shard_ids=self._settings.shard_ids,
            desk=self._desk,
            inbound=self._inbound,
            specs=lambda: core.commands,
            guilds=self._settings.guilds,
            guild_ready_timeout=self._settings.guild_ready_timeout,
        )
        pace_requests(client.http, self.pacer)
        self._client = client
        try:
            await client.login(token)  # runs setup_hook: commands are synced per guild here
        except discord.LoginFailure as exc:
            await self.stop()
            raise AdapterError.saying(N_("Discord refused the bot token")) from exc
        except (discord.HTTPException, OSError) as exc:
            await self.stop()
            raise AdapterError.saying(
                N_("could not log in to Discord: {problem}"), problem=str(exc)
            ) from exc
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
                raise AdapterError.saying(
                    N_(
                        "Discord refused the Message Content intent: turn it on for the bot "
                        "under Bot → Privileged Gateway Intents in the Developer Portal"
                    )
                ) from problem
            raise AdapterError.saying(
                N_("could not connect to the Discord gateway: {problem}"), problem=repr(problem)
            )

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
        if thread is None:
            forum = await self._forum(int(room))
            if forum is not None:
                return await self._forums.post(forum, room, message, key=key)
        channel = await self._channel(int(thread or room))
        users = [m for m in message.mentions if m.user_id.isdigit()]
        if users:
            # Ping exactly the members the core names (a team, a nudge when DMs are closed).
            sent = await send_message(
                channel,
                message,
                key=key,
                prefix=" ".join(f"<@{m.user_id}>" for m in users),
                mentions=discord.AllowedMentions(
                    everyone=False,
                    roles=False,
                    users=[discord.Object(id=int(m.user_id)) for m in users],
                ),
            )
        else:
            sent = await send_message(channel, message, key=key)
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
        return await self._direct.send(int(member.user_id), message, key=key)

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
            instead = await self._direct.answer_privately(int(author), channel, origin, message)
            if instead is None:
                return
            message = instead
        # A reply to a message (a thread reply, say): answer beside it, quoting it.
        reference = None
        if origin.message_id is not None:
            reference = discord.MessageReference(
                message_id=int(origin.message_id), channel_id=channel_id, fail_if_not_exists=False
            )
        await send_message(channel, message, key=None, reference=reference)

    # --- removing (expire_after) -------------------------------------------------------------

    async def remove_message(
        self, room: str, message_id: str, *, thread: str | None, own: bool, reason: str, key: str
    ) -> bool:
        # Discord has no idempotency key for a delete; a second delete answers 404, no harm.
        return await self._eraser.delete_message(
            int(thread or room), int(message_id), own=own, reason=reason
        )

    async def remove_thread(self, room: str, thread: str, *, key: str) -> bool:
        return await self._eraser.delete_thread(int(thread), reason=REMOVAL_REASON)

    async def thread_messages(self, room: str, thread: str) -> tuple[tuple[str, bool], ...]:
        return await self._eraser.thread_messages(int(thread))

    # --- the server's Events tab (discord_events) ------------------------------------------

    async def put_event(self, room: str, event: PlannedEvent, *, event_id: str | None) -> str:
        return await self._calendar.put(room, event, event_id=event_id)

    async def cancel_event(self, room: str, event_id: str) -> bool:
        return await self._calendar.cancel(room, event_id)

    async def _guild_of(self, room: str) -> int:
        guild = getattr(await self._channel(int(room)), "guild", None)
        if guild is None:
            raise AdapterError(f"channel {room} is not in a server")
        return int(guild.id)

    def command_prefix(self, spec: CommandSpec) -> str:
        return slash_prefix(spec)

    async def shown_name(self, room: str, user_id: str) -> str:
        # A mention shows each reader the member's name; every send parses no mentions
        # (NO_MENTIONS), so nobody is pinged by it.
        return f"<@{user_id}>" if user_id.isdigit() else user_id

    @property
    def shard_ids(self) -> tuple[int, ...] | None:
        return self._shards.shard_ids

    def serves(self, room: str, server: int | None) -> bool:
        return self._shards.serves(room, server)

    async def is_admin(self, member: MemberRef, room: str) -> bool:
        """Asked of the guild the group's channel belongs to, whatever channel, guild or DM
        the command came from."""
        if not (member.user_id.isdigit() and room.isdigit()):
            return False
        try:
            channel = await self._channel(int(room))
        except AdapterError:
            return False
        guild = getattr(channel, "guild", None)
        if not isinstance(guild, discord.Guild):
            return False
        client = self._live_client()
        try:
            if guild.unavailable or not guild.roles:
                # a channel fetched over REST (its guild is on another shard) has a bare guild
                guild = await client.fetch_guild(guild.id)
            person = guild.get_member(int(member.user_id))
            if person is None:
                person = await guild.fetch_member(int(member.user_id))
        except discord.NotFound:
            return False  # not in the group's guild at all
        except discord.HTTPException as exc:
            raise AdapterError(f"could not look up a member's rights: {exc.status}") from exc
        return self._judge.is_admin(person, room)

    # --- internals ------------------------------------------------------------------------

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

    async def _forum(self, channel_id: int) -> discord.ForumChannel | None:
        """The channel if it is a forum (whose sessions are forum posts), else None."""
        client = self._live_client()
        channel = client.get_channel(channel_id)
        if channel is None:
            try:
                channel = await client.fetch_channel(channel_id)
            except discord.HTTPException:
                return None
        return channel if isinstance(channel, discord.ForumChannel) else None

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


def _conforms(
    platform: DiscordPlatform,
) -> tuple[Platform, Sharded, CommandSyntax, Erasing, ThreadListing, ScheduledEvents]:
    """Lets mypy check that DiscordPlatform implements the core's protocols."""
    return platform, platform, platform, platform, platform, platform
