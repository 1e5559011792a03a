"""The running core: adopts the config, routes inbound events (inbox), runs due actions
(actions), and tells the platforms what changed. Domain code gets `services`, not this."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime

from bot.commands.spec import COMMANDS, CommandSpec
from bot.community import hooks as community
from bot.config.model import Config, Group
from bot.core.clock import Clock
from bot.core.events import InboundEvent, MemberRef
from bot.core.platform import OpenPrompt, Platform, RoomsAware
from bot.runtime.actions import DueActions
from bot.runtime.inbox import Inbox
from bot.runtime.ownership import deliverable_groups, instance_name, process_name
from bot.runtime.ratelimit import RateLimiter
from bot.schedule.course_plan import PlanChange, plan_changes, plans, record_old_section_ids
from bot.schedule.planner import plan_groups
from bot.services import ActionKinds, Reloaded, Services, SessionHooks
from bot.sessions import actions as session_actions
from bot.sessions import calendar_events, expiry
from bot.sessions.answering import open_prompts
from bot.sessions.language import for_room
from bot.sessions.passages import reanchor_annotations, session_passages
from bot.sessions.shown import session_prompts
from bot.storage import Storage

log = logging.getLogger(__name__)

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
        self._config = config
        self._deliverable: list[str] | None = None
        self._deliverable_for: Config | None = None
        self.storage = storage
        self.platforms = dict(platforms)
        self.clock = clock
        self.reloader = reloader
        # the names this process claims due actions under (several may share one database)
        self.instance = instance or instance_name(config, self.platforms)
        self.on_schedule_change: Callable[[], None] | None = None
        self.hooks = SessionHooks()
        self.kinds: ActionKinds = {}
        session_actions.register(self.kinds)
        community.register(self.kinds, self.hooks)
        expiry.register(self.kinds, self.hooks)
        calendar_events.register(self.kinds, self.hooks)
        self.services = Services(
            storage=storage,
            anonymity_key=anonymity_key,
            hooks=self.hooks,
            runtime=self,
            kinds=self.kinds,
        )
        limit = config.spec.rate_limit
        self.inbox = Inbox(self.services, RateLimiter(limit.commands, limit.per))
        self.actions = DueActions(
            self.services,
            self.kinds,
            owner=process_name(self.instance),
            deliverable=self.deliverable,
        )

    # -- what the runtime exposes (Services reads these) --------------------------------

    @property
    def config(self) -> Config:
        return self._config

    @property
    def owner(self) -> str:
        return self.actions.owner

    @owner.setter
    def owner(self, name: str) -> None:
        self.actions.owner = name

    @property
    def claim_batch(self) -> int:
        return self.actions.claim_batch

    @claim_batch.setter
    def claim_batch(self, size: int) -> None:
        self.actions.claim_batch = size

    @property
    def rate_limiter(self) -> RateLimiter:
        return self.inbox.rate_limiter

    # -- set-up -------------------------------------------------------------------

    async def start(self) -> None:
        taken = await self.storage.release_claims_of(self.instance)
        if taken:
            log.info("took back %d claims this instance held before it restarted", taken)
        # The platforms were built with this config's rooms: nothing to tell them yet.
        await self._adopt(self._config, tell_platforms=False)

    async def apply_config(self, config: Config) -> list[str]:
        """Adopt a (new) config: sync groups, replan changed schedules. Returns archived group ids."""
        return (await self._adopt(config, tell_platforms=True)).archived

    async def reload(self) -> Reloaded | None:
        """Re-read the config file and adopt it; None where there is no file to re-read."""
        if self.reloader is None:
            return None
        config = await self.reloader()  # ConfigError, listing every problem, leaves all as it was
        return await self._adopt(config, tell_platforms=True)

    async def _adopt(self, config: Config, *, tell_platforms: bool) -> Reloaded:
        old = {g.id: g for g in self._config.groups}
        # Only a group whose config or readings changed can have a new plan: the others are
        # not looked at (a reload of 100,000 groups that edits one costs one group's queries).
        touched = [g for g in config.groups if g.id in old and old[g.id] != g]
        planned_before = await plans(self.storage, [old[g.id] for g in touched])
        if config.spec.rate_limit != self._config.spec.rate_limit:
            limit = config.spec.rate_limit
            self.inbox.rate_limiter = RateLimiter(limit.commands, limit.per)
        self._config = config
        now = self.clock.now()
        archived = await self.storage.sync_groups(
            ((g.id, g.platform, g.room, " ".join(g.spec.reading_ids)) for g in config.groups), now
        )
        for gid in archived:
            log.info("group %s is no longer in the config: archived, its data kept", gid)
        await record_old_section_ids(self.storage, config.readings)
        # notes on sentences an edit of a reading moved follow them (or are kept as orphaned)
        await reanchor_annotations(self.storage, config.readings)
        for group in config.groups:
            before = old.get(group.id)
            if before is not None and before.spec != group.spec:
                # Future reminders and openings follow the new schedule; responses are untouched.
                await self.storage.cancel_actions(group.id, ["remind", "open"])
        # All groups in a few queries: one at a time took 14 s at start-up with 10,000 groups.
        await plan_groups(self.storage, config.groups, now)
        changes: list[PlanChange] = plan_changes(
            planned_before, await plans(self.storage, touched), touched
        )
        for change in changes:
            log.info("group %s: the config changed its next session", change.group.id)
        if tell_platforms:
            await self._tell_platforms_about_rooms(config)
        self.schedule_changed()
        return Reloaded(config=config, archived=archived, changes=tuple(changes))

    async def _tell_platforms_about_rooms(self, config: Config) -> None:
        """Adapters that join rooms (Matrix) learn the reloaded config's rooms and admin lists."""
        for name, platform in self.platforms.items():
            if not isinstance(platform, RoomsAware):
                continue
            groups = [g for g in config.groups if g.platform == name]
            rooms = tuple(g.room for g in groups)
            admins = {g.room: tuple(str(a) for a in g.spec.admins) for g in groups}
            try:
                await platform.update_rooms(rooms, admins)
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
        return self._config.group(group_id)

    def groups_in(self, platform: str, room: str) -> tuple[Group, ...]:
        return self._config.groups_in(platform, room)

    async def current_prompts(self, platform: str, room: str) -> list[tuple[int, str]]:
        for group in self.groups_in(platform, room):
            session = await self.storage.open_session(group.id)
            if session is not None:  # in the room's language, as the thread shows them
                shown = await session_prompts(self.services, group, session, for_room(group).code)
                return [(p.number, p.text) for p in shown]
        return []

    async def open_prompts(
        self, member: MemberRef, platform: str, room: str
    ) -> tuple[OpenPrompt, ...]:
        return await open_prompts(self.services, member, self.groups_in(platform, room))

    async def passage_choices(
        self, platform: str, room: str, typed: str, *, width: int = 100
    ) -> list[tuple[str, str]]:
        for group in self.groups_in(platform, room):
            session = await self.storage.open_session(group.id)
            if session is not None:
                return session_passages(self.services, session).suggest(typed, width=width)
        return []

    # -- inbound and due work ------------------------------------------------------

    async def handle(self, event: InboundEvent) -> None:
        """Handle one inbound event. Never raises: a failure is logged and the member told."""
        await self.inbox.handle(event)

    def deliverable(self) -> list[str] | None:
        """The groups whose actions this process may claim: their platform (and shard) runs
        here. None when that is every configured group (no filter to send each time)."""
        config = self._config
        if self._deliverable_for is not config:  # worked out once per config, not per wake-up
            chosen = deliverable_groups(config, self.platforms)
            self._deliverable = None if len(chosen) == len(config.groups) else chosen
            self._deliverable_for = config
        return self._deliverable

    async def next_due(self) -> datetime | None:
        return await self.actions.next_due()

    async def run_due(self) -> int:
        return await self.actions.run_due()

    async def drain(self) -> None:
        """Stop taking inbound events, and wait for those being handled (before shutdown)."""
        await self.inbox.drain()
