"""The whole Study Circle app on Discord: the real core and storage, a fake clock, and the
Discord adapter found by name and connected to the loopback stand-in."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from discord_standin import FakeDiscord, InteractionRecord, Person, text_of

from bot.config.load import load_config
from bot.core.clock import FakeClock
from bot.runtime.app import App, build_app, build_platforms

FIXTURES = Path(__file__).parent.parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]

# Monday 30 November 2026, 12:00 UTC: the day before the first session (Tuesday 19:00 Berlin).
START = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
FIRST_SESSION = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


def write_long_reading(directory: Path) -> None:
    """A reading whose first section is far longer than one Discord message holds."""
    paragraphs = [f"Paragraph {i} begins here. " + "Study together, " * 60 for i in range(1, 41)]
    body = "\n\n".join(p.strip() for p in paragraphs)
    text = (
        "id: long\ntitle: Long\nauthor: Study Circle\nsource: https://example.org/long\n"
        "sections:\n  - id: one\n    title: The Long Part\n    body: |\n"
        + "".join(f"      {line}\n" if line else "\n" for line in body.split("\n"))
        + "    prompts:\n      - Was it too long?\n"
    )
    (directory / "readings" / "long.yaml").write_text(text, encoding="utf-8")


def write_config(
    directory: Path,
    fake: FakeDiscord,
    token_env: str,
    reading: str = "three-parts",
    *,
    top: str = "",
    language: str = "en",
    group: str = "",
    channel: int | None = None,
) -> Path:
    """The config of one Discord group; `top` adds top-level keys, `group` the group's own;
    `language` is the group's."""
    shutil.copytree(FIXTURES / "readings", directory / "readings", dirs_exist_ok=True)
    write_long_reading(directory)
    path = directory / "config.yaml"
    path.write_text(
        textwrap.dedent(
            f"""
            storage: data/studybot.db
            readings_dir: readings
            platforms:
              discord:
                token_env: {token_env}
                guilds: [{fake.guild_id}]
                api_base: {fake.api_base}
                gateway_url: {fake.gateway_url}
                guild_ready_timeout: 0.05
                defer_after: 0.5
            groups:
              - id: readers
                name: Readers
                platform: discord
                channel: {channel or fake.channel_id}
                timezone: Europe/Berlin
                reading: {reading}
                start: 2026-12-01
                cadence: {{weekly: [tue], at: "19:00"}}
                reminders: [24h, 1h]
                respond_for: 6d
                admins: ["Facilitators"]
                language: {language}
            """
        )
        + "".join(f"    {line}\n" for line in textwrap.dedent(group).strip().splitlines())
        + top,
        encoding="utf-8",
    )
    return path


@dataclass
class DiscordCircle:
    """Drive the app as members on Discord would, and as time passes."""

    app: App
    clock: FakeClock
    fake: FakeDiscord

    async def advance(self, delta: timedelta) -> None:
        """Move the clock, running every due action at its own time on the way."""
        target = self.clock.now() + delta
        circle = self.app.circle
        while (due := await circle.next_due()) is not None and due <= target:
            if due > self.clock.now():
                self.clock.set(due)
            await circle.run_due()
        self.clock.set(target)

    async def run(self, person: Person, sub: str, **options: Any) -> InteractionRecord:
        done = await self.fake.slash(person, sub, **options)
        await self.fake.until(done.answers)
        return done

    async def say(self, person: Person, sub: str, **options: Any) -> str:
        """`/study SUB ...` as `person`; returns what they see in answer."""
        done = await self.run(person, sub, **options)
        return "\n".join(text_of(m) for m in done.answers())


async def start_app(
    directory: Path,
    fake: FakeDiscord,
    token_env: str,
    reading: str = "three-parts",
    *,
    top: str = "",
    language: str = "en",
    group: str = "",
    channel: int | None = None,
) -> DiscordCircle:
    path = write_config(
        directory,
        fake,
        token_env,
        reading,
        top=top,
        language=language,
        group=group,
        channel=channel,
    )
    config = load_config(path)
    platforms = build_platforms(config, ("discord",))
    clock = FakeClock(START)
    app = await build_app(config, clock=clock, platforms=platforms, waker=False)
    await app.start()
    return DiscordCircle(app=app, clock=clock, fake=fake)


async def start_bot(
    config: Path,
    log: Path,
    at: datetime,
    crash_at: str | None = None,
    token_env: str = "STUDYBOT_TEST_DISCORD_TOKEN",
) -> asyncio.subprocess.Process:
    """`studybot run` on a clock that reads `at` now and runs at real speed from there."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), token_env: "test-token"}
    env.pop("STUDYBOT_CRASH_AT", None)
    if crash_at:
        env["STUDYBOT_CRASH_AT"] = crash_at
    clock = f"{at.isoformat()},1,{time.time()}"
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.scaled_clock", clock, "run", "--config", str(config),
            stdin=subprocess.DEVNULL, stdout=out, stderr=out, env=env, cwd=ROOT,
        )  # fmt: skip
