"""A stand-in of Discord's REST API and gateway on loopback, for discord.py to talk to.

It keeps what the bot sent (messages, interaction answers, synced commands) so tests can
assert what a member would see, and lets tests act as members: slash commands, button
presses, modal submissions, thread replies, edits and deletions, plus faults (429s, op 7).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from aiohttp import WSMsgType, web
from discord_members import MemberActions, Place
from discord_records import (
    API_PREFIX,
    EPHEMERAL,
    LOADING,
    MANAGE_GUILD,
    MESSAGE_CONTENT,
    SEND_AND_VIEW,
    Fault,
    InteractionRecord,
    Json,
    Person,
    Recorded,
    error,
    json_response,
    now,
    pings,
    text_of,
)
from discord_surfaces import SurfaceRoutes

__all__ = [
    "EPHEMERAL",
    "LOADING",
    "FakeDiscord",
    "InteractionRecord",
    "Person",
    "Place",
    "pings",
    "text_of",
]


class FakeDiscord(MemberActions, SurfaceRoutes):
    """The stand-in. `start()` once per test session; `reset()` before each test."""

    def __init__(self) -> None:
        self._ids = itertools.count(1_400_000_000_000_000_000)
        self.app_id = self.next_id()
        self.guild_id = self.next_id()
        self.channel_id = self.next_id()
        self.other_channel_id = self.next_id()
        self.elsewhere_guild_id = self.next_id()  # a guild the bot is not configured for
        self.elsewhere_channel_id = self.next_id()
        self.facilitator_role = self.next_id()
        self.moderator_role = self.next_id()
        self.bot = Person(self.next_id(), "studybot", bot=True)
        self.ana = Person(self.next_id(), "ana")
        self.ben = Person(self.next_id(), "ben")
        self.mod = Person(self.next_id(), "mod", roles=(self.moderator_role,))
        self.fac = Person(self.next_id(), "fac", roles=(self.facilitator_role,))
        self.people = {p.id: p for p in (self.bot, self.ana, self.ben, self.mod, self.fac)}
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.reset()

    def next_id(self) -> int:
        return next(self._ids)

    # --- set-up -----------------------------------------------------------------------------

    def reset(self) -> None:
        self.requests: list[Recorded] = []
        self.unhandled: list[Recorded] = []
        self.messages: dict[int, Json] = {}
        self.deleted: set[int] = set()
        self.channels: dict[int, Json] = {
            self.channel_id: self._text_channel(self.channel_id, "reading-room", 0),
            self.other_channel_id: self._text_channel(self.other_channel_id, "general", 1),
            self.elsewhere_channel_id: self._text_channel(
                self.elsewhere_channel_id, "elsewhere", 0, guild_id=self.elsewhere_guild_id
            ),
        }
        self.commands: dict[int | None, list[Json]] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self._by_token: dict[str, InteractionRecord] = {}
        self.faults: list[Fault] = []
        for person in (self.ana, self.ben, self.mod, self.fac):
            person.locale = "en-US"  # a test may have set someone's app to another language
        self.closed_dms: set[int] = set()
        self.message_content_allowed = True  # the portal's Message Content intent switch
        self.identifies = 0
        self.identified_shards: list[list[int] | None] = []
        self.resumes = 0
        self.session_id = ""
        self._seq = 0
        self._log: list[tuple[int, str, Json]] = []
        self._live: web.WebSocketResponse | None = None
        self._connected = asyncio.Event() if self._runner is not None else None
        self.reset_surfaces()

    def _text_channel(
        self, cid: int, name: str, position: int, *, guild_id: int | None = None
    ) -> Json:
        return {
            "id": str(cid),
            "type": 0,
            "name": name,
            "position": position,
            "guild_id": str(guild_id or self.guild_id),
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
        }

    def _role(self, rid: int, name: str, permissions: int, position: int) -> Json:
        return {
            "id": str(rid),
            "name": name,
            "permissions": str(permissions),
            "position": position,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }

    def permissions_of(self, person: Person) -> int:
        extra = MANAGE_GUILD if self.moderator_role in person.roles else 0
        return SEND_AND_VIEW | extra

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/resume", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._connected = asyncio.Event()

    async def close(self) -> None:
        if self._live is not None:
            await self._live.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- waiting ----------------------------------------------------------------------------

    async def until(self, condition: Callable[[], Any], within: float = 10.0) -> Any:
        """Wait (briefly, polling the loopback traffic) until `condition()` is truthy."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            value = condition()
            if value:
                return value
            if loop.time() > deadline:
                raise AssertionError(f"timed out waiting for {condition}")
            await asyncio.sleep(0.005)

    # --- what the bot sent ------------------------------------------------------------------

    def channel_messages(self, channel_id: int | None = None) -> list[Json]:
        cid = str(channel_id or self.channel_id)
        return [
            m
            for mid, m in self.messages.items()
            if m["channel_id"] == cid and mid not in self.deleted and not m["flags"] & EPHEMERAL
        ]

    def bot_messages(self, channel_id: int | None = None) -> list[Json]:
        return [
            m for m in self.channel_messages(channel_id) if m["author"]["id"] == str(self.bot.id)
        ]

    def sent(self, method: str, pattern: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and re.fullmatch(pattern, r.path)]

    # --- faults -----------------------------------------------------------------------------

    def rate_limit(
        self, method: str, pattern: str, *, times: int = 1, is_global: bool = False
    ) -> None:
        self.faults.append(Fault(method, re.compile(pattern), times, is_global=is_global))

    def fail(self, method: str, pattern: str, *, status: int, times: int = 1) -> None:
        self.faults.append(Fault(method, re.compile(pattern), times, status=status))

    def lose_answer(self, method: str, pattern: str, *, times: int = 1) -> None:
        """Store the next matching request's effect but answer 502, as a flaky proxy might."""
        self.faults.append(Fault(method, re.compile(pattern), times, status=502, after=True))

    def _fault_for(self, method: str, path: str, *, after: bool = False) -> web.Response | None:
        for fault in self.faults:
            if fault.after != after:
                continue
            if fault.times > 0 and fault.method == method and fault.path.fullmatch(path):
                fault.times -= 1
                if fault.status != 429:
                    return error(fault.status, 0, "stand-in failure")
                headers = {
                    "Retry-After": str(fault.retry_after),
                    "X-RateLimit-Scope": "global" if fault.is_global else "user",
                }
                if fault.via:
                    headers["Via"] = "1.1 google"
                if fault.is_global:
                    headers["X-RateLimit-Global"] = "true"
                body = {
                    "message": "You are being rate limited.",
                    "retry_after": fault.retry_after,
                    "global": fault.is_global,
                }
                return json_response(body, status=429, headers=headers)
        return None

    # --- gateway ----------------------------------------------------------------------------

    async def _send(self, ws: web.WebSocketResponse, payload: Json) -> None:
        await ws.send_str(json.dumps(payload))

    async def dispatch(self, name: str, data: Json) -> None:
        """Send a gateway event; while the bot is reconnecting it waits for the resume."""
        self._seq += 1
        self._log.append((self._seq, name, data))
        if self._live is not None and not self._live.closed:
            await self._send(self._live, {"op": 0, "s": self._seq, "t": name, "d": data})

    async def reconnect(self) -> None:
        """Op 7: ask the bot to reconnect and resume; events meanwhile are replayed then."""
        ws, self._live = self._live, None
        assert self._connected is not None
        self._connected.clear()
        assert ws is not None, "the bot is not connected"
        await self._send(ws, {"op": 7, "d": None, "s": None, "t": None})

    async def connected(self, within: float = 5.0) -> None:
        assert self._connected is not None
        await asyncio.wait_for(self._connected.wait(), within)

    def _guild(self) -> Json:
        members = [p.member() for p in self.people.values()]
        return {
            "id": str(self.guild_id),
            "name": "Readers",
            "owner_id": str(self.next_id()),
            "unavailable": False,
            "large": False,
            "member_count": len(members),
            "members": members,
            "roles": [
                self._role(self.guild_id, "@everyone", SEND_AND_VIEW, 0),
                self._role(self.moderator_role, "Moderators", MANAGE_GUILD, 2),
                self._role(self.facilitator_role, "Facilitators", 0, 1),
            ],
            "channels": [
                c
                for c in self.channels.values()
                if c["type"] in (0, 15) and c["guild_id"] == str(self.guild_id)
            ],
            "threads": [],
            "emojis": [],
            "stickers": [],
            "features": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "preferred_locale": "en-US",
            "premium_tier": 0,
            "joined_at": "2026-01-01T00:00:00+00:00",
        }

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await self._send(ws, {"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        async for frame in ws:
            if frame.type != WSMsgType.TEXT:
                continue
            payload = json.loads(frame.data)
            op = payload["op"]
            if op == 1:
                await self._send(ws, {"op": 11, "d": None, "s": None, "t": None})
            elif op == 2:
                self.identified_shards.append(payload["d"].get("shard"))
                await self._identify(ws, payload["d"].get("intents", 0))
            elif op == 6:
                await self._resume(ws, payload["d"])
        if self._live is ws:
            self._live = None
        return ws

    async def _identify(self, ws: web.WebSocketResponse, intents: int) -> None:
        self.identifies += 1
        if intents & MESSAGE_CONTENT and not self.message_content_allowed:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        self.session_id = f"session-{self.next_id()}"
        self._seq = 0
        self._log = []
        self._live = ws
        ready = {
            "v": 10,
            "user": self.bot.user(),
            "session_id": self.session_id,
            "resume_gateway_url": f"ws://127.0.0.1:{self.port}/resume",
            "guilds": [{"id": str(self.guild_id), "unavailable": True}],
            "application": {"id": str(self.app_id), "flags": 0},
            "private_channels": [],
        }
        shard = self.identified_shards[-1] if self.identified_shards else None
        if shard is not None:
            ready["shard"] = shard  # a sharded client reads its shard back from READY
        await self.dispatch("READY", ready)
        await self.dispatch("GUILD_CREATE", self._guild())
        assert self._connected is not None
        self._connected.set()

    async def _resume(self, ws: web.WebSocketResponse, data: Json) -> None:
        if data["session_id"] != self.session_id:
            await self._send(ws, {"op": 9, "d": False, "s": None, "t": None})
            return
        self.resumes += 1
        for seq, name, event in self._log:
            if seq > (data["seq"] or 0):
                await self._send(ws, {"op": 0, "s": seq, "t": name, "d": event})
        self._live = ws
        await self.dispatch("RESUMED", {})
        assert self._connected is not None
        self._connected.set()

    # --- REST -------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        files: list[tuple[str, bytes]] = []
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            for name, value in form.items():
                if name == "payload_json":
                    body = json.loads(str(value))
                elif hasattr(value, "file"):
                    files.append((value.filename, value.file.read()))
        elif request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw else None
        record = Recorded(request.method, path, dict(request.query), body, files)
        self.requests.append(record)
        response = self._fault_for(request.method, path) or await self._route(record)
        if response.status < 300:
            response = self._fault_for(request.method, path, after=True) or response
        record.status = response.status
        return response

    async def _route(self, r: Recorded) -> web.Response:
        m, p = r.method, r.path
        app = str(self.app_id)
        if m == "GET" and p == "/users/@me":
            return json_response(self.bot.user())
        if m == "GET" and p == "/oauth2/applications/@me":
            return json_response(self._application())
        commands = re.fullmatch(rf"/applications/{app}(?:/guilds/(\d+))?/commands", p)
        if commands and m == "PUT":
            return json_response(self._store_commands(commands[1], r.body))
        if (surface := await self.surface_route(r)) is not None:
            return surface
        if match := re.fullmatch(r"/channels/(\d+)", p):
            channel = self.channels.get(int(match[1]))
            if m == "GET":
                return json_response(channel) if channel else error(404, 10003, "Unknown Channel")
        if (match := re.fullmatch(r"/channels/(\d+)/messages", p)) and m == "POST":
            return await self._create_message(int(match[1]), r)
        threads = re.fullmatch(r"/channels/(\d+)/messages/(\d+)/threads", p)
        if threads and m == "POST":
            return await self._create_thread(int(threads[1]), int(threads[2]), r.body)
        reaction = re.fullmatch(r"/channels/(\d+)/messages/(\d+)/reactions/([^/]+)/@me", p)
        if reaction and m == "PUT":
            target = self.messages.get(int(reaction[2]))
            if target is None:
                return error(404, 10008, "Unknown Message")
            target.setdefault("reacted", []).append(unquote(reaction[3]))
            return web.Response(status=204)
        if match := re.fullmatch(r"/users/(\d+)", p):
            person = self.people.get(int(match[1]))
            return json_response(person.user()) if person else error(404, 10013, "Unknown User")
        if m == "POST" and p == "/users/@me/channels":
            return json_response(self._dm_channel(int(r.body["recipient_id"])))
        if match := re.fullmatch(rf"/guilds/{self.guild_id}/members/(\d+)", p):
            person = self.people.get(int(match[1]))
            return json_response(person.member()) if person else error(404, 10007, "Unknown Member")
        if match := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", p):
            return await self._callback(int(match[1]), match[2], r)
        if match := re.fullmatch(rf"/webhooks/{app}/([^/]+)/messages/@original", p):
            return await self._original(match[1], r)
        if (match := re.fullmatch(rf"/webhooks/{app}/([^/]+)", p)) and m == "POST":
            return await self._followup(match[1], r)
        self.unhandled.append(r)
        return error(404, 0, f"stand-in has no route for {m} {p}")

    def _application(self) -> Json:
        return {
            "id": str(self.app_id),
            "name": "Study Circle",
            "description": "",
            "icon": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "owner": {k: v for k, v in self.ana.user().items() if k != "bot"},
            "verify_key": "0" * 64,
            "flags": 0,
        }

    def _store_commands(self, guild: str | None, body: list[Json]) -> list[Json]:
        stored = []
        for command in body:
            stored.append(
                {
                    **command,
                    "id": str(self.next_id()),
                    "application_id": str(self.app_id),
                    "guild_id": guild,
                    "version": str(self.next_id()),
                    "default_member_permissions": command.get("default_member_permissions"),
                }
            )
        self.commands[int(guild) if guild else None] = stored
        return stored

    def _message(self, channel_id: int, author: Person, body: Json, flags: int = 0) -> Json:
        mid = self.next_id()
        message: Json = {
            "id": str(mid),
            "channel_id": str(channel_id),
            "author": author.user(),
            "content": body.get("content") or "",
            "timestamp": now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": flags | (body.get("flags") or 0),
            "nonce": body.get("nonce"),
            "allowed_mentions": body.get("allowed_mentions"),
        }
        channel = self.channels.get(channel_id)
        if channel is not None and channel.get("guild_id"):
            message["guild_id"] = channel["guild_id"]
        if reference := body.get("message_reference"):
            message["type"] = 19
            message["message_reference"] = reference
            message["referenced_message"] = self.messages.get(int(reference["message_id"]))
        message["mention_everyone"] = "everyone" in pings(message)
        self.messages[mid] = message
        return message

    def _attach(self, message: Json, files: list[tuple[str, bytes]]) -> None:
        message["attachments"] = [
            {
                "id": str(self.next_id()),
                "filename": name,
                "size": len(data),
                "url": f"http://127.0.0.1:{self.port}/files/{name}",
                "proxy_url": f"http://127.0.0.1:{self.port}/files/{name}",
                "content": data.decode("utf-8", "replace"),
            }
            for name, data in files
        ]

    async def _create_message(self, channel_id: int, r: Recorded) -> web.Response:
        channel = self.channels.get(channel_id)
        if channel is None:
            return error(404, 10003, "Unknown Channel")
        if channel["type"] == 1 and int(channel["recipients"][0]["id"]) in self.closed_dms:
            return error(403, 50007, "Cannot send messages to this user")
        body = r.body or {}
        if body.get("enforce_nonce") and body.get("nonce"):
            for existing in self.messages.values():
                same_author = existing["author"]["id"] == str(self.bot.id)
                if same_author and existing["nonce"] == body["nonce"]:
                    return json_response(
                        existing
                    )  # Discord answers a repeated nonce with the original
        message = self._message(channel_id, self.bot, body)
        self._attach(message, r.files)
        await self.dispatch("MESSAGE_CREATE", message)
        return json_response(message)

    async def _create_thread(self, channel_id: int, message_id: int, body: Json) -> web.Response:
        if message_id in self.channels:
            return error(400, 160004, "A thread has already been created for this message")
        if message_id not in self.messages:
            return error(404, 10008, "Unknown Message")
        thread = {
            "id": str(message_id),
            "type": 11,
            "guild_id": str(self.guild_id),
            "parent_id": str(channel_id),
            "owner_id": str(self.bot.id),
            "name": body["name"],
            "message_count": 0,
            "member_count": 1,
            "rate_limit_per_user": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": body.get("auto_archive_duration", 1440),
                "archive_timestamp": now(),
                "locked": False,
            },
        }
        self.channels[message_id] = thread
        await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        return json_response(thread)

    def _dm_channel(self, user_id: int) -> Json:
        for channel in self.channels.values():
            if channel["type"] == 1 and channel["recipients"][0]["id"] == str(user_id):
                return channel
        cid = self.next_id()
        person = self.people[user_id]
        self.channels[cid] = {
            "id": str(cid),
            "type": 1,
            "recipients": [person.user()],
            "last_message_id": None,
        }
        return self.channels[cid]

    # --- interactions -----------------------------------------------------------------------

    def _interaction_record(self, iid: int, token: str) -> InteractionRecord | None:
        record = self.interactions.get(iid)
        return record if record is not None and record.token == token else None

    async def _callback(self, iid: int, token: str, r: Recorded) -> web.Response:
        record = self._interaction_record(iid, token)
        if record is None:
            return error(404, 10062, "Unknown interaction")
        if record.callbacks and record.callbacks[-1]["type"] != 8:
            return error(400, 40060, "Interaction has already been acknowledged.")
        body = r.body
        record.callbacks.append(body)
        kind = body["type"]
        data = body.get("data") or {}
        answer: Json = {"interaction": {"id": str(iid), "type": record.type}}
        if kind in (4, 5):
            flags = (data.get("flags") or 0) | (LOADING if kind == 5 else 0)
            message = self._message(record.channel_id, self.bot, data, flags=flags)
            self._attach(message, r.files)
            message["interaction_token"] = token
            record.original = message
            answer["interaction"].update(
                response_message_id=message["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=bool(flags & EPHEMERAL),
            )
            answer["resource"] = {"type": kind, "message": message}
            if not flags & EPHEMERAL and kind == 4:
                await self.dispatch("MESSAGE_CREATE", message)
        else:
            answer["resource"] = {"type": kind}
        return json_response(answer)

    async def _original(self, token: str, r: Recorded) -> web.Response:
        record = self._by_token.get(token)
        if record is None or record.original is None:
            return error(404, 10008, "Unknown Message")
        if r.method == "PATCH":
            body = r.body or {}
            for key in ("content", "embeds", "components", "allowed_mentions"):
                if key in body:
                    record.original[key] = body[key]
            if r.files:
                self._attach(record.original, r.files)
            record.original["flags"] &= ~LOADING
            record.original["edited_timestamp"] = now()
        return json_response(record.original)

    async def _followup(self, token: str, r: Recorded) -> web.Response:
        record = self._by_token.get(token)
        if record is None:
            return error(404, 10015, "Unknown Webhook")
        message = self._message(record.channel_id, self.bot, r.body or {})
        self._attach(message, r.files)
        record.followups.append(message)
        return json_response(message)
