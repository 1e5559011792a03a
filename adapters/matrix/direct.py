"""Direct-message rooms: one `is_direct` room per member, created once and reused."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import quote

import aiohttp
import nio

from adapters.matrix.calls import RequestFailed, Retrier
from adapters.matrix.state import SessionState
from bot.core.platform import DirectMessagesClosed

log = logging.getLogger(__name__)

# errcodes that mean "this person cannot be invited": gone, unknown, or refusing
_CLOSED = {"M_FORBIDDEN", "M_NOT_FOUND", "M_UNKNOWN_PROFILE", "M_INVALID_PARAM"}
_ENCRYPTION = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
}


class DirectRooms:
    """Finds or creates the direct room with a member; a member who left it has closed it."""

    def __init__(
        self,
        client: nio.AsyncClient,
        state: SessionState,
        retrier: Retrier,
        save: Callable[[], Awaitable[None]],
    ) -> None:
        self._client = client
        self._state = state
        self._retrier = retrier
        self._save = save
        self._locks: dict[str, asyncio.Lock] = {}

    def is_direct(self, room_id: str) -> bool:
        return room_id in self._state.direct_rooms.values()

    def _has_left(self, room_id: str, user_id: str) -> bool:
        room = self._client.rooms.get(room_id)
        # before the first sync of a new room nio knows nothing about it: not "left"
        if room is None or not room.users:
            return False
        return user_id not in room.users and user_id not in room.invited_users

    async def room_for(self, user_id: str, *, reopen: bool = False) -> str:
        """The member's direct room. A member who left it has closed it: DirectMessagesClosed,
        unless `reopen` (they asked for something private just now), which invites them anew."""
        lock = self._locks.setdefault(user_id, asyncio.Lock())
        async with lock:
            known = self._state.direct_rooms.get(user_id)
            if known is not None:
                if not self._has_left(known, user_id):
                    return known
                if not reopen:
                    raise DirectMessagesClosed(f"{user_id} left their direct room with the bot")
            encrypted = self._can_encrypt_to(user_id)
            try:
                response = await self._retrier.run(
                    f"direct room with {user_id}",
                    lambda: self._client.room_create(
                        is_direct=True,
                        invite=[user_id],
                        preset=nio.RoomPreset.private_chat,  # the member gets no power here
                        name="Study Circle",
                        initial_state=[_ENCRYPTION] if encrypted else [],
                    ),
                )
            except RequestFailed as exc:
                if exc.errcode in _CLOSED:
                    raise DirectMessagesClosed(f"cannot invite {user_id}: {exc}") from exc
                raise
            assert isinstance(response, nio.RoomCreateResponse)
            room_id = str(response.room_id)
            self._state.direct_rooms[user_id] = room_id
            await self._save()
            self._introduce(room_id, user_id, encrypted)
            log.info("opened a direct room %s with a member (encrypted: %s)", room_id, encrypted)
            await self.record()
            return room_id

    async def adopt(self, user_id: str, room_id: str) -> None:
        """A member opened a direct chat with the bot, and it joined: from now on this is
        their direct room (the newest one they chose, rather than an older one of the bot's)."""
        async with self._locks.setdefault(user_id, asyncio.Lock()):
            self._state.direct_rooms[user_id] = room_id
            await self._save()
        await self.record()

    async def record(self) -> None:
        """Write the direct rooms to the bot's `m.direct` account data, as the specification
        asks, so clients show them as direct chats. A failure is logged and changes nothing."""
        content: dict[str, list[str]] = {}
        for user_id, room_id in sorted(self._state.direct_rooms.items()):
            content.setdefault(user_id, []).append(room_id)
        client = self._client
        path = f"/_matrix/client/v3/user/{quote(client.user_id, safe='')}/account_data/m.direct"
        headers = {"Authorization": f"Bearer {client.access_token}"}
        try:
            reply = await client.send("PUT", path, json.dumps(content), headers)
            status = reply.status
            reply.release()
        except (aiohttp.ClientError, TimeoutError, ConnectionError) as exc:
            log.warning("could not record the direct rooms in m.direct: %s", type(exc).__name__)
            return
        if status >= 300:
            log.warning("could not record the direct rooms in m.direct: HTTP %d", status)

    def _can_encrypt_to(self, user_id: str) -> bool:
        # Known devices mean the member shares an encrypted room with the bot, so their client
        # does e2e; a member without one would get messages they cannot read.
        client = self._client
        return client.olm is not None and any(client.device_store.active_user_devices(user_id))

    def _introduce(self, room_id: str, user_id: str, encrypted: bool) -> None:
        """Tell nio about the new room now. nio learns of rooms at the next sync, but a send may
        not wait for it: the sync loop itself can be the one waiting for this send."""
        client = self._client
        room = client.rooms.setdefault(room_id, nio.MatrixRoom(room_id, client.user_id, encrypted))
        room.add_member(client.user_id, None, None)
        room.add_member(user_id, None, None, invited=True)  # e2e keys are shared with invitees
        if encrypted:
            client.encrypted_rooms.add(room_id)
