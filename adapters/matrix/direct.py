"""Direct-message rooms: one `is_direct` room per member, created once and reused."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import nio

from adapters.matrix.calls import RequestFailed, Retrier
from adapters.matrix.state import SessionState
from bot.platform import DirectMessagesClosed

log = logging.getLogger(__name__)

# errcodes that mean "this person cannot be invited": gone, unknown, or refusing
_CLOSED = {"M_FORBIDDEN", "M_NOT_FOUND", "M_UNKNOWN_PROFILE", "M_INVALID_PARAM"}


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
            try:
                response = await self._retrier.run(
                    f"direct room with {user_id}",
                    lambda: self._client.room_create(
                        is_direct=True,
                        invite=[user_id],
                        preset=nio.RoomPreset.trusted_private_chat,
                        name="Study Circle",
                    ),
                )
            except RequestFailed as exc:
                if exc.errcode in _CLOSED:
                    raise DirectMessagesClosed(f"cannot invite {user_id}: {exc}") from exc
                raise
            assert isinstance(response, nio.RoomCreateResponse)
            self._state.direct_rooms[user_id] = response.room_id
            # nio learns of a room at the next sync; sending to it may not wait for that, since
            # the sync loop can be the one waiting for this send. The room is unencrypted.
            self._client.rooms.setdefault(
                response.room_id, nio.MatrixRoom(response.room_id, self._client.user_id)
            )
            await self._save()
            log.info("opened a direct room %s with a member", response.room_id)
            return str(response.room_id)
