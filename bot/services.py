"""The narrow handle domain code gets instead of the whole running bot, and the two extension
points that hang off it: hooks when a session opens or closes, and the table of action kinds.

Command handlers and the sessions and community functions take a `Services`; the runtime builds
it once. The runtime's own machinery (inbox, due actions, waker) stays behind `Runtime`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from bot.config.model import Config, Group
from bot.core.clock import Clock
from bot.core.platform import Platform
from bot.core.records import Action, Session
from bot.schedule.course_plan import PlanChange
from bot.storage import Storage


@dataclass(frozen=True, slots=True, kw_only=True)
class Reloaded:
    """A config re-read and adopted; `archived` names the groups it no longer has, `changes`
    the groups whose next session it moved or gave another section."""

    config: Config
    archived: list[str]
    changes: tuple[PlanChange, ...] = ()


class Runtime(Protocol):
    """What `Services` asks of the running bot behind it."""

    clock: Clock

    @property
    def config(self) -> Config: ...

    def platform(self, name: str) -> Platform: ...

    async def reload(self) -> Reloaded | None:
        """Re-read the config file and adopt it (None where reloading is not available);
        raises ConfigError, with every problem, when the file is wrong."""
        ...

    def schedule_changed(self) -> None: ...

    async def run_due(self) -> int: ...


SessionHook = Callable[["Services", Group, Session], Awaitable[None]]


@dataclass(slots=True)
class SessionHooks:
    """What else happens when a session opens or closes (pairing, nudges, digests...): the
    features register here, so the session lifecycle never imports them."""

    opened: list[SessionHook] = field(default_factory=list)
    closed: list[SessionHook] = field(default_factory=list)

    async def session_opened(self, services: Services, group: Group, session: Session) -> None:
        for hook in self.opened:
            await hook(services, group, session)

    async def session_closed(self, services: Services, group: Group, session: Session) -> None:
        for hook in self.closed:
            await hook(services, group, session)


ActionRun = Callable[["Services", Group, Action], Awaitable[None]]


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionKind:
    """How one kind of pending action runs. `missable`: on its first try past the group's grace
    period (the bot was down) it is recorded as missed instead, and `when_missed` runs.
    `ends_with_course`: it asks members to take part in sessions (a reminder, a nudge, "we
    miss you"), so once the group's course has finished it is cancelled instead of run.
    `alongside`: long, paced work (removing an expired discussion) that runs at the same time
    as the other groups' actions of its batch, so that one group's per-channel limit does not
    hold up the rest; each group's own actions still run one after another."""

    run: ActionRun
    missable: bool = False
    when_missed: ActionRun | None = None
    ends_with_course: bool = False
    # what `status` calls it, in the admin's words (marked with N_, translated when shown)
    label: str = ""
    alongside: bool = False


ActionKinds = dict[str, ActionKind]


@dataclass(frozen=True, slots=True, kw_only=True)
class Services:
    """What domain code uses: the config of the moment, storage, the clock, the platforms, the
    anonymity key, the hooks, and the few things it may ask of the runtime."""

    storage: Storage
    anonymity_key: bytes = field(repr=False)
    hooks: SessionHooks
    runtime: Runtime = field(repr=False)
    kinds: ActionKinds = field(default_factory=dict, repr=False)

    @property
    def config(self) -> Config:
        """The config in force now (a reload replaces it)."""
        return self.runtime.config

    @property
    def clock(self) -> Clock:
        return self.runtime.clock

    def platform(self, name: str) -> Platform:
        return self.runtime.platform(name)

    def group(self, group_id: str) -> Group | None:
        return self.runtime.config.group(group_id)

    async def reload(self) -> Reloaded | None:
        return await self.runtime.reload()

    def schedule_changed(self) -> None:
        self.runtime.schedule_changed()

    async def run_due(self) -> int:
        return await self.runtime.run_due()

    def action_label(self, kind: str) -> str:
        """An action kind as `status` names it (an N_ message; the kind itself when unlabelled)."""
        found = self.kinds.get(kind)
        return found.label if found is not None and found.label else kind
