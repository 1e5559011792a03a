"""The stand-in's routes for taking things away and the server's own surfaces: message and
thread deletes (refused without Manage Messages or Manage Threads), a channel's history page by
page, archived threads opened again, and the guild's scheduled events (refused without Manage
Events). Mixed into FakeDiscord."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from discord_records import Json, Recorded, error, json_response, now

THREAD_TYPES = (10, 11, 12)
MISSING_PERMISSIONS = 50013
THREAD_ARCHIVED = 50083


class SurfaceRoutes:
    """What the bot may remove, and what it removed: `removed` holds every message id a delete
    of the bot's took away (twice if it ever took one twice), `removed_threads` the threads."""

    # set by FakeDiscord
    messages: dict[int, Json]
    deleted: set[int]
    channels: dict[int, Json]
    guild_id: int
    bot: Any

    def reset_surfaces(self) -> None:
        # the bot's rights in the guild, as an admin grants or withholds them
        self.rights: set[str] = {"manage_messages", "manage_threads", "manage_events"}
        self.removed: list[int] = []
        self.removed_threads: list[int] = []
        self.scheduled_events: dict[int, Json] = {}  # the server's Events tab
        if not hasattr(self, "forum_id"):
            self.forum_id = self.next_id()
            self.forum_tags = {name: self.next_id() for name in ("open", "closed", "Three Parts")}
        self.channels[self.forum_id] = self._forum_channel()

    def _forum_channel(self) -> Json:
        return {
            "id": str(self.forum_id),
            "type": 15,
            "name": "reading-forum",
            "position": 3,
            "guild_id": str(self.guild_id),
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "flags": 0,
            "rate_limit_per_user": 0,
            "default_thread_rate_limit_per_user": 0,
            "default_reaction_emoji": None,
            "default_sort_order": None,
            "default_forum_layout": 0,
            "available_tags": [
                {
                    "id": str(tid),
                    "name": name,
                    "moderated": False,
                    "emoji_id": None,
                    "emoji_name": None,
                }
                for name, tid in self.forum_tags.items()
            ],
        }

    def next_id(self) -> int:  # FakeDiscord's
        raise NotImplementedError

    def _message(self, channel_id: int, author: Any, body: Json, flags: int = 0) -> Json:
        raise NotImplementedError  # FakeDiscord's

    async def dispatch(self, name: str, data: Json) -> None:  # FakeDiscord's
        raise NotImplementedError

    async def surface_route(self, r: Recorded) -> web.Response | None:
        """The answer to a request these routes know, else None."""
        m, p = r.method, r.path
        if (match := re.fullmatch(r"/channels/(\d+)/messages/(\d+)", p)) and m == "DELETE":
            return await self._delete_message(int(match[1]), int(match[2]))
        if (match := re.fullmatch(r"/channels/(\d+)/messages", p)) and m == "GET":
            return self._history(int(match[1]), r.query)
        if (match := re.fullmatch(r"/channels/(\d+)/threads", p)) and m == "POST":
            return await self._forum_post(int(match[1]), r.body or {})
        if p == f"/guilds/{self.guild_id}/threads/active" and m == "GET":
            active = [c for c in self.channels.values() if c["type"] in THREAD_TYPES
                      and not c["thread_metadata"]["archived"]]  # fmt: skip
            return json_response({"threads": active, "members": []})
        if match := re.fullmatch(r"/guilds/(\d+)/scheduled-events(?:/(\d+))?", p):
            return await self._scheduled_event(m, int(match[1]), match[2], r.body or {})
        if match := re.fullmatch(r"/channels/(\d+)", p):
            if m == "DELETE":
                return await self._delete_channel(int(match[1]))
            if m == "PATCH":
                return await self._edit_channel(int(match[1]), r.body or {})
        return None

    # --- messages ---------------------------------------------------------------------------

    def _undeleted(self, message_id: int) -> Json | None:
        message = self.messages.get(message_id)
        return None if message is None or message_id in self.deleted else message

    async def _delete_message(self, channel_id: int, message_id: int) -> web.Response:
        channel = self.channels.get(channel_id)
        if channel is None:
            return error(404, 10003, "Unknown Channel")
        message = self._undeleted(message_id)
        if message is None or message["channel_id"] != str(channel_id):
            return error(404, 10008, "Unknown Message")
        theirs = message["author"]["id"] != str(self.bot.id)
        if theirs and "manage_messages" not in self.rights:
            return error(403, MISSING_PERMISSIONS, "Missing Permissions")
        if (channel.get("thread_metadata") or {}).get("archived"):
            return error(400, THREAD_ARCHIVED, "Thread is archived")
        self.deleted.add(message_id)
        self.removed.append(message_id)
        await self.dispatch(
            "MESSAGE_DELETE",
            {"id": str(message_id), "channel_id": str(channel_id), "guild_id": str(self.guild_id)},
        )
        return web.Response(status=204)

    def _history(self, channel_id: int, query: dict[str, str]) -> web.Response:
        if channel_id not in self.channels:
            return error(404, 10003, "Unknown Channel")
        limit = min(100, int(query.get("limit", 50)))
        before = int(query["before"]) if "before" in query else None
        found = sorted(
            (
                mid
                for mid, message in self.messages.items()
                if message["channel_id"] == str(channel_id)
                and mid not in self.deleted
                and (before is None or mid < before)
                and not message["flags"] & (1 << 6)  # ephemeral answers are nobody's history
            ),
            reverse=True,  # Discord lists the newest first
        )
        return json_response([self.messages[mid] for mid in found[:limit]])

    # --- channels ---------------------------------------------------------------------------

    async def _delete_channel(self, channel_id: int) -> web.Response:
        channel = self.channels.get(channel_id)
        if channel is None:
            return error(404, 10003, "Unknown Channel")
        if channel["type"] not in THREAD_TYPES:
            return error(403, MISSING_PERMISSIONS, "Missing Permissions")  # no Manage Channels
        if "manage_threads" not in self.rights:
            return error(403, MISSING_PERMISSIONS, "Missing Permissions")
        del self.channels[channel_id]
        self.removed_threads.append(channel_id)
        for mid, message in self.messages.items():
            if message["channel_id"] == str(channel_id):
                self.deleted.add(mid)  # a thread's messages go with it
        await self.dispatch(
            "THREAD_DELETE",
            {
                "id": str(channel_id),
                "guild_id": str(self.guild_id),
                "parent_id": channel["parent_id"],
                "type": channel["type"],
            },
        )
        return json_response(channel)

    async def _edit_channel(self, channel_id: int, body: Json) -> web.Response:
        channel = self.channels.get(channel_id)
        if channel is None:
            return error(404, 10003, "Unknown Channel")
        metadata = channel.get("thread_metadata")
        if metadata is not None:
            for key in ("archived", "locked"):
                if key in body:
                    metadata[key] = bool(body[key])
            metadata["archive_timestamp"] = now()
        for key in ("name", "applied_tags"):
            if key in body:
                channel[key] = body[key]
        await self.dispatch("THREAD_UPDATE" if metadata is not None else "CHANNEL_UPDATE", channel)
        return json_response(channel)

    # --- forum posts --------------------------------------------------------------------------

    def forum_posts(self) -> list[Json]:
        return [c for c in self.channels.values() if c.get("parent_id") == str(self.forum_id)]

    async def _forum_post(self, forum_id: int, body: Json) -> web.Response:
        forum = self.channels.get(forum_id)
        if forum is None:
            return error(404, 10003, "Unknown Channel")
        if forum["type"] != 15:
            return error(400, 50024, "Cannot execute action on this channel type")
        starter = body.get("message") or {}
        if not (starter.get("content") or starter.get("embeds")):
            return error(400, 50006, "Cannot send an empty message")
        message = self._message(forum_id, self.bot, starter)
        tid = int(message["id"])  # a forum post's starter message has the post's id
        message["channel_id"] = str(tid)
        thread = {
            "id": str(tid),
            "type": 11,
            "guild_id": str(self.guild_id),
            "parent_id": str(forum_id),
            "owner_id": str(self.bot.id),
            "name": body["name"],
            "applied_tags": [str(t) for t in body.get("applied_tags") or []],
            "message_count": 0,
            "member_count": 1,
            "rate_limit_per_user": 0,
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": body.get("auto_archive_duration", 1440),
                "archive_timestamp": now(),
                "locked": False,
            },
        }
        self.channels[tid] = thread
        await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        await self.dispatch("MESSAGE_CREATE", message)
        return json_response({**thread, "message": message})

    # --- the Events tab -----------------------------------------------------------------------

    def live_events(self) -> list[Json]:
        """The events members see as upcoming (scheduled, not cancelled)."""
        return [e for e in self.scheduled_events.values() if e["status"] == 1]

    async def _scheduled_event(
        self, method: str, guild_id: int, event_id: str | None, body: Json
    ) -> web.Response:
        if guild_id != self.guild_id:
            return error(404, 10004, "Unknown Guild")
        if method == "GET" and event_id is None:
            return json_response(list(self.scheduled_events.values()))
        if method != "GET" and "manage_events" not in self.rights:
            return error(403, MISSING_PERMISSIONS, "Missing Permissions")
        if method == "POST" and event_id is None:
            return await self._create_event(body)
        event = self.scheduled_events.get(int(event_id or 0))
        if event is None:
            return error(404, 10070, "Unknown Guild Scheduled Event")
        if method == "GET":
            return json_response(event)
        if method == "PATCH":
            if event["status"] != 1:
                return error(400, 180000, "Cannot update a cancelled or completed event")
            for key in ("name", "description", "scheduled_start_time", "scheduled_end_time",
                        "entity_metadata", "status"):  # fmt: skip
                if key in body:
                    event[key] = body[key]
            event["edits"] = event.get("edits", 0) + 1
            # no gateway event: the bot does not ask for the Guild Scheduled Events intent
            return json_response(event)
        return error(405, 0, "Method Not Allowed")

    async def _create_event(self, body: Json) -> web.Response:
        missing = [k for k in ("name", "scheduled_start_time", "privacy_level", "entity_type")
                   if k not in body]  # fmt: skip
        if body.get("entity_type") == 3 and not (
            body.get("scheduled_end_time") and (body.get("entity_metadata") or {}).get("location")
        ):
            missing.append("scheduled_end_time/entity_metadata.location")
        if missing:
            return error(400, 50035, f"Invalid Form Body: {missing}")
        eid = self.next_id()
        event: Json = {
            "id": str(eid),
            "guild_id": str(self.guild_id),
            "channel_id": None,
            "creator_id": str(self.bot.id),
            "creator": self.bot.user(),
            "name": body["name"],
            "description": body.get("description"),
            "scheduled_start_time": body["scheduled_start_time"],
            "scheduled_end_time": body.get("scheduled_end_time"),
            "privacy_level": body["privacy_level"],
            "status": 1,
            "entity_type": body["entity_type"],
            "entity_id": None,
            "entity_metadata": body.get("entity_metadata"),
            "user_count": 0,
            "image": None,
        }
        self.scheduled_events[eid] = event
        return json_response(event)

    # --- what tests ask -----------------------------------------------------------------------

    def archive(self, thread_id: int) -> None:
        """A week passes without a message: Discord archives the thread."""
        self.channels[thread_id]["thread_metadata"]["archived"] = True
