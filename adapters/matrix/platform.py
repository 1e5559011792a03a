"""`MatrixPlatform`: the core's `Platform` on Matrix, glued from the modules beside it."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Coroutine, Mapping
from dataclasses import replace
from datetime import timedelta
from functools import partial
from typing import Any

import nio

from adapters.matrix.calls import RequestFailed, Retrier
from adapters.matrix.client import build_client, log_in
from adapters.matrix.direct import DirectRooms
from adapters.matrix.inbound import PREFIX
from adapters.matrix.pacing import Pacer
from adapters.matrix.removal import Eraser
from adapters.matrix.render import MAX_BODY_CHARS
from adapters.matrix.sending import Outbox, reply_relation, thread_relation
from adapters.matrix.state import SessionState, StateFile
from adapters.matrix.sync import SyncLoop
from bot.config.platform_settings import MatrixSettings
from bot.core.events import MemberRef, Origin
from bot.core.i18n import resolve
from bot.core.messages import Message, MessageKind, Posted
from bot.core.platform import (
    Acknowledging,
    AdapterError,
    Change,
    CommandSyntax,
    CoreHandle,
    DirectMessagesClosed,
    Erasing,
    Platform,
    PlatformContext,
    PlatformLimits,
    RetentionAware,
    RoomsAware,
    ThreadListing,
)
from bot.core.specs import CommandSpec

log = logging.getLogger(__name__)

ROOM_WAIT_S = 15.0  # how long a send waits for a just-joined room to show up in a sync
_REPLY_MEMORY = 4096  # commands whose reply counters are remembered (for idempotent replies)


class MatrixPlatform:
    """Study Circle on Matrix through matrix-nio."""

    name = "matrix"
    limits = PlatformLimits(max_body_chars=MAX_BODY_CHARS)

    def __init__(self, settings: MatrixSettings, context: PlatformContext) -> None:
        self._settings = settings
        self._context = context
        self._folder = context.data_dir  # already this platform's own folder
        self._state_file = StateFile(self._folder)
        self._state = SessionState()
        self._retrier = Retrier(
            attempts=settings.send_attempts, max_wait_s=settings.max_rate_limit_wait_s
        )
        # one per account: Synapse limits the account, not the room
        self.pacer = Pacer(per_second=settings.messages_per_second, burst=settings.message_burst)
        self._client: nio.AsyncClient | None = None
        self._sync: SyncLoop | None = None
        self._outbox: Outbox | None = None
        self._direct: DirectRooms | None = None
        self._room_ids: dict[str, str] = {}  # as configured (id or alias) -> room id
        self._replies: OrderedDict[str, int] = OrderedDict()
        self._eraser_: Eraser | None = None

    # --- lifecycle ------------------------------------------------------------------

    @property
    def user_id(self) -> str:
        return self._state.user_id

    @property
    def device_id(self) -> str:
        return self._state.device_id

    async def start(self, core: CoreHandle) -> None:
        """Log in, catch up with one sync, join the configured rooms, then sync in the background."""
        if self._sync is not None:
            return
        self._state = self._state_file.load()
        client = build_client(self._settings, self._folder, self._state)
        self._client = client
        try:
            await log_in(client, self._settings, self._state, self._retrier)
            await self._save()
            self._outbox = Outbox(client, self._retrier, self.pacer)
            self._direct = DirectRooms(client, self._state, self._retrier, self._save)
            if self._state.direct_rooms:
                await self._direct.record()  # kept up to date from here on
            await self._resolve_rooms()
            self._sync = SyncLoop(
                client=client,
                core=core,
                settings=self._settings,
                state=self._state,
                retrier=self._retrier,
                save=self._save,
                room_names={room_id: name for name, room_id in self._room_ids.items()},
                admins=self._context.admins,
                direct=self._direct,
            )
            await self._sync.catch_up()
            await self._join_configured()
            self._sync.run_in_background()
        except BaseException:
            await self.stop()
            raise
        log.info("connected to Matrix as %s (device %s)", self.user_id, self.device_id)

    async def update_rooms(
        self, rooms: tuple[str, ...], admins: Mapping[str, tuple[str, ...]]
    ) -> None:
        """After a config reload: serve these rooms from now on. New rooms are joined (or their
        invite accepted when it comes); the bot stays in rooms no longer named, and ignores them."""
        self._context = replace(self._context, rooms=rooms, admins=dict(admins))
        self._room_ids = {}
        await self._resolve_rooms()
        if self._sync is not None:
            names = {room_id: name for name, room_id in self._room_ids.items()}
            self._sync.serve_rooms(names, self._context.admins)
            await self._join_configured()

    async def stop(self) -> None:
        """Stop syncing, save the sync position, close the connection; each step runs regardless."""
        steps: list[tuple[str, Coroutine[Any, Any, None]]] = []
        if self._sync is not None:
            steps.append(("stop sync", self._sync.stop()))
        steps.append(("save state", self._save()))
        if self._client is not None:
            steps.append(("close client", self._client.close()))
        self._sync = None
        self._client = None
        for what, step in steps:
            try:
                await step
            except Exception:
                log.exception("Matrix adapter: %s failed during stop", what)

    async def _save(self) -> None:
        if self._state.user_id:
            await self._state_file.save(self._state)

    def _need_client(self) -> nio.AsyncClient:
        if self._client is None:
            raise AdapterError("the Matrix adapter is not started")
        return self._client

    async def _resolve_rooms(self) -> None:
        client = self._need_client()
        for name in self._context.rooms:
            if not name.startswith("#"):
                self._room_ids[name] = name
                continue
            response = await self._retrier.run(
                f"resolve {name}", partial(client.room_resolve_alias, name)
            )
            assert isinstance(response, nio.RoomResolveAliasResponse)
            self._room_ids[name] = response.room_id

    async def _join_configured(self) -> None:
        client = self._need_client()
        for name, room_id in self._room_ids.items():
            if room_id in client.rooms:
                continue
            try:
                await self._retrier.run(f"join {name}", partial(client.join, room_id))
            except RequestFailed as exc:
                log.warning("cannot join configured room %s yet (%s); an invite will be accepted",
                            name, exc)  # fmt: skip
            else:
                log.info("joined configured room %s", name)

    # --- sending --------------------------------------------------------------------

    def _room_id(self, room: str) -> str:
        return self._room_ids.get(room, room)

    async def _ready(self, room_id: str) -> Outbox:
        """The outbox, once nio knows the room (encryption needs its members and settings)."""
        if self._outbox is None or self._sync is None:
            raise AdapterError("the Matrix adapter is not started")
        if not await self._sync.wait_for_room(room_id, ROOM_WAIT_S):
            raise AdapterError(f"the bot is not in room {room_id}")
        return self._outbox

    async def post(
        self, room: str, message: Message, *, key: str, thread: str | None = None
    ) -> Posted:
        room_id = self._room_id(room)
        outbox = await self._ready(room_id)
        relation = thread_relation(thread) if thread else None
        ids = await outbox.send(room_id, message, key=key, relation=relation)
        return Posted(message_id=ids[0], room=room, thread=thread)

    # --- removing (expire_after) ----------------------------------------------------------

    async def _eraser(self, room: str) -> tuple[Eraser, str]:
        room_id = self._room_id(room)
        await self._ready(room_id)
        if self._eraser_ is None:
            self._eraser_ = Eraser(self._need_client(), self._retrier, self.pacer)
        return self._eraser_, room_id

    async def remove_message(
        self, room: str, message_id: str, *, thread: str | None, own: bool, reason: str, key: str
    ) -> bool:
        eraser, room_id = await self._eraser(room)
        return await eraser.redact(room_id, message_id, reason=reason, key=key)

    async def remove_thread(self, room: str, thread: str, *, key: str) -> bool:
        return False  # a Matrix thread is its events, each redacted on its own

    async def thread_messages(self, room: str, thread: str) -> tuple[tuple[str, bool], ...]:
        eraser, room_id = await self._eraser(room)
        return tuple(await eraser.thread_events(room_id, thread))

    async def set_retention(self, room: str, lifetime: timedelta) -> bool:
        eraser, room_id = await self._eraser(room)
        return await eraser.set_retention(room_id, int(lifetime.total_seconds() * 1000))

    async def open_thread(self, room: str, root: Posted, title: str, *, key: str) -> str:
        # A Matrix thread is named by its root event and exists once something relates to it.
        return root.message_id

    async def send_direct(self, member: MemberRef, message: Message, *, key: str) -> Posted:
        if self._direct is None:
            raise AdapterError("the Matrix adapter is not started")
        room_id = await self._direct.room_for(member.user_id)
        outbox = await self._ready(room_id)
        ids = await outbox.send(room_id, message, key=key)
        return Posted(message_id=ids[0], room=room_id)

    def command_prefix(self, spec: CommandSpec) -> str:
        return PREFIX

    async def shown_name(self, room: str, user_id: str) -> str:
        """The member's display name in the room, from the member state sync holds, else
        asked of the server now; their id when they set none. Kept nowhere."""
        room_id = self._room_id(room)
        client = self._need_client()
        known = client.rooms.get(room_id)
        if known is not None and user_id in known.users:
            return known.users[user_id].display_name or user_id
        answer = await client.room_get_state_event(room_id, "m.room.member", user_id)
        if isinstance(answer, nio.RoomGetStateEventResponse):
            name = answer.content.get("displayname")
            if isinstance(name, str) and name:
                return name
        return user_id

    async def is_admin(self, member: MemberRef, room: str) -> bool:
        if self._sync is None:
            return False
        return self._sync.is_admin_in(self._room_id(room), member.user_id)

    def _reply_key(self, origin: Origin) -> str:
        # The n-th answer to an event gets the same key if that event is handled again after a
        # crash, so the homeserver drops the duplicate answer.
        anchor = origin.message_id or origin.room
        count = self._replies.pop(anchor, 0)
        self._replies[anchor] = count + 1
        while len(self._replies) > _REPLY_MEMORY:
            self._replies.popitem(last=False)
        return f"matrix-reply:{anchor}:{count}"

    async def reply(self, origin: Origin, message: Message) -> None:
        """Answer in the event's thread (a new thread on the command when it had none).

        Matrix has no replies only one person sees. An ephemeral answer that carries members'
        words or a file (`mine`, `responses`, exports) goes to the asker's direct room instead,
        and the command gets a ✉️ reaction; other ephemeral answers stay in the thread."""
        key = self._reply_key(origin)
        private = message.ephemeral and (message.member_text or message.attachment is not None)
        if private and not origin.is_direct and origin.token:
            await self._reply_privately(origin, message, key)
            return
        room_id = self._room_id(origin.room)
        outbox = await self._ready(room_id)
        await outbox.send(room_id, message, key=key, relation=self._answer_relation(origin))

    async def acknowledge(self, origin: Origin, target: str, change: Change) -> None:
        """A reaction on the response's event: ✏️ once an edit is saved, 🗑️ once a redaction
        deleted it. One per change and event (a second edit reuses the transaction id, so the
        homeserver sends nothing new and refuses no duplicate)."""
        room_id = self._room_id(origin.room)
        outbox = await self._ready(room_id)
        sign = "✏️" if change is Change.EDITED else "🗑️"
        await outbox.react(room_id, target, sign, key=f"matrix-ack:{change.value}:{target}")

    def _answer_relation(self, origin: Origin) -> dict[str, Any] | None:
        if origin.message_id is None:
            return None
        if origin.is_direct:
            return reply_relation(origin.message_id)
        if origin.thread is not None:
            return thread_relation(origin.thread, origin.message_id, falling_back=False)
        return thread_relation(origin.message_id)

    async def _reply_privately(self, origin: Origin, message: Message, key: str) -> None:
        assert origin.token is not None and self._direct is not None
        room_id = self._room_id(origin.room)
        try:
            direct = await self._direct.room_for(origin.token, reopen=True)
        except DirectMessagesClosed:
            outbox = await self._ready(room_id)
            words = resolve(self._context.languages.get(origin.room))
            notice = Message(
                kind=MessageKind.REPLY,
                body=words.gettext(
                    "This answer is private, and I could not open a direct message with you."
                ),
            )
            relation = self._answer_relation(origin)
            await outbox.send(room_id, notice, key=f"{key}:closed", relation=relation)
            return
        outbox = await self._ready(direct)
        await outbox.send(direct, message, key=key)
        if origin.message_id is not None:
            await outbox.react(room_id, origin.message_id, "✉️", key=f"{key}:ack")


def _conforms(
    platform: MatrixPlatform,
) -> tuple[
    Platform, RoomsAware, CommandSyntax, Erasing, ThreadListing, RetentionAware, Acknowledging
]:
    """Lets mypy check that MatrixPlatform implements the core's protocols."""
    return platform, platform, platform, platform, platform, platform, platform
