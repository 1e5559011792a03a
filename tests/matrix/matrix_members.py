"""Test helpers: real matrix-nio clients acting as members, and a core that records what arrives."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import nio
import pytest
from synapse_server import Account, Synapse

from adapters.matrix import MatrixPlatform
from bot.commands.spec import COMMANDS
from bot.config.platform_settings import MatrixSettings
from bot.core.events import InboundEvent
from bot.core.platform import PlatformContext

T = TypeVar("T")
_names = itertools.count(1)
WAIT_S = 15.0

# nio's default retries 429s forever without a word; tests must see them
CLIENT_CONFIG = nio.AsyncClientConfig(
    max_limit_exceeded=0, max_timeouts=2, encryption_enabled=False
)


class RecordingCore:
    """A stand-in core: records every inbound event, and can answer through a callback."""

    commands = COMMANDS

    def __init__(self) -> None:
        self.events: list[InboundEvent] = []
        self.on_event: Callable[[InboundEvent], Any] | None = None
        self._changed = asyncio.Condition()

    async def handle(self, event: InboundEvent) -> None:
        self.events.append(event)
        if self.on_event is not None:
            result = self.on_event(event)
            if asyncio.iscoroutine(result):
                await result
        async with self._changed:
            self._changed.notify_all()

    async def current_prompts(self, platform: str, room: str) -> list[tuple[int, str]]:
        return []

    async def wait_for(self, kind: type[T], test: Callable[[T], bool] = lambda _: True) -> T:
        async def find() -> T:
            async with self._changed:
                while True:
                    for event in self.events:
                        if isinstance(event, kind) and test(event):
                            return event
                    await self._changed.wait()

        return await asyncio.wait_for(find(), WAIT_S)


def membership(room: str, user_id: str, state: str = "join") -> Callable[[str, Any], bool]:
    """A `wait_for` test: `user_id`'s membership in `room` became `state`."""
    return lambda room_id, event: (
        room_id == room
        and isinstance(event, nio.RoomMemberEvent)
        and event.state_key == user_id
        and event.membership == state
    )


class Member:
    """A person on the homeserver with a real nio client; syncs in the background."""

    def __init__(
        self, server: Synapse, account: Account, store: Path, *, e2e: bool = False
    ) -> None:
        self.server = server
        self.account = account
        self.user_id = account.user_id
        config = (
            nio.AsyncClientConfig(max_limit_exceeded=0, max_timeouts=2, encryption_enabled=True)
            if e2e
            else CLIENT_CONFIG
        )
        store.mkdir(parents=True, exist_ok=True)
        self.client = nio.AsyncClient(
            server.url, account.user_id, account.device_id, str(store), config
        )
        self.client.restore_login(account.user_id, account.device_id, account.access_token)
        self.events: list[tuple[str, Any]] = []  # (room id, nio event)
        self.invites: list[str] = []
        self.auto_join = True
        self._changed = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._sync_once(poll_ms=0)
        self._task = asyncio.create_task(self._loop())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self.client.close()

    async def _loop(self) -> None:
        while True:
            try:
                await self._sync_once(poll_ms=3000)
            except Exception:  # the homeserver restarts in one test; keep trying
                await asyncio.sleep(0.2)

    async def _sync_once(self, poll_ms: int) -> None:
        response = await self.client.sync(timeout=poll_ms)
        if not isinstance(response, nio.SyncResponse):
            await asyncio.sleep(0.2)
            return
        for room_id in response.rooms.invite:
            self.invites.append(room_id)
            if self.auto_join:
                await self.client.join(room_id)
        for room_id, info in response.rooms.join.items():
            for event in info.timeline.events:
                self.events.append((room_id, event))
        client = self.client
        if client.olm is not None:
            if client.should_upload_keys:
                await client.keys_upload()
            if client.should_query_keys:
                await client.keys_query()
            if client.should_claim_keys:
                await client.keys_claim(client.get_users_for_key_claiming())
            await client.send_to_device_messages()
        async with self._changed:
            self._changed.notify_all()

    def mark(self) -> int:
        """A position in what this member has seen, for `wait_for(after=...)`."""
        return len(self.events)

    async def wait_for(
        self, test: Callable[[str, Any], bool], within: float = WAIT_S, *, after: int = 0
    ) -> Any:
        """The first event (room id, nio event) seen by this member that passes `test`."""

        async def find() -> Any:
            async with self._changed:
                while True:
                    for room_id, event in self.events[after:]:
                        if test(room_id, event):
                            return event
                    await self._changed.wait()

        return await asyncio.wait_for(find(), within)

    async def wait_for_room(self, room_id: str) -> None:
        deadline = time.monotonic() + WAIT_S
        while room_id not in self.client.rooms:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.user_id} never saw {room_id}")
            await asyncio.sleep(0.05)

    def from_bot(self, bot_user: str) -> Callable[[str, Any], bool]:
        """Messages (not membership changes) sent by the bot."""
        return lambda _room, event: isinstance(event, nio.RoomMessage) and event.sender == bot_user

    async def send(self, room_id: str, content: dict[str, Any]) -> str:
        response = await self.client.room_send(
            room_id, "m.room.message", content, ignore_unverified_devices=True
        )
        assert isinstance(response, nio.RoomSendResponse), response
        return str(response.event_id)

    async def say(
        self, room_id: str, text: str, *, thread: str | None = None, reply_to: str | None = None
    ) -> str:
        content: dict[str, Any] = {"msgtype": "m.text", "body": text}
        if thread is not None:
            content["m.relates_to"] = {
                "rel_type": "m.thread",
                "event_id": thread,
                "is_falling_back": reply_to is None,
                "m.in_reply_to": {"event_id": reply_to or thread},
            }
        elif reply_to is not None:
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply_to}}
        return await self.send(room_id, content)

    async def edit(self, room_id: str, event_id: str, text: str) -> str:
        return await self.send(
            room_id,
            {
                "msgtype": "m.text",
                "body": f"* {text}",
                "m.new_content": {"msgtype": "m.text", "body": text},
                "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
            },
        )

    async def redact(self, room_id: str, event_id: str) -> None:
        response = await self.client.room_redact(room_id, event_id)
        assert isinstance(response, nio.RoomRedactResponse), response

    def create_room(
        self, *, invite: tuple[str, ...] = (), encrypted: bool = False, **extra: Any
    ) -> str:
        """A private room made with the plain HTTP API (set-up, not the thing under test)."""
        body: dict[str, Any] = {"preset": "private_chat", "invite": list(invite), **extra}
        if encrypted:
            body["initial_state"] = [
                {
                    "type": "m.room.encryption",
                    "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                }
            ]
        result = self.server.request(
            "POST", "/_matrix/client/v3/createRoom", body, token=self.account.access_token
        )
        return str(result["room_id"])

    def invite(self, room_id: str, user_id: str) -> None:
        self.server.request(
            "POST",
            f"/_matrix/client/v3/rooms/{quote(room_id)}/invite",
            {"user_id": user_id},
            token=self.account.access_token,
        )

    def join(self, room_id: str) -> None:
        self.server.request(
            "POST", f"/_matrix/client/v3/join/{quote(room_id)}", {}, token=self.account.access_token
        )

    def leave(self, room_id: str) -> None:
        self.server.request(
            "POST",
            f"/_matrix/client/v3/rooms/{quote(room_id)}/leave",
            {},
            token=self.account.access_token,
        )

    def messages(self, room_id: str, limit: int = 100) -> list[dict[str, Any]]:
        """The room's latest events, newest first, straight from the server."""
        result = self.server.request(
            "GET",
            f"/_matrix/client/v3/rooms/{quote(room_id)}/messages?dir=b&limit={limit}",
            token=self.account.access_token,
        )
        chunk: list[dict[str, Any]] = result["chunk"]
        return chunk


class BotFactory:
    """Builds `MatrixPlatform`s for one bot account that keeps its data folder across restarts."""

    def __init__(self, server: Synapse, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.server = server
        self.account = server.register(f"studybot-{next(_names)}-{os.getpid()}")
        self.data_dir = data_dir
        self.env = f"STUDYBOT_TEST_TOKEN_{next(_names)}"
        monkeypatch.setenv(self.env, self.account.access_token)
        self.running: list[MatrixPlatform] = []

    @property
    def user_id(self) -> str:
        return self.account.user_id

    def build(
        self,
        rooms: tuple[str, ...] = (),
        admins: dict[str, tuple[str, ...]] | None = None,
        **settings: Any,
    ) -> MatrixPlatform:
        values: dict[str, Any] = {
            "homeserver": self.server.url,
            "user_id": self.account.user_id,
            "access_token_env": self.env,
            "sync_timeout_ms": 5000,
            "sync_backoff_max_s": 1.0,
        }
        values.update(settings)
        context = PlatformContext(data_dir=self.data_dir, rooms=rooms, admins=admins or {})
        return MatrixPlatform(MatrixSettings(**values), context)

    async def start(
        self,
        rooms: tuple[str, ...] = (),
        core: RecordingCore | None = None,
        admins: dict[str, tuple[str, ...]] | None = None,
        **settings: Any,
    ) -> tuple[MatrixPlatform, RecordingCore]:
        platform = self.build(rooms, admins, **settings)
        core = core or RecordingCore()
        await platform.start(core)
        self.running.append(platform)
        return platform, core

    async def stop_all(self) -> None:
        for platform in self.running:
            await platform.stop()
        self.running.clear()
