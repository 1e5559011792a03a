"""Benchmark 2: many groups opening in the same minute, posted through each adapter's real
send path to a loopback stand-in that enforces the platform's limits.

Matrix: a stand-in homeserver limits the account like Synapse's `rc_message` (a leaky
bucket, 429 `M_LIMIT_EXCEEDED` with `retry_after_ms`). Discord: the loopback Discord
stand-in from tests/discord, with a global limit and per-route buckets announced in
`X-RateLimit-*` headers. Baseline: the least time the limit allows, (posts - burst) / rate.
Target: at most 1.15x that, no 429 after the first, no post lost or duplicated.

Time is compressed by scaling the limits: Synapse's 0.2 events/s becomes `--matrix-rate`
(the bot's pacer is told the same figure, as an admin would configure it) and Discord's
50 requests/s becomes `--discord-rate`. The ratio to the minimum is what the target is about.

    python -m bench.fanout [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.fixtures import FIRST_SESSION, ROOT, START, big_yaml_allowed, write_config
from bench.matrix_standin import USER
from bench.report import Report, Row
from bot.config.load import load_config
from bot.core.clock import FakeClock
from bot.core.platform import Platform, PlatformContext
from bot.runtime.circle import StudyCircle
from bot.storage import open_storage

MATRIX_TOKEN_ENV = "STUDYBOT_BENCH_MATRIX_TOKEN"


class StandIn:
    """A stand-in server in its own process, so its work does not slow the bot's loop."""

    def __init__(self, module: str, *args: str) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"{module} did not start")
        self.info: dict[str, Any] = json.loads(line)
        self.port = int(self.info["port"])

    def stats(self) -> dict[str, Any]:
        url = self.info.get("stats_url") or f"http://127.0.0.1:{self.port}/bench/stats"
        with urllib.request.urlopen(url, timeout=30) as response:  # loopback only
            data: dict[str, Any] = json.loads(response.read())
        return data

    def close(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()


async def open_all(
    folder: Path, config_path: Path, platform: Platform, server: StandIn
) -> dict[str, Any]:
    """Start the core on `platform`, then open every group's first session at once."""
    with big_yaml_allowed():  # 10,000 groups are past the 1 MB config cap
        config = load_config(config_path)
    storage = await open_storage(config.storage)
    clock = FakeClock(START)
    circle = StudyCircle(
        config=config,
        storage=storage,
        platforms={platform.name: platform},
        clock=clock,
        anonymity_key=b"bench",
    )
    await platform.start(circle)
    try:
        await circle.start()
        clock.set(FIRST_SESSION)
        before = await asyncio.to_thread(server.stats)
        started = time.perf_counter()
        ran = await circle.run_due()
        elapsed = time.perf_counter() - started
        after = await asyncio.to_thread(server.stats)
        recorded = await storage.count("sent")
        return {
            "seconds": elapsed,
            "actions_run": ran,
            "sent_recorded": recorded,
            "requests_during_opening": after.get("requests", after.get("sends", 0))
            - before.get("requests", before.get("sends", 0)),
        }
    finally:
        await platform.stop()
        await storage.close()


async def matrix_case(folder: Path, groups: int, rate: float, burst: int) -> dict[str, Any]:
    from adapters.matrix import MatrixPlatform
    from bot.config.platform_settings import MatrixSettings

    server = StandIn("bench.matrix_standin", "--rooms", str(groups), "--rate", str(rate),
                     "--burst", str(burst))  # fmt: skip
    try:
        os.environ[MATRIX_TOKEN_ENV] = "bench-token"
        homeserver = f"http://127.0.0.1:{server.port}"
        config_path = write_config(
            folder,
            groups,
            platform="matrix",
            platforms_yaml=(
                f"platforms:\n  matrix: {{homeserver: '{homeserver}', user_id: '{USER}', "
                f"access_token_env: {MATRIX_TOKEN_ENV}, encryption: false}}\n"
            ),
        )
        settings = MatrixSettings(
            homeserver=homeserver,
            user_id=USER,
            access_token_env=MATRIX_TOKEN_ENV,
            encryption=False,
            max_rate_limit_wait_s=600,
            messages_per_second=rate,  # as an admin configures the homeserver's limit
            message_burst=burst,
        )
        rooms = tuple(f"!g{i}:bench.local" for i in range(groups))
        platform = MatrixPlatform(
            settings, PlatformContext(data_dir=folder / "matrix", rooms=rooms)
        )
        bot = await open_all(folder, config_path, platform, server)
        stats = server.stats()
    finally:
        server.close()
    minimum = max(0, stats["sends"] - burst) / rate
    return {**bot, **stats, "minimum_s": minimum, "expected_posts": 3 * groups}


DISCORD_TOKEN_ENV = "STUDYBOT_BENCH_DISCORD_TOKEN"


def discord_on_standin(
    folder: Path, groups: int, rate: float, info: dict[str, Any], data_dir: str
) -> tuple[Path, Any]:
    """A config of `groups` Discord groups on the stand-in described by `info`, and the real
    Discord adapter pointed at it, paced at `rate` requests per second."""
    from adapters.discord import DiscordPlatform
    from adapters.discord.pacing import GlobalPacer
    from bot.config.platform_settings import DiscordSettings

    os.environ[DISCORD_TOKEN_ENV] = "bench.discord.token"
    config_path = write_config(
        folder,
        groups,
        platform="discord",
        platforms_yaml=(
            f"platforms:\n  discord: {{token_env: {DISCORD_TOKEN_ENV}, "
            f"guilds: [{info['guild_id']}], api_base: '{info['api_base']}', "
            f"gateway_url: '{info['gateway_url']}'}}\n"
        ),
    )
    settings = DiscordSettings(
        token_env=DISCORD_TOKEN_ENV,
        guilds=[info["guild_id"]],
        api_base=info["api_base"],
        gateway_url=info["gateway_url"],
        guild_ready_timeout=0.05,
        connect_timeout=120,
    )
    rooms = tuple(str(100_000_000_000_000_000 + i) for i in range(groups))
    platform = DiscordPlatform(settings, PlatformContext(data_dir=folder / data_dir, rooms=rooms))
    platform.pacer = GlobalPacer(per_second=rate)
    return config_path, platform


async def discord_case(
    folder: Path, groups: int, rate: float, burst: int, window: float
) -> dict[str, Any]:
    server = StandIn("bench.discord_limits", "--channels", str(groups), "--rate", str(rate),
                     "--burst", str(burst), "--window", str(window))  # fmt: skip
    try:
        config_path, platform = discord_on_standin(folder, groups, rate, server.info, "discord")
        bot = await open_all(folder, config_path, platform, server)
        stats = server.stats()
    finally:
        server.close()
    # The global limit binds: every request (messages and thread openings) takes a token.
    minimum = max(0, bot["requests_during_opening"] - burst) / rate
    return {
        **bot,
        **stats,
        "sends": stats["messages"],
        "refused": stats["global_429"] + stats["route_429"],
        "minimum_s": minimum,
        "expected_posts": 3 * groups,
    }


def _rows(report: Report, platform: str, groups: int, result: dict[str, Any], note: str) -> None:
    lost = max(0, result["expected_posts"] - result["sends"])
    provoked = max(0, result["refused"] - 1)
    ratio = result["seconds"] / result["minimum_s"] if result["minimum_s"] else float("inf")
    report.add(
        Row(
            name=f"{platform}: {groups:,} groups open",
            unit="s",
            baseline=result["minimum_s"],
            bot=result["seconds"],
            ratio=ratio,
            target=1.15,
            direction="at_most",
            baseline_label="(posts - burst) / allowed rate",
            note=(
                f"{result['sends']:,} posts; 429s {result['refused']} (after the first: {provoked}); "
                f"lost {lost}; duplicated {result['duplicated']}; {note}"
            ),
        )
    )
    # Correctness is part of the target: a provoked 429, a lost or a doubled post fails it.
    report.add(
        Row(
            name=f"{platform}: {groups:,} groups: 429s after the first + lost + duplicated",
            unit="",
            baseline=0,
            bot=provoked + lost + result["duplicated"],
            ratio=float(provoked + lost + result["duplicated"]),
            target=0,
            direction="at_most",
            baseline_label="none allowed",
        )
    )


def run(quick: bool, sizes: tuple[int, ...] | None = None) -> Report:
    report = Report("fanout", quick)
    sizes = sizes or ((100, 300) if quick else (1_000, 10_000))
    matrix_rate, burst = 100.0, 10
    # Compressed only as far as the bot keeps up on this machine (about 120 requests/s with
    # the stand-in beside it): beyond that the figure measures CPU, not pacing.
    discord_rate = 100.0
    with tempfile.TemporaryDirectory(prefix="studybot-bench-") as tmp:
        for groups in sizes:
            folder = Path(tmp) / f"matrix-{groups}"
            result = asyncio.run(matrix_case(folder, groups, matrix_rate, burst))
            report.extra[f"matrix_{groups}"] = result
            _rows(report, "matrix", groups, result,
                  f"Synapse's 0.2/s scaled to {matrix_rate:g}/s, burst {burst}")  # fmt: skip
        for groups in sizes:
            folder = Path(tmp) / f"discord-{groups}"
            result = asyncio.run(
                discord_case(folder, groups, discord_rate, 10, 5.0 * 50 / discord_rate)
            )
            report.extra[f"discord_{groups}"] = result
            _rows(report, "discord", groups, result,
                  f"Discord's 50/s global scaled to {discord_rate:g}/s, channel buckets alike")  # fmt: skip
    return report.finish()


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark 2: schedule fan-out")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    run(args.quick)


if __name__ == "__main__":
    main()
