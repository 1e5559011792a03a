"""Benchmark 4: start-up time and resident memory against the number of groups, with
1,000,000 stored responses; the slope says whether they grow faster than linearly.

Each start runs in a fresh process: config loaded, storage opened and migrated, every
group synced and planned (`StudyCircle.start`). The first start plans every group; the
restart finds them planned. Targets at 10k groups: start-up under 3 s, memory under 150 MB;
both growing no faster than linearly (log-log slope at most 1.15 between the two largest).

    python -m bench.scale [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.core import CountingPlatform
from bench.fixtures import ROOT, START, big_yaml_allowed, seed_responses, write_config
from bench.report import Report, Row


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _child(config_path: Path) -> dict[str, float]:
    """One start-up, timed in phases; printed as JSON for the parent."""
    from bot.config.load import load_config
    from bot.core.clock import FakeClock
    from bot.runtime.circle import StudyCircle
    from bot.storage import open_storage

    imported = _rss_mib()
    started = time.perf_counter()
    with big_yaml_allowed():
        config = load_config(config_path)
    loaded = time.perf_counter()
    storage = await open_storage(config.storage)
    circle = StudyCircle(
        config=config,
        storage=storage,
        platforms={"console": CountingPlatform()},
        clock=FakeClock(START),
        anonymity_key=b"bench",
    )
    await circle.start()
    ready = time.perf_counter()
    rss = _rss_mib()
    pending = await storage.count("actions")
    await storage.close()
    return {
        "config_s": loaded - started,
        "core_s": ready - loaded,
        "total_s": ready - started,
        "rss_mib": rss,
        "imports_rss_mib": imported,
        "actions": pending,
    }


def start_once(config_path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--child", str(config_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"start-up failed:\n{out.stderr[-3000:]}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


async def _prepare(folder: Path, groups: int, responses: int) -> Path:
    from bot.storage import open_storage

    config = write_config(folder, groups)
    storage = await open_storage(str(folder / "bench.db"))
    await storage.close()
    seed_responses(folder / "bench.db", groups=groups, responses=responses)
    return config


def slope(x1: float, y1: float, x2: float, y2: float) -> float:
    """The exponent k in y ~ x^k between two points (1.0: linear)."""
    return math.log(y2 / y1) / math.log(x2 / x1) if y1 > 0 and y2 > 0 else float("nan")


def run(quick: bool) -> Report:
    report = Report("scale", quick)
    sizes = (250, 1_000, 2_500) if quick else (1_000, 10_000, 100_000)
    responses = 100_000 if quick else 1_000_000
    focus = sizes[1]  # the size the absolute targets are about (10k; 1k when quick)
    results: dict[int, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="studybot-bench-") as tmp:
        for n in sizes:
            folder = Path(tmp) / f"g{n}"
            config = asyncio.run(_prepare(folder, n, responses))
            first = start_once(config)
            again = start_once(config)
            results[n] = {"first": first, "restart": again}
            print(
                f"  {n:>7,} groups: first start {first['total_s']:.2f} s "
                f"(config {first['config_s']:.2f} s, core {first['core_s']:.2f} s), "
                f"restart {again['total_s']:.2f} s, RSS {max(first['rss_mib'], again['rss_mib']):.0f} MiB "
                f"(after imports {first['imports_rss_mib']:.0f} MiB)",
                flush=True,
            )
    report.extra["sizes"] = list(sizes)
    report.extra["responses_stored"] = responses
    report.extra["results"] = results
    at = results[focus]
    worst = max(at["first"]["total_s"], at["restart"]["total_s"])
    report.add(
        Row(
            name=f"start-up at {focus:,} groups",
            unit="s",
            baseline=3.0,
            bot=worst,
            ratio=worst / 3.0,
            target=1.0,
            direction="at_most",
            baseline_label="the 3 s budget (slower of first start and restart)",
        )
    )
    rss = max(at["first"]["rss_mib"], at["restart"]["rss_mib"])
    report.add(
        Row(
            name=f"memory at {focus:,} groups",
            unit="MiB",
            baseline=150.0,
            bot=rss,
            ratio=rss / 150.0,
            target=1.0,
            direction="at_most",
            baseline_label="the 150 MB budget (resident set after start-up)",
        )
    )
    small, big = sizes[1], sizes[2]
    t_slope = slope(
        small,
        results[small]["first"]["total_s"],
        big,
        results[big]["first"]["total_s"],
    )
    base_rss = results[sizes[0]]["first"]["imports_rss_mib"]
    m_slope = slope(
        small,
        max(1.0, results[small]["first"]["rss_mib"] - base_rss),
        big,
        max(1.0, results[big]["first"]["rss_mib"] - base_rss),
    )
    for name, value in (("start-up", t_slope), ("memory above imports", m_slope)):
        report.add(
            Row(
                name=f"{name} slope {small:,}→{big:,}",
                unit="",
                baseline=1.0,
                bot=value,
                ratio=value,
                target=1.15,
                direction="at_most",
                baseline_label="1.0 is linear growth (log-log exponent)",
            )
        )
    return report.finish()


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark 4: scale of state")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(asyncio.run(_child(args.child))))
        return
    run(args.quick)


if __name__ == "__main__":
    main()
