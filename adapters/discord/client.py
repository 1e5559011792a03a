"""The discord.py client: connects, syncs `/study`, and routes gateway events to the adapter."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.commands.spec import CommandSpec

from .commands import build_command_groups
from .components import ActionButton, RespondButton, response_submission
from .desk import InteractionDesk
from .inbound import Inbound
from .sending import NO_MENTIONS
from .translator import CatalogTranslator, words_for

log = logging.getLogger(__name__)


def point_at(api_base: str, gateway_url: str) -> None:
    """Aim discord.py at an API and gateway (Discord's own, or a compatible server).

    discord.py keeps both as class attributes, so this holds for the whole process."""
    Route.BASE = api_base.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


_SECRET_IN_URL = re.compile(r"/(webhooks|interactions)/(\d+)/[A-Za-z0-9._-]+")


class _KeepSecretsOut(logging.Filter):
    """discord.py logs request bodies and raw gateway events at DEBUG (member text), and
    interaction tokens inside URLs on rate limits; neither may reach our logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.INFO:
            return False
        message = record.getMessage()
        if _SECRET_IN_URL.search(message):
            record.msg = _SECRET_IN_URL.sub(r"/\1/\2/<token>", message)
            record.args = ()
        return True


def keep_secrets_out_of_logs() -> None:
    for name in ("discord.http", "discord.gateway", "discord.webhook.async_", "discord.state"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _KeepSecretsOut) for f in logger.filters):
            logger.addFilter(_KeepSecretsOut())


class StudyClient(discord.Client):
    """A discord.py client wired to the adapter's desk (interactions) and inbound (messages)."""

    def __init__(
        self,
        *,
        desk: InteractionDesk,
        inbound: Inbound,
        specs: Callable[[], Sequence[CommandSpec]],
        guilds: Sequence[int],
        guild_ready_timeout: float,
        **shards: Any,
    ) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        intents.guild_messages = True
        intents.message_content = True  # privileged: needed to read replies in threads
        super().__init__(
            intents=intents,
            allowed_mentions=NO_MENTIONS,
            guild_ready_timeout=guild_ready_timeout,
            **shards,
        )
        self.desk = desk
        self.inbound = inbound
        self._specs = specs
        self._guilds = tuple(guilds)
        self.tree = app_commands.CommandTree(self)
        self.tree.error(self._on_app_command_error)
        self.ready_event = asyncio.Event()
        self.times_ready = 0

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CatalogTranslator())
        for group in build_command_groups(self._specs(), self.desk):
            self.tree.add_command(group)
        self.add_dynamic_items(RespondButton, ActionButton)
        for guild_id in self._guilds:
            await self.sync_guild(guild_id)

    async def sync_guild(self, guild_id: int) -> bool:
        """Sync the commands to one guild, where they are available at once."""
        guild = discord.Object(id=guild_id)
        self.tree.copy_global_to(guild=guild)
        try:
            await self.tree.sync(guild=guild)
        except discord.HTTPException as exc:
            log.error("could not sync commands to guild %s: %s %s", guild_id, exc.status, exc.text)
            return False
        log.info("synced /study to guild %s", guild_id)
        return True

    async def sync_everywhere(self) -> None:
        """Sync `/study` globally (Discord may take a while to show it everywhere)."""
        await self.tree.sync()
        log.info("synced /study globally")

    async def on_ready(self) -> None:
        # Fires again after a new session (not after a resume); nothing here may repeat work.
        self.times_ready += 1
        self.ready_event.set()
        log.info("connected to Discord as %s (ready #%d)", self.user, self.times_ready)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        submitted = response_submission(interaction)
        if submitted is not None:
            await self.desk.submit_response(interaction, *submitted)

    async def on_message(self, message: discord.Message) -> None:
        await self.inbound.on_message(message)

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        await self.inbound.on_raw_message_edit(payload)

    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self.inbound.on_raw_message_delete(payload)

    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        await self.inbound.on_raw_bulk_message_delete(payload)

    async def _on_app_command_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        log.error("/study failed", exc_info=error)
        if not interaction.response.is_done():
            try:
                sorry = words_for(interaction.locale).gettext(
                    "Sorry, something went wrong. Please try again later."
                )
                await interaction.response.send_message(sorry, ephemeral=True)
            except discord.HTTPException:
                log.warning("could not report a command error to the member")


class ShardedStudyClient(StudyClient, discord.AutoShardedClient):
    """The same client run as discord.py's AutoShardedClient, for the shards this process owns."""


def make_client(
    *,
    shard_count: int | None,
    shard_ids: Sequence[int] | None,
    **options: Any,
) -> StudyClient:
    """A plain client, or a sharded one when the config sets `shard_count`."""
    if shard_count is None:
        return StudyClient(**options)
    ids = list(shard_ids) if shard_ids is not None else list(range(shard_count))
    log.info("connecting shards %s of %d", ids, shard_count)
    return ShardedStudyClient(shard_count=shard_count, shard_ids=ids, **options)
