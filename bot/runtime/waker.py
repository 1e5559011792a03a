"""Wakes the core at the next due action: one APScheduler job, moved whenever the schedule changes.

The schedule changes here (`poke`) and, on PostgreSQL, in other processes, which announce it
with NOTIFY: the waker LISTENs and looks again within moments. Polling every MAX_WAIT stays,
for SQLite, for a lost connection and for a lease that ran out (no process writes then)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.core.clock import Clock
from bot.storage.engines.database import Listening

if TYPE_CHECKING:
    from bot.runtime.circle import StudyCircle

log = logging.getLogger(__name__)

JOB_ID = "studybot-wake"
# Long sleeps overrun, and laptops suspend: never wait longer than this before looking again.
MAX_WAIT = 30.0
DENSE_WAIT_S = 0.05  # a next action this close is waited for inside the running wake-up
DENSE_ROUNDS = 10_000  # ... at most this many times in a row, then back to the scheduler


class Waker:
    """Keeps exactly one APScheduler job pointing at the earliest pending action.

    The actions table is the source of truth; this only decides when to look at it, so
    there is never one scheduler job per action.
    """

    def __init__(self, circle: StudyCircle, clock: Clock, *, listen: bool = True) -> None:
        self._circle = circle
        self._clock = clock
        self._listen = listen  # False: poll only (the benchmark's baseline)
        self._listening: Listening | None = None
        self._notice_pending = False  # a look caused by a notice is on its way
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._tasks: set[asyncio.Task[None]] = set()
        self._running = False
        self._waking = False  # a wake-up is running; it looks again when it ends

    def start(self) -> None:
        if self._running:
            return
        self._scheduler.start()
        self._running = True
        self._circle.on_schedule_change = self.poke
        self.poke()
        if self._listen:
            task = asyncio.get_running_loop().create_task(
                self._start_listening(), name="studybot-listen"
            )
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _start_listening(self) -> None:
        try:
            listening = await self._circle.storage.watch_actions(self.noticed)
        except Exception:
            log.exception("could not listen for other processes' work; polling only")
            return
        if not self._running:
            if listening is not None:
                await listening.close()
            return
        self._listening = listening

    def noticed(self) -> None:
        """Another process planned or freed an action: look at the schedule again, once."""
        if not self._running or self._waking or self._notice_pending:
            return  # a running wake-up looks again when it ends
        self._notice_pending = True
        self.poke()

    async def stop(self) -> None:
        if not self._running:
            return
        self._running = False
        self._circle.on_schedule_change = None
        if self._listening is not None:
            listening, self._listening = self._listening, None
            await listening.close()
        self._scheduler.shutdown(wait=False)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def poke(self) -> None:
        """Re-read the next due time and move the wake-up job to it."""
        if not self._running:
            return
        task = asyncio.get_running_loop().create_task(
            self._reschedule(), name="studybot-reschedule"
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _reschedule(self) -> None:
        self._notice_pending = False  # a notice from now on may be news this look misses
        try:
            due = await self._circle.next_due()
        except Exception:
            log.exception("could not read the next due action; looking again shortly")
            due = None
        wait = MAX_WAIT if due is None else min(MAX_WAIT, self._clock.real_seconds_until(due))
        run_at = datetime.now(UTC) + timedelta(seconds=wait)
        if not self._running or self._waking:
            # The running wake-up pokes again when it ends; a job now would only be skipped.
            return
        self._scheduler.add_job(
            self._wake,
            trigger=DateTrigger(run_date=run_at, timezone=UTC),
            id=JOB_ID,
            replace_existing=True,
            # A late wake-up must still run, never be dropped as a misfire.
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
        )

    async def _wake(self) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)  # so stop() cancels it before the storage closes
        self._waking = True
        try:
            for _ in range(DENSE_ROUNDS):
                await self._circle.run_due()
                # When the next action is moments away, wait for it here: a round through
                # the scheduler costs more than the wait (10,000 actions in a minute).
                due = await self._circle.next_due()
                wait = None if due is None else self._clock.real_seconds_until(due)
                if wait is None or wait > DENSE_WAIT_S:
                    break
                await asyncio.sleep(wait)
        except asyncio.CancelledError:
            if not self._running:
                return  # stop() cancelled this wake-up: the actions left stay pending
            raise
        except Exception:
            log.exception("running due actions failed; they stay pending")
        finally:
            self._waking = False
            if task is not None:
                self._tasks.discard(task)
            self.poke()
