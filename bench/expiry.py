"""Benchmark: expired discussions removed from Discord, 10,000 messages across 100 groups, through
the adapter's real delete path to the loopback stand-in with Discord's limits switched on.

Each group's session opens and closes (its own posts and thread), its thread gets members'
messages until the group holds `--per-group` messages, and then `expire_after` passes: the
bot lists each thread, deletes every message and then the thread. Limits as in the fan-out
benchmark (a global leaky bucket, answered with a global 429) plus Discord's per-channel bucket
for deleting messages older than two weeks (30 per 4 s), both scaled by the same factor.
Baseline: the least time the global limit allows, (requests - burst) / rate. Target: at most
1.15x that, no 429 after the first, nothing left.

    python -m bench.expiry [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.fanout import StandIn, discord_on_standin
from bench.fixtures import FIRST_SESSION, START
from bench.report import Report, Row
from bot.config.load import load_config
from bot.core.clock import FakeClock
from bot.runtime.circle import StudyCircle
from bot.storage import open_storage

EXPIRE_AFTER = timedelta(hours=1)  # the shortest allowed; the wait itself is on the fake clock
CLOSES = FIRST_SESSION + timedelta(days=6)


def seed(server: StandIn, per_thread: int) -> int:
    request = urllib.request.Request(
        f"{server.info['api_base']}/bench/seed",
        data=json.dumps({"per_thread": per_thread}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # loopback only
        return int(json.loads(response.read())["seeded"])


async def expire_all(
    folder: Path, groups: int, per_group: int, rate: float, burst: int, window: float
) -> dict[str, Any]:
    server = StandIn("bench.discord_limits", "--channels", str(groups), "--rate", str(rate),
                     "--burst", str(burst), "--window", str(window))  # fmt: skip
    try:
        path, platform = discord_on_standin(folder, groups, rate, server.info, "d")
        path.write_text(path.read_text().replace("admins: [admin]}", "admins: [admin], "
                                                 "expire_after: 1h, digest: 'off'}"))  # fmt: skip
        config = load_config(path)
        storage = await open_storage(config.storage)
        clock = FakeClock(START)
        circle = StudyCircle(config=config, storage=storage,
                             platforms={platform.name: platform}, clock=clock,
                             anonymity_key=b"bench")  # fmt: skip
        await platform.start(circle)
        try:
            await circle.start()
            clock.set(FIRST_SESSION)
            await circle.run_due()
            clock.set(CLOSES + timedelta(minutes=1))
            await circle.run_due()
            own = (await asyncio.to_thread(server.stats))["left"]
            members = await asyncio.to_thread(seed, server, max(0, per_group - own // groups))
            clock.set(CLOSES + EXPIRE_AFTER + timedelta(minutes=2))
            before = await asyncio.to_thread(server.stats)
            started = time.perf_counter()
            await circle.run_due()
            elapsed = time.perf_counter() - started
            after = await asyncio.to_thread(server.stats)
        finally:
            await platform.stop()
            await storage.close()
    finally:
        server.close()
    requests = after["requests"] - before["requests"]
    refused = after["global_429"] + after["route_429"] - before["global_429"] - before["route_429"]
    return {
        "seconds": elapsed,
        "messages": own + members,
        "deleted": after["deletes"] - before["deletes"],
        "left": after["left"],
        "threads_left": after["threads"],
        "requests": requests,
        "refused": refused,
        "minimum_s": max(0, requests - burst) / rate,
        "unhandled": after["unhandled"],
    }


def run(quick: bool, sizes: tuple[tuple[int, int], ...] | None = None) -> Report:
    report = Report("expiry", quick)
    sizes = sizes or (((10, 100),) if quick else ((100, 100),))
    rate, burst = 100.0, 10  # Discord's 50/s global scaled to 100/s, as in the fan-out
    with tempfile.TemporaryDirectory(prefix="studybot-bench-") as tmp:
        for groups, per_group in sizes:
            folder = Path(tmp) / f"expiry-{groups}"
            result = asyncio.run(
                expire_all(folder, groups, per_group, rate, burst, 5.0 * 50 / rate)
            )
            report.extra[f"discord_{groups}"] = result
            provoked = max(0, result["refused"] - 1)
            ratio = result["seconds"] / result["minimum_s"] if result["minimum_s"] else 0.0
            report.add(
                Row(
                    name=f"discord: {result['messages']:,} messages of {groups} groups removed",
                    unit="s",
                    baseline=result["minimum_s"],
                    bot=result["seconds"],
                    ratio=ratio,
                    target=1.15,
                    direction="at_most",
                    baseline_label="(requests - burst) / allowed rate",
                    note=(
                        f"{result['deleted']:,} deleted in {result['requests']:,} requests; "
                        f"429s {result['refused']} (after the first: {provoked}); left "
                        f"{result['left']} messages, {result['threads_left']} threads; "
                        f"Discord's 50/s scaled to {rate:g}/s, deletes 30 per 4 s likewise"
                    ),
                )
            )
            bad = provoked + result["left"] + result["threads_left"]
            report.add(
                Row(
                    name=f"discord: {groups} groups: 429s after the first + messages left",
                    unit="",
                    baseline=0,
                    bot=bad,
                    ratio=float(bad),
                    target=0,
                    direction="at_most",
                    baseline_label="none allowed",
                )
            )
    return report.finish()


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark: expired discussions removed")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    run(args.quick)


if __name__ == "__main__":
    main()
