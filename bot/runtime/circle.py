"""The core: routes inbound events, runs due actions, and keeps each group's schedule planned."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from bot.commands.dispatch import dispatch
from bot.commands.spec import COMMANDS, CommandSpec
from bot.community import activity as community
from bot.config.model import Config, Group
from bot.core.clock import Clock
from bot.core.events import (
    CommandReceived,
    InboundEvent,
    MessageDeleted,
    MessageEdited,
    ReplyReceived,
)
from bot.core.platform import Platform
from bot.runtime.ownership import deliverable_groups, instance_name, process_name
from bot.runtime.ratelimit import RateLimiter
from bot.schedule.planner import plan_group, plan_groups
from bot.sessions import lifecycle
from bot.sessions.responses import on_delete, on_edit, on_reply
from bot.storage import Action, Storage

log = logging.getLogger(__name__)

RETRY_DELAYS = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
)

Reloader = Callable[[], Awaitable[Config]]


class StudyCircle:
    """The platform-agnostic bot. Adapters call `handle`; the waker calls `run_due`."""

    commands: tuple[CommandSpec, ...] = COMMANDS

    def __init__(
        self,
        *,
        config: Config,
        storage: Storage,
        platforms: Mapping[str, Platform],
        clock: Clock,
        reloader: Reloader | None = None,
        anonymity_key: bytes,
        instance: str | None = None,
    ) -> None:
        self.config = config
        self._deliverable: list[str] | None = None
        self._deliverable_for: Config | None = None
        self.storage = storage
        self.platforms = dict(platforms)
        self.clock = clock
        self.reloader = reloader
        self.anonymity_key = anonymity_key
        # the names this process claims due actions under (several may share one database)
        self.instance = instance or instance_name(config, self.platforms)
        self.owner = process_name(self.instance)
        # claimed together: small, so that several processes share a busy moment's work
        self.claim_batch = 10
        self.on_schedule_change: Callable[[], None] | None = None
        self._due_lock = asyncio.Lock()
        limit = config.spec.rate_limit
        self.rate_limiter = RateLimiter(limit.commands, limit.per)
        self._inflight: set[asyncio.Task[None]] = set()

    # -- set-up -------------------------------------------------------------------

    async def start(self) -> None:
        taken = await self.storage.release_claims_of(self.instance)
        if taken:
            log.info("took back %d claims this instance held before it restarted", taken)
        await self.apply_config(self.config)

    async def apply_config(self, config: Config) -> list[str]:
        """Adopt a (new) config: sync groups, replan changed schedules. Returns archived group ids."""
        old = {g.id: g for g in self.config.groups}
        if config.spec.rate_limit != self.config.spec.rate_limit:
            limit = config.spec.rate_limit
            self.rate_limiter = RateLimiter(limit.commands, limit.per)
        self.config = config
        now = self.clock.now()
        archived = await self.storage.sync_groups(
            ((g.id, g.platform, g.room, g.reading.id) for g in config.groups), now
        )
        for gid in archived:
            log.info("group %s is no longer in the config: archived, its data kept", gid)
        for group in config.groups:
            before = old.get(group.id)
            if before is not None and before.spec != group.spec:
                # Future reminders and openings follow the new schedule; responses are untouched.
                await self.storage.cancel_actions(group.id, ["remind", "open"])
        # All groups in a few queries: one at a time took 14 s at start-up with 10,000 groups.
        await plan_groups(self.storage, config.groups, now)
        if old:
            await self._tell_platforms_about_rooms(config)
        self.schedule_changed()
        return archived

    async def _tell_platforms_about_rooms(self, config: Config) -> None:
        """Adapters that join rooms (Matrix) learn the reloaded config's rooms and admin lists."""
        for name, platform in self.platforms.items():
            update = getattr(platform, "update_rooms", None)
            if update is None:
                continue
            groups = [g for g in config.groups if g.platform == name]
            rooms = tuple(g.room for g in groups)
            admins = {g.room: tuple(str(a) for a in g.spec.admins) for g in groups}
            try:
                await update(rooms, admins)
            except Exception:
                log.exception("platform %s could not adopt the reloaded rooms", name)

    def schedule_changed(self) -> None:
        if self.on_schedule_change is not None:
            self.on_schedule_change()

    # -- lookups ------------------------------------------------------------------

    def platform(self, name: str) -> Platform:
        try:
            return self.platforms[name]
        except KeyError:
            raise LookupError(f"platform {name!r} is not running") from None

    def group(self, group_id: str) -> Group | None:
        return self.config.group(group_id)

    def groups_in(self, platform: str, room: str) -> tuple[Group, ...]:
        return self.config.groups_in(platform, room)

    async def current_prompts(self, platform: str, room: str) -> list[tuple[int, str]]:
        for group in self.groups_in(platform, room):
            session = await self.storage.open_session(group.id)
            if session is not None:
                return [(p.number, p.text) for p in await self.storage.prompts(session.id)]
        return []

    # -- inbound ------------------------------------------------------------------

    async def handle(self, event: InboundEvent) -> None:
        """Handle one inbound event. Never raises: a failure is logged and the member told."""
        task = asyncio.current_task()
        if task is not None:
            self._inflight.add(task)
        try:
            if self._shared_inbound(event) and not await self._first_sight(event):
                return
            if isinstance(event, CommandReceived | ReplyReceived):
                verdict = self.rate_limiter.check(
                    f"{event.member.platform}:{event.member.user_id}", self.clock.now()
                )
                if verdict != "ok":
                    if verdict == "warn":  # told once; later ones are dropped in silence
                        await self._slow_down(event)
                    return
            if isinstance(event, CommandReceived):
                await dispatch(self, event)
            elif isinstance(event, ReplyReceived):
                await on_reply(self, event)
            elif isinstance(event, MessageEdited):
                await on_edit(self, event)
            elif isinstance(event, MessageDeleted):
                await on_delete(self, event)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("handling a %s failed", type(event).__name__)
            await self._apologise(event)
        finally:
            if task is not None:
                self._inflight.discard(task)

    def _shared_inbound(self, event: InboundEvent) -> bool:
        """Whether other processes may receive this message too (and only one may answer)."""
        return (
            event.origin.message_id is not None
            and isinstance(event, CommandReceived | ReplyReceived)
            and event.origin.platform != "console"  # one terminal, one process
            and self.storage.dialect != "sqlite"  # one process per SQLite file
        )

    async def _first_sight(self, event: InboundEvent) -> bool:
        """False for a message another process already took: replicas syncing one Matrix
        account all receive every message, and exactly one of them may answer it."""
        message_id = event.origin.message_id
        assert message_id is not None
        first = await self.storage.first_sight(event.origin.platform, message_id, self.clock.now())
        if not first:
            log.debug("message %s on %s is handled elsewhere", message_id, event.origin.platform)
        return first

    async def _slow_down(self, event: CommandReceived | ReplyReceived) -> None:
        from bot.sessions import render

        log.info(
            "a member on %s is sending commands too fast; slowing them down", event.member.platform
        )
        await self.platform(event.origin.platform).reply(
            event.origin,
            render.reply(
                "You are sending commands faster than I can take them; I'll ignore them for a minute."
            ),
        )

    async def _apologise(self, event: InboundEvent) -> None:
        from bot.sessions import render

        try:
            platform = self.platform(event.origin.platform)
            await platform.reply(
                event.origin,
                render.reply(
                    "Sorry, something went wrong on my side; nothing was changed. Please try again in a moment."
                ),
            )
        except Exception:
            log.exception("could not tell the member about the failure")

    # -- due actions --------------------------------------------------------------

    def deliverable(self) -> list[str] | None:
        """The groups whose actions this process may claim: their platform (and shard) runs
        here. None when that is every configured group (no filter to send each time)."""
        config = self.config
        if self._deliverable_for is not config:  # worked out once per config, not per wake-up
            chosen = deliverable_groups(config, self.platforms)
            self._deliverable = None if len(chosen) == len(config.groups) else chosen
            self._deliverable_for = config
        return self._deliverable

    async def next_due(self) -> datetime | None:
        return await self.storage.next_due(self.deliverable())

    async def run_due(self) -> int:
        """Claim and run every action due by now, oldest first. Returns how many were run.

        Claims go through the database, so several processes sharing it never run the same
        action at once; a claim left by a process that died is taken over when its lease ends.
        """
        ran = 0
        async with self._due_lock:
            while True:
                now = self.clock.now()
                batch = await self.storage.claim_due_actions(
                    now,
                    owner=self.owner,
                    lease=self.config.spec.claim_lease,
                    groups=self.deliverable(),
                    limit=self.claim_batch,
                )
                if not batch:
                    break
                done: set[int] = set()
                try:
                    for action in batch:
                        async with self._holding(action):
                            await self._run(action)
                        done.add(action.id)
                        ran += 1
                finally:
                    rest = [a.id for a in batch if a.id not in done]
                    if rest:
                        # cancelled mid-batch (shutdown): hand the rest back at once
                        await asyncio.shield(self.storage.release_actions(rest, self.owner))
        self.schedule_changed()
        return ran

    @asynccontextmanager
    async def _holding(self, action: Action) -> AsyncIterator[None]:
        """Renew the claim on `action` while it runs, so a slow send is not taken over."""
        lease = self.config.spec.claim_lease

        async def renew() -> None:
            while True:
                wait = self.clock.real_seconds_until(self.clock.now() + lease / 3)
                await asyncio.sleep(max(0.05, wait))
                if not await self.storage.renew_claim(
                    action.id, self.owner, self.clock.now() + lease
                ):
                    log.warning("action %s was taken over by another process mid-run", action.id)
                    return

        renewing = asyncio.create_task(renew(), name=f"studybot-lease-{action.id}")
        try:
            yield
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await renewing

    async def _run(self, action: Action) -> None:
        group = self.group(action.group_id)
        now = self.clock.now()
        if group is None:
            await self.storage.finish_action(action.id, "cancelled", now)
            return
        grace = group.grace_period or self.config.spec.grace_period
        late = now - action.due_at
        try:
            if action.kind in ("open", "remind") and late > grace and action.attempts == 0:
                await self.storage.finish_action(action.id, "missed", now, "past the grace period")
                log.warning(
                    "group %s: %s due %s missed (bot was offline)",
                    group.id,
                    action.kind,
                    action.due_at,
                )
                if action.kind == "open":
                    await lifecycle.report_missed(self, group, action)
            elif action.kind == "open":
                await lifecycle.open_session(self, group, action.key)
                await self.storage.finish_action(action.id, "done", self.clock.now())
            elif action.kind == "remind":
                await lifecycle.remind(self, group, action)
                await self.storage.finish_action(action.id, "done", self.clock.now())
            elif action.kind == "retention":
                days = group.spec.retention_days
                if days:
                    removed = await self.storage.purge_responses(
                        group.id, now - timedelta(days=days)
                    )
                    log.info(
                        "group %s: retention removed %d responses older than %d days",
                        group.id,
                        removed,
                        days,
                    )
                await self.storage.finish_action(action.id, "done", self.clock.now())
            elif action.kind == "close":
                session = await self.storage.open_session(group.id)
                if session is not None and session.opened_at == action.slot:
                    await lifecycle.close_session(self, group, session)
                await self.storage.finish_action(action.id, "done", self.clock.now())
            elif action.kind in community.ACTION_KINDS:
                await community.run_action(self, group, action)
                await self.storage.finish_action(action.id, "done", self.clock.now())
            else:
                await self.storage.finish_action(action.id, "done", now)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            attempt = action.attempts
            if attempt >= len(RETRY_DELAYS):
                log.exception(
                    "group %s: %s failed %d times; giving up", group.id, action.kind, attempt + 1
                )
                await self.storage.finish_action(
                    action.id, "failed", self.clock.now(), type(exc).__name__
                )
            else:
                retry = self.clock.now() + RETRY_DELAYS[attempt]
                log.warning(
                    "group %s: %s failed (%s); it stays pending and is retried at %s",
                    group.id,
                    action.kind,
                    type(exc).__name__,
                    retry,
                )
                await self.storage.action_failed(action.id, type(exc).__name__, retry)
            return
        await plan_group(self.storage, group, self.clock.now())

    async def drain(self) -> None:
        """Wait for inbound events already being handled (used before shutdown)."""
        pending = [t for t in self._inflight if t is not asyncio.current_task()]
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
