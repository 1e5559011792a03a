"""Benchmark 3: how late due actions run, against a bare asyncio `loop.call_at` heap of the
same timers in the same run.

Cases: 10,000 actions spread over one minute, and single actions after idle waits of 2 s,
30 s and 120 s (the waker caps each sleep at 30 s and looks again). The bot runs no-op
actions (kind "bench": finished and the group replanned) so the figure is the waking, not
the posting. Target: bot p99 ≤ 2 × bare p99 + 5 ms.

    python -m bench.timers [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.core import CountingPlatform
from bench.fixtures import write_config
from bench.report import Report, Row, percentile
from bot.config.load import load_config
from bot.core.clock import SystemClock
from bot.runtime.circle import StudyCircle
from bot.runtime.waker import Waker
from bot.storage import Action, open_storage


async def bare_lateness(dues: list[datetime]) -> list[float]:
    """Lateness of the same moments on a bare call_at heap (the best asyncio can do)."""
    loop = asyncio.get_running_loop()
    late: list[float] = []
    done = asyncio.Event()

    def fire(due: datetime) -> None:
        late.append((datetime.now(UTC) - due).total_seconds())
        if len(late) == len(dues):
            done.set()

    offset = loop.time() - time.time()
    for due in dues:
        loop.call_at(due.timestamp() + offset, fire, due)
    await asyncio.wait_for(done.wait(), timeout=_budget(dues))
    return late


async def bot_lateness(folder: Path, dues: list[datetime], groups: int = 1) -> list[float]:
    """Lateness of the same moments as pending actions run by the core through its waker,
    spread over `groups` groups (a group has a handful of pending actions, not thousands)."""
    config = load_config(write_config(folder, groups))
    storage = await open_storage(str(folder / "bench.db"))
    clock = SystemClock()
    circle = StudyCircle(
        config=config,
        storage=storage,
        platforms={"console": CountingPlatform()},
        clock=clock,
        anonymity_key=b"bench",
    )
    await circle.start()
    late: list[float] = []
    done = asyncio.Event()
    original = circle.actions.run_one

    async def timed(action: Action) -> None:
        late.append((datetime.now(UTC) - action.due_at).total_seconds())
        await original(action)
        if len(late) == len(dues):
            done.set()

    circle.actions.run_one = timed  # type: ignore[method-assign]
    await storage.add_actions(
        (f"g{i % groups}", "bench", due, due, f"bench:{i}:{due.isoformat()}")
        for i, due in enumerate(dues)
    )
    waker = Waker(circle, clock)
    waker.start()
    try:
        await asyncio.wait_for(done.wait(), timeout=_budget(dues))
    finally:
        await waker.stop()
        await storage.close()
    return late


def _budget(dues: list[datetime]) -> float:
    return max(0.0, (max(dues) - datetime.now(UTC)).total_seconds()) + 60


def spread(count: int, seconds: float, lead: float = 1.0) -> list[datetime]:
    start = datetime.now(UTC) + timedelta(seconds=lead)
    return [start + timedelta(seconds=seconds * i / count) for i in range(count)]


async def run(quick: bool) -> Report:
    report = Report("timers", quick)
    count, seconds = (1_000, 6.0) if quick else (10_000, 60.0)
    idle_cases = [(2.0, 2), (5.0, 1)] if quick else [(2.0, 3), (30.0, 2), (120.0, 1)]
    with tempfile.TemporaryDirectory(prefix="studybot-bench-") as tmp:
        folder = Path(tmp)
        # The burst: one after the other, so neither steals the other's loop time.
        base = await bare_lateness(spread(count, seconds))
        (folder / "burst").mkdir()
        groups = count // 10
        bot = await bot_lateness(folder / "burst", spread(count, seconds, lead=5.0), groups)
        _row(report, f"{count:,} actions in {seconds:g} s", base, bot)
        # Idle waits: one timer each at a time, bare and bot side by side in the same loop.
        for wait, repeats in idle_cases:
            base_idle: list[float] = []
            bot_idle: list[float] = []
            for r in range(repeats):
                sub = folder / f"idle-{wait:g}-{r}"
                sub.mkdir()
                due = [datetime.now(UTC) + timedelta(seconds=wait)]
                b, o = await asyncio.gather(bare_lateness(due), bot_lateness(sub, due))
                base_idle += b
                bot_idle += o
            _row(report, f"single action after {wait:g} s idle (x{repeats})", base_idle, bot_idle)
    return report.finish()


def _row(report: Report, name: str, base: list[float], bot: list[float]) -> None:
    base99, bot99 = 1000 * percentile(base, 0.99), 1000 * percentile(bot, 0.99)
    allowed = 2 * base99 + 5
    report.add(
        Row(
            name=f"{name} p99",
            unit="ms",
            baseline=base99,
            bot=bot99,
            ratio=bot99 / allowed,
            target=1.0,
            direction="at_most",
            baseline_label="bare loop.call_at heap; ratio = bot / (2 x bare + 5 ms)",
            note=f"p50 bare {1000 * percentile(base, 0.5):.2f} ms, bot {1000 * percentile(bot, 0.5):.2f} ms",
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark 3: timer precision")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    asyncio.run(run(args.quick))


if __name__ == "__main__":
    main()
