"""A group whose channel is a forum, against the loopback stand-in: one forum post per session
(its section in the starter message, the prompts as the first replies, the "open" tag and the
reading's, "closed" once the session closes), replies in the post recorded as responses, and
every other room post kept inside the session's post."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from discord_app import FIRST_SESSION, START, DiscordCircle, start_app, start_bot, write_config
from discord_harness import TOKEN_ENV
from discord_standin import FakeDiscord, Json, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def circle(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[DiscordCircle]:
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    running = await start_app(tmp_path, fake, TOKEN_ENV, channel=fake.forum_id)
    yield running
    await running.app.stop()


async def test_a_forum_group_runs_a_session_as_one_forum_post(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    await circle.say(fake.ben, "join")
    await circle.advance(FIRST_SESSION - START + timedelta(minutes=1))
    # the reminders before the first session are in one standing post
    [notices, post] = sorted(fake.forum_posts(), key=lambda p: int(p["id"]))
    assert notices["name"] == "Study Circle"
    reminders = [text_of(m) for m in fake.bot_messages(int(notices["id"]))]
    assert len(reminders) == 2 and all("next session in" in r for r in reminders)
    assert post["name"] == "Session 1: Part One"
    tags = {name for name, tid in fake.forum_tags.items() if str(tid) in post["applied_tags"]}
    assert tags == {"open", "Three Parts"}
    pid = int(post["id"])
    starter = fake.messages[pid]
    assert "Part One" in text_of(starter) and starter["channel_id"] == post["id"]
    inside = fake.bot_messages(pid)
    prompts = [m for m in inside if "Prompt" in text_of(m)]
    assert len(prompts) >= 2 and all(int(m["id"]) > pid for m in prompts)
    assert fake.channel_messages(fake.forum_id) == []  # a forum holds posts, not messages

    await fake.member_says(fake.ben, "My answer, in the post.", channel_id=pid,
                           reply_to=int(prompts[0]["id"]))  # fmt: skip
    await fake.until(lambda: any("Saved" in text_of(m) for m in fake.bot_messages(pid)))
    storage = circle.app.circle.storage
    assert await storage.count("responses") == 1

    await circle.advance(FIRST_SESSION + timedelta(days=6, minutes=1) - circle.clock.now())
    [post] = [p for p in fake.forum_posts() if p["id"] == str(pid)]
    tags = {name for name, tid in fake.forum_tags.items() if str(tid) in post["applied_tags"]}
    assert tags == {"closed", "Three Parts"}
    assert any("summary" in text_of(m).lower() for m in fake.bot_messages(pid))
    assert len(fake.forum_posts()) == 2  # the summary went into the session's post
    assert fake.unhandled == []


async def test_killed_between_creating_the_post_and_its_record_makes_it_once(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    config = write_config(tmp_path, fake, TOKEN_ENV, channel=fake.forum_id)
    config.write_text("claim_lease: 2s\n" + config.read_text())
    log = tmp_path / "bot.log"
    # a few seconds before the session: the process plans it before its time has come
    at = FIRST_SESSION - timedelta(seconds=6)
    crashing = await start_bot(config, log, at, "after-send:*:section:1", token_env=TOKEN_ENV)
    resumed = None

    def named() -> list[Json]:
        return [p for p in fake.forum_posts() if p["name"] == "Session 1: Part One"]

    def prompts() -> list[str]:
        return [t for p in named() for m in fake.bot_messages(int(p["id"]))
                if "Prompt" in (t := text_of(m))]  # fmt: skip

    try:
        assert await asyncio.wait_for(crashing.wait(), 60) == -signal.SIGKILL
        assert len(named()) == 1 and prompts() == []  # Discord made it; nothing recorded it
        resumed = await start_bot(config, log, at + timedelta(minutes=1), token_env=TOKEN_ENV)
        await fake.until(lambda: len(prompts()) >= 2, within=60)
        resumed.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(resumed.wait(), 30) == 0
    finally:
        for process in (crashing, resumed):
            if process is not None and process.returncode is None:
                process.kill()
    assert len(named()) == 1
    assert len(prompts()) == len(set(prompts()))
    written = log.read_text(errors="replace")
    assert "Traceback" not in written and "ERROR" not in written
