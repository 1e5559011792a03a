"""Several processes on PostgreSQL hear of each other's new work at once (LISTEN/NOTIFY), and
fall back to polling while they cannot; SQLite polls (issue 12, item 24)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.runtime import waker as waker_module
from bot.runtime.waker import Waker
from bot.storage import open_storage
from bot.storage.engines import pg_listen
from bot.storage.migrations import ACTIONS_CHANNEL
from bot.testing import FakePlatform, Harness, make_harness
from tests.conftest import BASE_CONFIG, START
from tests.postgres_server import PostgresServer

# The first reminder, a day before Tuesday's session: what another process plans for now.
SOON = START + timedelta(minutes=1)


def ran_something(h: Harness) -> asyncio.Event:
    """An event set when `h`'s core runs at least one due action (its waker calls run_due)."""
    done = asyncio.Event()
    run_due = h.circle.run_due

    async def run_and_tell() -> int:
        ran = await run_due()
        if ran:
            done.set()
        return ran

    h.circle.run_due = run_and_tell  # type: ignore[method-assign]
    return done


@pytest.fixture
async def two_processes(
    write_config: Callable[[str], Path], postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Harness, Harness, Waker]]:
    """Two cores on one PostgreSQL database; the second runs a waker whose poll is an hour
    away, so only a notice can wake it within a test's patience."""
    monkeypatch.setattr(waker_module, "MAX_WAIT", 3600.0)
    config = write_config(BASE_CONFIG)
    url = postgres.fresh_database()
    planner = await make_harness(config, start=START, storage_path=url, platform=FakePlatform())
    worker = await make_harness(config, start=START, storage_path=url, platform=FakePlatform())
    worker.circle.owner = "worker/1"
    waker = Waker(worker.circle, worker.clock)
    waker.start()
    try:
        yield planner, worker, waker
    finally:
        await waker.stop()
        await worker.close()
        await planner.close()


async def until_listening(waker: Waker) -> Any:
    """The waker's listener, once its background start (a task of the waker's) has ended."""
    await asyncio.gather(*(t for t in waker._tasks if t.get_name() == "studybot-listen"))
    listening = waker._listening
    assert listening is not None and listening.connected
    return listening


async def plan_now(h: Harness, key: str) -> None:
    # a reminder planned for now by the other process, as its post-now or reload would
    await h.storage.add_actions([("readers", "remind", SOON, START + timedelta(days=1), key)])


async def test_a_process_runs_work_another_planned_without_waiting_for_its_poll(
    two_processes: tuple[Harness, Harness, Waker],
) -> None:
    planner, worker, waker = two_processes
    await until_listening(waker)
    worker.clock.set(SOON)
    done = ran_something(worker)
    await plan_now(planner, "readers:test:remind-now")
    await asyncio.wait_for(done.wait(), timeout=20)
    assert [s.key for s in worker.platform.posts()] == ["readers:test:remind-now:room"]
    assert planner.platform.posts() == []


async def test_a_lost_listening_connection_comes_back_and_catches_up(
    two_processes: tuple[Harness, Harness, Waker], monkeypatch: pytest.MonkeyPatch
) -> None:
    planner, worker, waker = two_processes
    monkeypatch.setattr(pg_listen, "FIRST_RETRY_S", 0.05)
    listening = await until_listening(waker)
    listening._first_retry = 0.05
    killed = await planner.storage._one(
        "SELECT COUNT(pg_terminate_backend(pid)) AS n FROM pg_stat_activity "
        "WHERE datname = current_database() AND query LIKE 'LISTEN%'"
    )
    assert killed is not None and killed["n"] == 1
    worker.clock.set(SOON)
    done = ran_something(worker)
    # planned while nobody listens: the notice is lost, and the reconnection makes up for it
    await plan_now(planner, "readers:test:remind-while-down")
    await asyncio.wait_for(done.wait(), timeout=20)
    assert listening.connections == 2
    assert [s.key for s in worker.platform.posts()] == ["readers:test:remind-while-down:room"]


async def test_only_news_is_announced_never_a_claim(
    write_config: Callable[[str], Path], postgres: PostgresServer
) -> None:
    url = postgres.fresh_database()
    h = await make_harness(write_config(BASE_CONFIG), start=START, storage_path=url)
    heard: asyncio.Queue[str] = asyncio.Queue()
    conn = await asyncpg.connect(url)
    try:
        await conn.add_listener(ACTIONS_CHANNEL, lambda *args: heard.put_nowait(args[2]))
        rows = [("readers", "remind", START, START, f"k{n}") for n in range(50)]
        await h.storage.add_actions(rows)  # fifty rows in one transaction: one notice
        assert await asyncio.wait_for(heard.get(), timeout=20) == ACTIONS_CHANNEL
        claimed = await h.storage.claim_due_actions(
            START, owner="p/1", lease=timedelta(minutes=5), limit=1
        )
        assert len(claimed) == 1
        await h.storage.release_actions([claimed[0].id], "p/1")  # freed: others may take it
        assert await asyncio.wait_for(heard.get(), timeout=20) == ACTIONS_CHANNEL
        await conn.execute("SELECT 1")  # any notice sent before this has arrived by now
        assert heard.empty()  # the claim itself said nothing
    finally:
        await conn.close()
        await h.close()


async def test_sqlite_has_nothing_to_listen_to_and_polls(tmp_path: Path) -> None:
    storage = await open_storage(str(tmp_path / "one.db"))
    try:
        assert await storage.watch_actions(lambda: None) is None
    finally:
        await storage.close()
