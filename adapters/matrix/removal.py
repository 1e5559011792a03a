"""Taking messages away again on Matrix: redactions (paced like sends, one per key), the thread's
events listed by their relation, and the room's `m.room.retention` state."""

from __future__ import annotations

import logging
from typing import Any

import nio
from nio.api import RelationshipType

from adapters.matrix.calls import RATE_LIMITED, RequestFailed, Retrier
from adapters.matrix.pacing import Pacer
from adapters.matrix.sending import transaction_id
from bot.core.platform import AdapterError, RemovalRefused

log = logging.getLogger(__name__)

RETENTION = "m.room.retention"
_FORBIDDEN = "M_FORBIDDEN"
_GONE = {"M_NOT_FOUND", "M_BAD_JSON"}  # an event the server does not have, or a bad id
REDACT_OTHERS = "a power level of {level} in the room, to redact other people's messages"


class Eraser:
    """Redacts events and sets retention through the retrier, sharing the sender's pacer:
    Synapse counts a redaction against the same per-account limit as a message."""

    def __init__(self, client: nio.AsyncClient, retrier: Retrier, pacer: Pacer) -> None:
        self._client = client
        self._retrier = retrier
        self._pacer = pacer

    async def redact(self, room_id: str, event_id: str, *, reason: str, key: str) -> bool:
        """Redact one event; True when redacted now (or again, by the same key), False when the
        server no longer has it. Raises RemovalRefused without the power level for it."""

        async def request() -> nio.RoomRedactResponse | nio.RoomRedactError:
            await self._pacer.wait_turn()
            response = await self._client.room_redact(
                room_id, event_id, reason=reason, tx_id=transaction_id(key)
            )
            if isinstance(response, nio.RoomRedactError) and response.status_code == RATE_LIMITED:
                wait_ms = response.retry_after_ms
                self._pacer.limited((1000 if wait_ms is None else wait_ms) / 1000)
            return response

        try:
            await self._retrier.run(f"redact in {room_id}", request)
        except RequestFailed as exc:
            if exc.errcode == _FORBIDDEN:
                raise RemovalRefused(str(exc), right=self._redact_right(room_id)) from exc
            if exc.errcode in _GONE:
                return False
            raise
        return True

    def _redact_right(self, room_id: str) -> str:
        room = self._client.rooms.get(room_id)
        level = room.power_levels.defaults.redact if room is not None else 50
        return REDACT_OTHERS.format(level=level)

    async def thread_events(self, room_id: str, root: str) -> list[tuple[str, bool]]:
        """(event id, sent by the bot) for every event still unredacted in the thread on `root`.
        Best effort: a server that cannot list relations gives an empty list."""
        found: list[tuple[str, bool]] = []
        try:
            async for event in self._client.room_get_event_relations(
                room_id, root, RelationshipType.thread
            ):
                source: dict[str, Any] = getattr(event, "source", {}) or {}
                unsigned = source.get("unsigned") or {}
                event_id = source.get("event_id")
                if not isinstance(event_id, str) or "redacted_because" in unsigned:
                    continue
                found.append((event_id, source.get("sender") == self._client.user_id))
        except Exception:  # nio raises on a page it cannot parse (an error answer)
            log.info("could not list the thread %s in %s; its known messages still go",
                     root, room_id, exc_info=True)  # fmt: skip
        return found

    async def set_retention(self, room_id: str, lifetime_ms: int) -> bool:
        """Set the room's `max_lifetime` where the bot's power level allows; False when it may
        not, or the room already says so."""
        client = self._client
        room = client.rooms.get(room_id)
        if room is None or not room.power_levels.can_user_send_state(client.user_id, RETENTION):
            return False
        current = await client.room_get_state_event(room_id, RETENTION)
        if (
            isinstance(current, nio.RoomGetStateEventResponse)
            and current.content.get("max_lifetime") == lifetime_ms
        ):
            return False
        content = {"max_lifetime": lifetime_ms}

        async def request() -> nio.RoomPutStateResponse | nio.RoomPutStateError:
            await self._pacer.wait_turn()
            return await client.room_put_state(room_id, RETENTION, content)

        try:
            await self._retrier.run(f"set retention in {room_id}", request)
        except RequestFailed as exc:
            if exc.errcode == _FORBIDDEN:
                return False
            raise AdapterError(str(exc)) from exc
        log.info("room %s asks its server to keep messages at most %d ms", room_id, lifetime_ms)
        return True
