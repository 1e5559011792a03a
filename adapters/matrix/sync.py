"""The sync loop: fetch new events, hand them to the core, remember how far we got.

Each event reaches the core at most once, and none is skipped: the sync position is saved once
a batch is done, and within a batch each event's id is saved just before the core gets it. A
crash mid-batch therefore resumes after the event being handled (a member whose command got no
answer sends it again) rather than running an admin command twice. Events from before the bot's
first start, and a room's history from before the bot joined it, are never handed over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Any

import aiohttp
import nio

from adapters.matrix.calls import Retrier
from adapters.matrix.direct import DirectRooms
from adapters.matrix.inbound import Where, translate
from adapters.matrix.state import SessionState
from bot.config.platform_settings import MatrixSettings
from bot.core.platform import AdapterError, CoreHandle

log = logging.getLogger(__name__)

ADMIN_POWER = 50  # "moderator" in Matrix clients
UNDECRYPTED_KEEP_S = 300.0  # how long an event waits for its room key before it is dropped
_FIRST_SYNC_FILTER = {"room": {"timeline": {"limit": 1}}}
TIMELINE_LIMIT = 100  # events per room per sync; a busier room's gap is paged in (see _fill_gap)
GAP_PAGES = 50  # at most this many pages of TIMELINE_LIMIT events are fetched to close a gap
_BACKOFF_START_S = 0.25
# Before room version 12 creators hold power level 100 in m.room.power_levels like anyone else;
# from 12 on they stand above power levels (MSC4289) and are not listed there.
_LEVELLED_CREATOR_VERSIONS = {str(v) for v in range(1, 12)}


class SyncLoop:
    """Owns the long-poll sync; everything the homeserver pushes to the bot arrives here."""

    def __init__(
        self,
        *,
        client: nio.AsyncClient,
        core: CoreHandle,
        settings: MatrixSettings,
        state: SessionState,
        retrier: Retrier,
        save: Callable[[], Awaitable[None]],
        room_names: Mapping[str, str],
        admins: Mapping[str, tuple[str, ...]],
        direct: DirectRooms,
    ) -> None:
        self._client = client
        self._core = core
        self._settings = settings
        self._state = state
        self._retrier = retrier
        self._save = save
        self._room_names = room_names
        self._admins = admins
        self._direct = direct
        self._task: asyncio.Task[None] | None = None
        self._synced = asyncio.Condition()
        self._undecrypted: list[tuple[str, nio.MegolmEvent, float]] = []
        self._creators: dict[str, set[str]] = {}  # room id -> creators, in rooms v12 and later
        self.consecutive_failures = 0
        self._caught_up: tuple[nio.SyncResponse, str] | None = None

    # --- running --------------------------------------------------------------------

    async def catch_up(self) -> None:
        """The first sync, bounded by the retrier: events since the saved position are delivered;
        without a saved position (first start) the past is skipped."""
        since = self._state.next_batch or None

        async def first() -> nio.SyncResponse | nio.SyncError:
            return await self._client.sync(
                timeout=0,
                since=since,
                full_state=True,  # nio's room state is in memory only; rebuild it
                sync_filter=_live_filter() if since else _FIRST_SYNC_FILTER,
            )

        response = await self._retrier.run("first sync", first)
        assert isinstance(response, nio.SyncResponse)
        if since is None:
            await self._process(response, since=None)
        else:
            # What arrived while the bot was away reaches the core once the loop runs, after
            # `start` has returned and the core has had its turn to get ready.
            self._caught_up = (response, since)

    def serve_rooms(
        self, room_names: Mapping[str, str], admins: Mapping[str, tuple[str, ...]]
    ) -> None:
        """From now on these are the group rooms (room id -> configured name) and their admins."""
        self._room_names = room_names
        self._admins = admins

    def run_in_background(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="matrix-sync")
            self._task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("the Matrix sync loop stopped", exc_info=task.exception())

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _run(self) -> None:
        if self._caught_up is not None:
            response, since = self._caught_up
            self._caught_up = None
            await self._process(response, since=since)
        while True:
            since = self._client.next_batch
            try:
                response = await self._client.sync(
                    timeout=self._settings.sync_timeout_ms, sync_filter=_live_filter()
                )
            except (aiohttp.ClientError, TimeoutError, ConnectionError) as exc:
                await self._back_off(type(exc).__name__, None)
                continue
            if isinstance(response, nio.SyncResponse):
                if self.consecutive_failures:
                    log.info("Matrix sync works again after %d failures", self.consecutive_failures)
                self.consecutive_failures = 0
                try:
                    await self._process(response, since=since)
                except Exception:
                    log.exception("handling a Matrix sync batch failed; continuing with the next")
                continue
            wait = None
            if response.status_code == "M_LIMIT_EXCEEDED" and response.retry_after_ms:
                wait = response.retry_after_ms / 1000
            if response.status_code == "M_UNKNOWN_TOKEN":
                log.error("the homeserver no longer accepts the bot's access token; log in again")
            await self._back_off(str(response), wait)

    async def _back_off(self, reason: str, wait: float | None) -> None:
        """Wait longer after each failure in a row (capped); always say so in the log."""
        self.consecutive_failures += 1
        n = self.consecutive_failures
        if wait is None:
            wait = min(_BACKOFF_START_S * 2 ** (n - 1), self._settings.sync_backoff_max_s)
        level = logging.WARNING if n < 10 else logging.ERROR
        log.log(level, "Matrix sync failed (%s), %d in a row; retrying in %.1f s", reason, n, wait)
        await asyncio.sleep(wait)

    async def wait_for_room(self, room_id: str, within: float) -> bool:
        """True once nio knows the room (joined and synced), False after `within` seconds."""
        if room_id in self._client.rooms:
            return True
        deadline = time.monotonic() + within
        async with self._synced:
            while room_id not in self._client.rooms:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                try:
                    await asyncio.wait_for(self._synced.wait(), left)
                except TimeoutError:
                    return room_id in self._client.rooms
        return True

    # --- one batch ------------------------------------------------------------------

    async def _process(self, response: nio.SyncResponse, *, since: str | None) -> None:
        """Hand one sync batch to the core; `since` is where it started (None: first start)."""
        for room_id, info in response.rooms.invite.items():
            await self._on_invite(room_id, info)
        for room_id in response.rooms.leave:
            if room_id in self._room_names:
                log.warning("the bot is no longer in configured room %s", self._room_names[room_id])
        for room_id, info in response.rooms.join.items():
            self._note_creators(room_id, [*info.state, *info.timeline.events])
        if since is not None:
            for room_id, info in response.rooms.join.items():
                events = list(info.timeline.events)
                if info.timeline.limited and info.timeline.prev_batch:
                    events = await self._fill_gap(room_id, info.timeline.prev_batch, since) + events
                for event in self._after_own_join(events):
                    await self._deliver(room_id, event)
            await self._retry_undecrypted()
        await self._share_keys()
        self._state.next_batch = response.next_batch
        self._state.delivered.clear()
        await self._save()
        async with self._synced:
            self._synced.notify_all()

    async def _fill_gap(self, room_id: str, prev_batch: str, since: str) -> list[Any]:
        """The events the server left out of a limited timeline, oldest first: a busy room or a
        long downtime must not lose responses. Paged backwards from the timeline to `since`."""
        gap: list[Any] = []
        start = prev_batch
        for _ in range(GAP_PAGES):
            response = await self._retrier.run(
                f"history of {room_id}",
                partial(self._client.room_messages, room_id, start, since, limit=TIMELINE_LIMIT),
            )
            assert isinstance(response, nio.RoomMessagesResponse)
            gap.extend(response.chunk)  # newest first
            if not response.chunk or not response.end or response.end == start:
                break
            start = response.end
        else:
            log.warning("room %s: more than %d events arrived at once; the oldest are skipped",
                        room_id, GAP_PAGES * TIMELINE_LIMIT)  # fmt: skip
        log.info("room %s: fetched %d events the sync left out", room_id, len(gap))
        return list(reversed(gap))

    def _note_creators(self, room_id: str, events: list[Any]) -> None:
        for event in events:
            if not isinstance(event, nio.RoomCreateEvent):
                continue
            if event.room_version in _LEVELLED_CREATOR_VERSIONS:
                self._creators.pop(room_id, None)
                continue
            extra = event.source.get("content", {}).get("additional_creators", [])
            creators = {event.sender, *(u for u in extra if isinstance(u, str))}
            self._creators[room_id] = creators

    def _after_own_join(self, events: list[Any]) -> list[Any]:
        """A room just joined comes with some history; only what follows the join is new."""
        start = 0
        for index, event in enumerate(events):
            if (
                isinstance(event, nio.RoomMemberEvent)
                and event.state_key == self._client.user_id
                and event.membership == "join"
                and event.prev_membership != "join"
            ):
                start = index + 1
        return events[start:]

    async def _on_invite(self, room_id: str, info: nio.InviteInfo) -> None:
        if room_id in self._room_names:
            log.info("accepting the invite to configured room %s", self._room_names[room_id])
            await self._quietly(f"join {room_id}", lambda: self._client.join(room_id))
            return
        invite = next(
            (
                e
                for e in info.invite_state
                if isinstance(e, nio.InviteMemberEvent)
                and e.state_key == self._client.user_id
                and e.membership == "invite"
            ),
            None,
        )
        inviter = invite.sender if invite is not None else "?"
        direct = invite is not None and invite.content.get("is_direct") is True
        if direct and self._in_a_group_room(inviter):
            # A member's "start chat": the DM the README sends them to for anonymous prompts.
            log.info("accepting a direct chat from %s", inviter)
            try:
                await self._retrier.run(f"join {room_id}", lambda: self._client.join(room_id))
            except AdapterError as exc:
                log.warning("%s", exc)
                return
            await self._direct.adopt(inviter, room_id)
            return
        why = "a direct chat from someone in no group room" if direct else "not a configured room"
        log.info("declining an invite to %s from %s: %s", room_id, inviter, why)
        await self._quietly(f"decline {room_id}", lambda: self._client.room_leave(room_id))

    def _in_a_group_room(self, user_id: str) -> bool:
        """Whether `user_id` has joined one of the configured group rooms."""
        rooms = self._client.rooms
        return any(
            user_id in rooms[room_id].users for room_id in self._room_names if room_id in rooms
        )

    async def _quietly(self, what: str, request: Callable[[], Awaitable[Any]]) -> None:
        try:
            await self._retrier.run(what, request)
        except AdapterError as exc:
            log.warning("%s", exc)

    async def _share_keys(self) -> None:
        """The e2e bookkeeping nio's own sync_forever does between syncs."""
        client = self._client
        if client.olm is None:
            return
        if client.should_upload_keys:
            await self._quietly("upload e2e keys", client.keys_upload)
        if client.should_query_keys:
            await self._quietly("query e2e keys", client.keys_query)
        if client.should_claim_keys:
            users = client.get_users_for_key_claiming()
            await self._quietly("claim e2e keys", lambda: client.keys_claim(users))
        try:
            for reply in await client.send_to_device_messages():
                if isinstance(reply, nio.ErrorResponse):
                    log.warning("sending e2e to-device messages failed: %s", reply)
        except (aiohttp.ClientError, TimeoutError, ConnectionError) as exc:
            log.warning("sending e2e to-device messages failed: %s", type(exc).__name__)

    async def _retry_undecrypted(self) -> None:
        if not self._undecrypted:
            return
        waiting, self._undecrypted = self._undecrypted, []
        now = time.monotonic()
        for room_id, event, first_seen in waiting:
            try:
                decrypted = self._client.decrypt_event(event)
            except nio.EncryptionError:
                if now - first_seen < UNDECRYPTED_KEEP_S:
                    self._undecrypted.append((room_id, event, first_seen))
                else:
                    log.warning("dropping event %s in %s: its room key never arrived",
                                event.event_id, room_id)  # fmt: skip
                continue
            await self._deliver(room_id, decrypted)

    # --- one event ------------------------------------------------------------------

    def is_admin_in(self, room_id: str, user_id: str) -> bool:
        """Whether `user_id` is an admin of the group room `room_id`: listed as one in the config,
        a creator (rooms v12+), or at power level 50 or more there. Only a configured group
        room can make anyone an admin; the rooms a command comes from (a DM) never do."""
        name = self._room_names.get(room_id)
        if name is None:
            return False
        if user_id in self._admins.get(name, ()) or user_id in self._admins.get(room_id, ()):
            return True
        if user_id in self._creators.get(room_id, ()):
            return True
        room = self._client.rooms.get(room_id)
        return room is not None and room.power_levels.get_user_level(user_id) >= ADMIN_POWER

    def _is_direct(self, room_id: str, room: nio.MatrixRoom | None) -> bool:
        if self._direct.is_direct(room_id):
            return True
        return room_id not in self._room_names and room is not None and room.member_count <= 2

    async def _deliver(self, room_id: str, event: Any) -> None:
        if isinstance(event, nio.MegolmEvent):
            log.info("event %s in %s waits for its room key", event.event_id, room_id)
            self._undecrypted.append((room_id, event, time.monotonic()))
            return
        sender = getattr(event, "sender", None)
        if not isinstance(sender, str) or sender == self._client.user_id:
            return
        if not isinstance(event, nio.RoomMessage | nio.RedactionEvent):
            return
        room = self._client.rooms.get(room_id)
        where = Where(
            room=self._room_names.get(room_id, room_id),
            is_direct=self._is_direct(room_id, room),
            display_name=(room.user_name(sender) if room else None) or sender,
        )
        inbound = translate(event.source, where)
        if inbound is None or event.event_id in self._state.delivered:
            return
        self._state.delivered.append(event.event_id)
        await self._save()
        try:
            # Its own task, awaited at once: events stay in order, and the core sees each
            # event's handling as one task that ends (what its drain-on-shutdown waits for).
            await asyncio.create_task(self._core.handle(inbound), name=f"matrix {event.event_id}")
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("the core failed on Matrix event %s in %s", event.event_id, room_id)


def _live_filter() -> dict[str, Any]:
    return {"room": {"timeline": {"limit": TIMELINE_LIMIT}}}
