"""The bot killed with SIGKILL while an expired discussion is being deleted on Discord, between
Discord's answer to a delete and the record of it, then restarted: the removal resumes where it
stopped, every message of the session is deleted once, and nothing fails on the way."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from collections import Counter
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from discord_app import FIRST_SESSION, START, start_app, start_bot
from discord_harness import TOKEN_ENV
from discord_standin import FakeDiscord, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

CLOSES = FIRST_SESSION + timedelta(days=6)
EXPIRES = CLOSES + timedelta(days=14)


async def test_killed_between_a_delete_and_its_record_resumes_without_duplicates(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    # Up to the eve of the expiry in this process, on the fake clock: session 1 with talk.
    circle = await start_app(tmp_path, fake, TOKEN_ENV, group="expire_after: 14d")
    try:
        await circle.say(fake.ben, "join")
        await circle.advance(FIRST_SESSION - START + timedelta(minutes=1))
        [thread] = [cid for cid, c in fake.channels.items() if c["type"] == 11]
        prompt = next(m for m in fake.bot_messages(thread) if "Prompt 1" in text_of(m))
        answer = await fake.member_says(fake.ben, "A first thought.", channel_id=thread,
                                        reply_to=int(prompt["id"]))  # fmt: skip
        await fake.until(lambda: any("Saved" in text_of(m) for m in fake.bot_messages(thread)))
        chat = await fake.member_says(fake.ana, "A word to everyone.", channel_id=thread)
        await circle.advance(CLOSES + timedelta(minutes=1) - circle.clock.now())
        channel = [m for m in fake.bot_messages() if "Part Two" not in text_of(m)]
        expected = {int(m["id"]) for m in channel + fake.bot_messages(thread)}
        expected |= {int(answer["id"]), int(chat["id"])}
        await circle.advance(EXPIRES - timedelta(seconds=2) - circle.clock.now())
    finally:
        await circle.app.stop()
    assert fake.removed == []

    config = tmp_path / "config.yaml"
    config.write_text("claim_lease: 2s\n" + config.read_text())
    log = tmp_path / "bot.log"
    crashing = await start_bot(config, log, EXPIRES - timedelta(seconds=1), "after-remove#3")
    resumed: asyncio.subprocess.Process | None = None
    try:
        assert await asyncio.wait_for(crashing.wait(), 60) == -signal.SIGKILL
        assert len(fake.removed) == 3  # the third delete was answered, then the process died
        resumed = await start_bot(config, log, EXPIRES + timedelta(minutes=1))
        await fake.until(lambda: fake.removed_threads == [thread], within=60)
        resumed.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(resumed.wait(), 30) == 0
    finally:
        for process in (crashing, resumed):
            if process is not None and process.returncode is None:
                process.kill()
    counts = Counter(fake.removed)
    assert set(counts) == expected
    assert all(n == 1 for n in counts.values()), counts
    with closing(sqlite3.connect(tmp_path / "data" / "studybot.db")) as raw:
        [(expired,)] = raw.execute("SELECT expired_at FROM sessions WHERE number = 1")
        states = dict(
            raw.execute(
                "SELECT state, COUNT(*) FROM session_messages WHERE session_id = "
                "(SELECT id FROM sessions WHERE number = 1) GROUP BY state"
            ).fetchall()
        )
    assert expired is not None
    # the delete answered before the kill is tried again and found gone: removed once
    assert states == {"removed": len(expected) - 1, "gone": 1}
    written = log.read_text(errors="replace")
    assert "Traceback" not in written and "ERROR" not in written
