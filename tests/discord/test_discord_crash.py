"""The bot process killed with SIGKILL on Discord, then restarted: every session post is in the
channel exactly once (the resend carries the same nonce), and every response a member saw
acknowledged is in the database exactly once."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from discord_app import write_config
from discord_harness import TOKEN_ENV
from discord_standin import FakeDiscord, Person, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

ROOT = Path(__file__).resolve().parents[2]


async def start_bot(
    config: Path, log: Path, crash_at: str | None = None
) -> asyncio.subprocess.Process:
    env = {**os.environ, "PYTHONPATH": str(ROOT), TOKEN_ENV: "test-token"}
    env.pop("STUDYBOT_CRASH_AT", None)
    if crash_at:
        env["STUDYBOT_CRASH_AT"] = crash_at
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            "--config",
            str(config),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            env=env,
        )


def count(fake: FakeDiscord, needle: str) -> int:
    messages = [m for cid in fake.channels for m in fake.bot_messages(cid)]
    return sum(needle in text_of(m) for m in messages)


def prompt_2_sends(fake: FakeDiscord) -> int:
    """How many requests to post prompt 2 reached the stand-in (a resend counts too)."""
    posts = fake.sent("POST", r"/channels/\d+/messages")
    return sum("Prompt 2" in json.dumps(r.body) for r in posts)


@pytest.mark.parametrize("crash_at", ["before-send:*:prompt:2", "after-send:*:prompt:2"])
async def test_killed_while_opening_a_session_posts_everything_once(
    crash_at: str, fake: FakeDiscord, tmp_path: Path
) -> None:
    config = write_config(tmp_path, fake, TOKEN_ENV)
    # a dead process's claim on the half-done opening lapses quickly
    config.write_text("claim_lease: 2s\n" + config.read_text())
    log = tmp_path / "bot.log"
    first = await start_bot(config, log, crash_at)
    second: asyncio.subprocess.Process | None = None
    try:
        await fake.until(lambda: fake.commands.get(fake.guild_id), within=30)
        await fake.connected(within=30)
        await asyncio.sleep(0.3)  # READY and GUILD_CREATE reach the client
        await fake.slash(fake.mod, "post-now")
        assert await asyncio.wait_for(first.wait(), 30) == -signal.SIGKILL
        assert count(fake, "Prompt 1") == 1

        sent_before = prompt_2_sends(fake)
        second = await start_bot(config, log)
        # The signals that the second process is past start-up and has done its part: it has
        # connected, and it has (re)sent prompt 2. "Prompt 2" may already be in the channel from
        # the first process, so its presence says nothing about the second one.
        await fake.until(lambda: fake.identifies == 2, within=30)
        await fake.until(lambda: prompt_2_sends(fake) > sent_before, within=30)
        second.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(second.wait(), 30) == 0
    finally:
        for process in (first, second):
            if process is not None and process.returncode is None:
                process.kill()
    assert count(fake, "Prompt 1") == 1
    assert count(fake, "Prompt 2") == 1
    assert count(fake, "Part One") == 1


async def test_killed_while_a_hundred_members_respond_loses_no_acknowledged_answer(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    config = write_config(tmp_path, fake, TOKEN_ENV)
    config.write_text("claim_lease: 2s\n" + config.read_text())
    log = tmp_path / "bot.log"
    setup = await start_bot(config, log)
    try:
        await fake.until(lambda: fake.commands.get(fake.guild_id), within=30)
        await fake.connected(within=30)
        await asyncio.sleep(0.3)
        opened = await fake.slash(fake.mod, "post-now")
        await fake.until(opened.answers, within=30)
        setup.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(setup.wait(), 30) == 0

        crashing = await start_bot(config, log, crash_at="after-commit#70")
        await fake.until(lambda: fake.identifies == 2, within=30)
        await asyncio.sleep(0.3)
        people = [Person(fake.next_id(), f"member{i:03d}") for i in range(100)]
        asks = []
        for i, p in enumerate(people):
            ask = await fake.slash(p, "respond", prompt=1, text=f"answer number {i:03d}")
            asks.append(ask)
            if i < 40:  # the first forty one by one, then sixty at once
                await fake.until(ask.answers, within=30)
        assert await asyncio.wait_for(crashing.wait(), 30) == -signal.SIGKILL
    finally:
        for process in (setup,):
            if process.returncode is None:
                process.kill()
    acknowledged = {
        f"answer number {i:03d}"
        for i, ask in enumerate(asks)
        if any("Saved your response" in text_of(m) for m in ask.answers())
    }
    with closing(sqlite3.connect(tmp_path / "data" / "studybot.db")) as raw:
        stored = [r[0] for r in raw.execute("SELECT text FROM responses")]
    assert len(stored) == len(set(stored))  # nothing twice
    assert acknowledged <= set(stored)  # nothing acknowledged was lost
    assert 40 <= len(acknowledged) < 70 <= len(stored)

    # The members who got no answer send theirs again after the restart.
    again = await start_bot(config, log)
    try:
        await fake.until(lambda: fake.identifies == 3, within=30)
        await asyncio.sleep(0.3)
        retries = [
            await fake.slash(p, "respond", prompt=1, text=f"answer number {i:03d}")
            for i, p in enumerate(people)
            if f"answer number {i:03d}" not in acknowledged
        ]
        for ask in retries:
            await fake.until(ask.answers, within=30)
        again.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(again.wait(), 30) == 0
    finally:
        if again.returncode is None:
            again.kill()
    with closing(sqlite3.connect(tmp_path / "data" / "studybot.db")) as raw:
        stored = [r[0] for r in raw.execute("SELECT text FROM responses")]
    assert sorted(stored) == [f"answer number {i:03d}" for i in range(100)]
