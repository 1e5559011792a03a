"""Inbound events, routed: rate-limited, taken once across processes, and handed to commands or
to the responses they are; a failure is logged and the member told, never raised."""

from __future__ import annotations

import asyncio
import logging

from bot.commands.dispatch import dispatch, first_words, room_group
from bot.core.events import (
    CommandReceived,
    InboundEvent,
    MessageDeleted,
    MessageEdited,
    ReplyReceived,
)
from bot.core.platform import Change
from bot.runtime.cleaning import nameless, well_formed
from bot.runtime.ratelimit import RateLimiter
from bot.services import Services
from bot.sessions import passages, render
from bot.sessions.expiry import note_member_message
from bot.sessions.language import for_room
from bot.sessions.responses import on_delete, on_edit, on_reply
from bot.sessions.thread_answers import acknowledge, on_thread_message

log = logging.getLogger(__name__)

# what a member sent, as a tuple made once (`A | B` builds a new union at every event)
_FROM_A_MEMBER = (CommandReceived, ReplyReceived)


class Inbox:
    """Where adapters' events arrive (through `StudyCircle.handle`)."""

    def __init__(self, services: Services, rate_limiter: RateLimiter) -> None:
        self.services = services
        self.rate_limiter = rate_limiter
        self._inflight: set[asyncio.Task[None]] = set()
        self._stopping = False

    async def handle(self, event: InboundEvent) -> None:
        """Handle one inbound event. Never raises: a failure is logged and the member told."""
        services = self.services
        if self._stopping:  # a line typed after Ctrl-C, or a sync batch caught in shutdown
            log.info("a %s arrived while the bot stops; not taken", type(event).__name__)
            return
        # Every adapter's events pass here, so broken text is cleaned once, for all of them.
        event = nameless(services.config, well_formed(event))
        task = asyncio.current_task()
        if task is not None:
            self._inflight.add(task)
        try:
            if self._shared_inbound(event) and not await self._first_sight(event):
                return
            if (
                isinstance(event, _FROM_A_MEMBER)
                and not event.origin.is_direct
                and event.origin.message_id is not None  # what it notes; no await without one
            ):
                await note_member_message(
                    services,
                    platform=event.origin.platform,
                    room=event.origin.room,
                    thread=event.origin.thread,
                    message_id=event.origin.message_id,
                    in_reply_to=event.in_reply_to if isinstance(event, ReplyReceived) else None,
                )
            if isinstance(event, _FROM_A_MEMBER):
                verdict = self.rate_limiter.check(
                    f"{event.member.platform}:{event.member.user_id}", services.clock.now()
                )
                if verdict != "ok":
                    if verdict == "warn":  # told once; later ones are dropped in silence
                        await self._slow_down(event)
                    return
            if isinstance(event, CommandReceived):
                await dispatch(services, event)
            elif isinstance(event, ReplyReceived):
                # a prompt's reply first (the usual case), else a passage's, else a line typed
                # into a session's thread
                if not await on_reply(services, event) and not await passages.on_reply(
                    services, event
                ):
                    await on_thread_message(services, event)
            elif isinstance(event, MessageEdited):
                if await on_edit(services, event):
                    await acknowledge(services, event.origin, event.message_id, Change.EDITED)
                await passages.on_edit(services, event)
            elif isinstance(event, MessageDeleted):
                if await on_delete(services, event):
                    await acknowledge(services, event.origin, event.message_id, Change.DELETED)
                await passages.on_delete(services, event)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("handling a %s failed", type(event).__name__)
            await self._apologise(event)
        finally:
            if task is not None:
                self._inflight.discard(task)

    async def drain(self) -> None:
        """Stop taking events, and wait for those already being handled (before shutdown):
        work in hand finishes, and nothing starts that the closing database would cut off."""
        self._stopping = True
        pending = [t for t in self._inflight if t is not asyncio.current_task()]
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

    def _shared_inbound(self, event: InboundEvent) -> bool:
        """Whether other processes may receive this message too (and only one may answer)."""
        return (
            event.origin.message_id is not None
            and isinstance(event, _FROM_A_MEMBER)
            and event.origin.platform != "console"  # one terminal, one process
            and self.services.storage.dialect != "sqlite"  # one process per SQLite file
        )

    async def _first_sight(self, event: InboundEvent) -> bool:
        """False for a message another process already took: replicas syncing one Matrix
        account all receive every message, and exactly one of them may answer it."""
        message_id = event.origin.message_id
        assert message_id is not None
        first = await self.services.storage.first_sight(
            event.origin.platform, message_id, self.services.clock.now()
        )
        if not first:
            log.debug("message %s on %s is handled elsewhere", message_id, event.origin.platform)
        return first

    async def _slow_down(self, event: CommandReceived | ReplyReceived) -> None:
        log.info(
            "a member on %s is sending commands too fast; slowing them down", event.member.platform
        )
        words = await first_words(self.services, event)
        slow = words.gettext(
            "You are sending commands faster than I can take them; I'll ignore them for a minute."
        )
        await self.services.platform(event.origin.platform).reply(event.origin, render.reply(slow))

    async def _apologise(self, event: InboundEvent) -> None:
        try:
            platform = self.services.platform(event.origin.platform)
            # the room's words: the storage may be what went wrong, so no member is looked up
            words = for_room(room_group(self.services, event.origin))
            sorry = words.gettext(
                "Sorry, something went wrong on my side; nothing was changed. Please try again in "
                "a moment."
            )
            await platform.reply(event.origin, render.reply(sorry))
        except Exception:
            log.exception("could not tell the member about the failure")
