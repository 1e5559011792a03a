"""Benchmark 5: command latency in the core with 1,000,000 stored responses while 50 members
respond concurrently, and the export's memory against its size.

Targets: `now`, `respond`, `progress` p99 under 5 ms (indexes, no full scans); `export`
streams, so its peak memory does not grow with the number of responses exported.

    python -m bench.commands_load [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench.core import CountingPlatform, command, member_ref
from bench.fixtures import FIRST_SESSION, START, seed_responses, write_config
from bench.report import Report, Row, percentile
from bot.exports.exporting import write_export
from bot.storage import open_storage
from bot.testing import Harness, make_harness

PROBED = ("now", "respond", "progress", "export")
TEXT = "Meeting at the same time each week is what keeps the group going, I think."


async def seeded_core(
    folder: Path, *, groups: int, responses: int
) -> tuple[Harness, dict[str, int]]:
    """A core over a database holding `responses` responses, its clock in g0's open session."""
    config = write_config(folder, groups)
    db = folder / "bench.db"
    storage = await open_storage(str(db))
    await storage.close()
    sessions = max(2, -(-responses // (groups * 8_000)))  # a session holds at most 10,000
    seeded = seed_responses(db, groups=groups, responses=responses, sessions_per_group=sessions)
    harness = await make_harness(
        config, start=START, storage_path=str(db), platform=CountingPlatform()
    )
    # Into the seeded open session without running the schedule (which would open another).
    harness.clock.set(FIRST_SESSION.replace(hour=20))
    return harness, seeded


async def probe_latency(harness: Harness, rounds: int, background: int) -> dict[str, list[float]]:
    circle = harness.circle
    stop = asyncio.Event()
    written = 0

    async def responder(w: int) -> None:
        nonlocal written
        ref = member_ref(1000 + w)
        i = 0
        while not stop.is_set() and i < 1_000_000:
            await circle.handle(command("respond", f"--group g0 {1 + i % 2} {TEXT} {i}", ref))
            written += 1
            i += 1

    probe = member_ref(1)
    harness.platform.admins.add((probe.user_id, "console"))  # export is an admin command
    await circle.handle(command("join", "--group g0", probe))
    await circle.handle(command("respond", f"--group g0 1 {TEXT}", probe))
    tasks = [asyncio.create_task(responder(w)) for w in range(background)]
    await asyncio.sleep(0.2)  # the responders are going before timing starts
    timings: dict[str, list[float]] = {name: [] for name in PROBED}
    answers: dict[str, str] = {}
    try:
        for i in range(rounds):
            for name in PROBED:
                if name == "export" and i % 5:
                    continue  # export reads the whole group: probe it less often
                args = {"respond": f"{1 + i % 2} {TEXT} {i}", "export": "csv"}.get(name, "")
                started = time.perf_counter()
                await circle.handle(command(name, f"--group g0 {args}", probe))
                timings[name].append(time.perf_counter() - started)
                if i == 0:
                    answers[name] = last_body(harness)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
    platform = harness.platform
    assert isinstance(platform, CountingPlatform)
    if platform.failures:
        raise RuntimeError(f"{platform.failures} commands failed in the core")
    for name, expected in EXPECTED.items():
        if not answers.get(name, "").startswith(expected):
            raise RuntimeError(
                f"`{name}` did not answer as expected: {answers.get(name, '')[:80]!r}"
            )
    timings["background"] = [float(written)]
    return timings


EXPECTED = {
    "now": "**Session 2**",
    "respond": "Replaced your response",
    "progress": "You took part in",
    "export": "",
}


def last_body(harness: Harness) -> str:
    platform = harness.platform
    assert isinstance(platform, CountingPlatform) and platform.last is not None
    return platform.last.body


async def export_peak(folder: Path, responses: int) -> tuple[float, int]:
    """Peak Python memory (MiB, tracemalloc) of a CSV export of one group to a file."""
    harness, _ = await seeded_core(folder, groups=1, responses=responses)
    group = harness.config.groups[0]
    try:
        with (folder / "export.csv").open("w", encoding="utf-8", newline="") as out:
            tracemalloc.start()
            count = await write_export(harness.storage, group, "csv", out)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        return peak / 2**20, count
    finally:
        await harness.close()


async def run(quick: bool) -> Report:
    report = Report("commands_load", quick)
    stored = 100_000 if quick else 1_000_000
    groups = 200 if quick else 1_000
    rounds = 60 if quick else 300
    with tempfile.TemporaryDirectory(prefix="studybot-bench-") as tmp:
        folder = Path(tmp)
        harness, seeded = await seeded_core(folder / "load", groups=groups, responses=stored)
        try:
            timings = await probe_latency(harness, rounds, 50)
        finally:
            await harness.close()
        small_n, big_n = (2_000, 20_000) if quick else (10_000, 100_000)
        small_peak, small_count = await export_peak(folder / "small", small_n)
        big_peak, big_count = await export_peak(folder / "big", big_n)
    report.extra["stored_responses"] = seeded["responses"]
    report.extra["groups"] = groups
    report.extra["background_responses_during_probes"] = int(timings["background"][0])
    for name in ("now", "respond", "progress"):
        values = timings[name]
        p50, p99 = 1000 * percentile(values, 0.5), 1000 * percentile(values, 0.99)
        report.extra[f"{name}_p50_ms"] = round(p50, 3)
        report.add(
            Row(
                name=f"{name} p99",
                unit="ms",
                baseline=5.0,
                bot=p99,
                ratio=p99 / 5.0,
                target=1.0,
                direction="at_most",
                baseline_label="the 5 ms budget",
                note=f"p50 {p50:.2f} ms over {len(values)} calls",
            )
        )
    export_times = timings["export"]
    report.extra["export_p50_ms"] = round(1000 * percentile(export_times, 0.5), 2)
    report.extra["export_p99_ms"] = round(1000 * percentile(export_times, 0.99), 2)
    growth = big_peak / small_peak if small_peak else float("inf")
    size_growth = big_count / small_count if small_count else float("inf")
    report.add(
        Row(
            name="export peak memory growth",
            unit="MiB",
            baseline=small_peak,
            bot=big_peak,
            ratio=growth,
            target=1.5,
            direction="at_most",
            baseline_label=f"peak exporting {small_count:,} rows; bot = peak exporting {big_count:,} rows",
            note=f"{size_growth:.0f}x the rows; flat memory keeps the ratio near 1",
        )
    )
    return report.finish()


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark 5: commands under load")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    asyncio.run(run(args.quick))


if __name__ == "__main__":
    main()
