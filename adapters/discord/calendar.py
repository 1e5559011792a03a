"""Sessions in the server's Events tab: Discord guild scheduled events, external ones whose
location is the group's channel, created once (a resend after a crash finds the first by its
name and start), moved when the plan changes, cancelled when it no longer holds."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord.http import HTTPClient

from bot.core.platform import AdapterError, PlannedEvent, RightMissing

log = logging.getLogger(__name__)

MANAGE_EVENTS = "Manage Events"
EXTERNAL = 3  # entity_type: somewhere else than a voice or stage channel
GUILD_ONLY = 2  # privacy_level, the only one Discord allows
SCHEDULED, CANCELED = 1, 4  # event statuses
UNKNOWN_EVENT = 10070


def _when(moment: Any) -> str:
    return str(moment.isoformat())


class Calendar:
    """Puts and cancels events through the bot's HTTP client (paced like every request)."""

    def __init__(
        self,
        http: Callable[[], HTTPClient],
        bot_id: Callable[[], int | None],
        guild_of: Callable[[str], Awaitable[int]],
    ) -> None:
        self._http = http
        self._bot_id = bot_id
        self._guild_of = guild_of

    def _payload(self, guild_id: int, room: str, event: PlannedEvent) -> dict[str, Any]:
        return {
            "name": event.title,
            "description": event.description,
            "entity_type": EXTERNAL,
            "privacy_level": GUILD_ONLY,
            "entity_metadata": {"location": f"https://discord.com/channels/{guild_id}/{room}"},
            "scheduled_start_time": _when(event.start),
            "scheduled_end_time": _when(event.end),
        }

    async def put(self, room: str, event: PlannedEvent, *, event_id: str | None) -> str:
        guild_id = await self._guild_of(room)
        payload = self._payload(guild_id, room, event)
        http = self._http()
        try:
            if event_id is not None:
                try:
                    await http.edit_scheduled_event(guild_id, int(event_id), **payload)
                    return event_id
                except discord.NotFound:
                    log.info("event %s is gone from the server; making it again", event_id)
            existing = await self._ours(guild_id, room, event)
            if existing is not None:
                return existing
            created = await http.create_guild_scheduled_event(guild_id, **payload)
        except discord.Forbidden as exc:
            raise RightMissing(
                f"Discord refused an event: {exc.code}", right=MANAGE_EVENTS
            ) from exc
        except discord.HTTPException as exc:
            raise AdapterError(f"scheduling an event failed: {exc.status} {exc.code}") from exc
        return str(created["id"])

    async def _ours(self, guild_id: int, room: str, event: PlannedEvent) -> str | None:
        """An event of the bot's for this channel with this name and start (a crash came
        between Discord's answer and the record of it)."""
        listed = await self._http().get_scheduled_events(guild_id, False)
        bot = str(self._bot_id())
        where = f"https://discord.com/channels/{guild_id}/{room}"
        for found in listed:
            metadata: Any = found.get("entity_metadata") or {}
            if (
                str(found.get("creator_id")) == bot
                and found.get("status") == SCHEDULED
                and found.get("name") == event.title
                and metadata.get("location") == where
            ):
                return str(found["id"])
        return None

    async def cancel(self, room: str, event_id: str) -> bool:
        guild_id = await self._guild_of(room)
        try:
            await self._http().edit_scheduled_event(guild_id, int(event_id), status=CANCELED)
        except discord.NotFound:
            return False
        except discord.Forbidden as exc:
            raise RightMissing(
                f"Discord refused an event: {exc.code}", right=MANAGE_EVENTS
            ) from exc
        except discord.HTTPException as exc:
            if exc.code == UNKNOWN_EVENT or exc.status == 400:  # gone, or over already
                return False
            raise AdapterError(f"cancelling an event failed: {exc.status} {exc.code}") from exc
        return True
