"""Due actions: claimed through the database (so processes sharing it never run one twice),
renewed while they run, retried with back-off, and each run by its kind's handler."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from bot.schedule.planner import plan_group
from bot.services import ActionKinds, Services
from bot.storage import Action

log = logging.getLogger(__name__)

RETRY_DELAYS = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
)


class DueActions:
    """Runs what is due, oldest first, through the table of action kinds."""

    def __init__(
        self,
        services: Services,
        kinds: ActionKinds,
        *,
        owner: str,
        deliverable: Callable[[], list[str] | None],
    ) -> None:
        self.services = services
        self.kinds = kinds
        self.owner = owner  # this run's name on its claims
        self._deliverable = deliverable
        # claimed together: small, so that several processes share a busy moment's work
        self.claim_batch = 10
        self._lock = asyncio.Lock()

    async def next_due(self) -> datetime | None:
        return await self.services.storage.next_due(self._deliverable())

    async def run_due(self) -> int:
        """Claim and run every action due by now, oldest first. Returns how many were run.

        Claims go through the database, so several processes sharing it never run the same
        action at once; a claim left by a process that died is taken over when its lease ends.
        """
        services = self.services
        storage = services.storage
        ran = 0
        async with self._lock:
            while True:
                batch = await storage.claim_due_actions(
                    services.clock.now(),
                    owner=self.owner,
                    lease=services.config.spec.claim_lease,
                    groups=self._deliverable(),
                    limit=self.claim_batch,
                )
                if not batch:
                    break
                done: set[int] = set()
                try:
                    for together, run in self._runs(batch):
                        if together:
                            await self._run_alongside(run, done)
                        else:
                            await self._run_held(run[0], done)
                    ran += len(done)
                finally:
                    rest = [a.id for a in batch if a.id not in done]
                    if rest:
                        # cancelled mid-batch (shutdown): hand the rest back at once
                        await asyncio.shield(storage.release_actions(rest, self.owner))
        services.schedule_changed()
        return ran

    def _runs(self, batch: list[Action]) -> list[tuple[bool, list[Action]]]:
        """The batch in order, cut into single actions and stretches of `alongside` ones."""
        runs: list[tuple[bool, list[Action]]] = []
        for action in batch:
            kind = self.kinds.get(action.kind)
            together = kind is not None and kind.alongside
            if together and runs and runs[-1][0]:
                runs[-1][1].append(action)
            else:
                runs.append((together, [action]))
        return runs

    async def _run_held(self, action: Action, done: set[int]) -> None:
        async with self._holding(action):
            await self.run_one(action)
        done.add(action.id)

    async def _run_alongside(self, run: list[Action], done: set[int]) -> None:
        """Each group's actions in order, the groups at the same time."""
        by_group: dict[str, list[Action]] = {}
        for action in run:
            by_group.setdefault(action.group_id, []).append(action)

        async def one_group(actions: list[Action]) -> None:
            for action in actions:
                await self._run_held(action, done)

        await asyncio.gather(*(one_group(actions) for actions in by_group.values()))

    @asynccontextmanager
    async def _holding(self, action: Action) -> AsyncIterator[None]:
        """Renew the claim on `action` while it runs, so a slow send is not taken over."""
        services = self.services
        lease = services.config.spec.claim_lease

        async def renew() -> None:
            while True:
                wait = services.clock.real_seconds_until(services.clock.now() + lease / 3)
                await asyncio.sleep(max(0.05, wait))
                if not await services.storage.renew_claim(
                    action.id, self.owner, services.clock.now() + lease
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

    async def run_one(self, action: Action) -> None:
        """Run one claimed action by its kind; a failure leaves it pending for a retry."""
        services = self.services
        storage = services.storage
        group = services.group(action.group_id)
        now = services.clock.now()
        if group is None:
            await storage.finish_action(action.id, "cancelled", now)
            return
        kind = self.kinds.get(action.kind)
        grace = group.grace_period or services.config.spec.grace_period
        try:
            if kind is None:
                await storage.finish_action(action.id, "done", now)
            elif kind.ends_with_course and (await storage.group_state(group.id)).finished:
                await storage.finish_action(action.id, "cancelled", now, "the course has finished")
                log.info("group %s: %s not sent, the course has finished", group.id, action.kind)
            elif kind.missable and now - action.due_at > grace and action.attempts == 0:
                await storage.finish_action(action.id, "missed", now, "past the grace period")
                log.warning(
                    "group %s: %s due %s missed (bot was offline)",
                    group.id,
                    action.kind,
                    action.due_at,
                )
                if kind.when_missed is not None:
                    await kind.when_missed(services, group, action)
            else:
                await kind.run(services, group, action)
                await storage.finish_action(action.id, "done", services.clock.now())
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            attempt = action.attempts
            if attempt >= len(RETRY_DELAYS):
                log.exception(
                    "group %s: %s failed %d times; giving up", group.id, action.kind, attempt + 1
                )
                await storage.finish_action(
                    action.id, "failed", services.clock.now(), type(exc).__name__
                )
            else:
                retry = services.clock.now() + RETRY_DELAYS[attempt]
                log.warning(
                    "group %s: %s failed (%s); it stays pending and is retried at %s",
                    group.id,
                    action.kind,
                    type(exc).__name__,
                    retry,
                )
                await storage.action_failed(action.id, type(exc).__name__, retry)
            return
        await plan_group(storage, group, services.clock.now())
