"""The bot killed with SIGKILL on Matrix while an expired discussion is being redacted, between
the homeserver's answer to a redaction and the record of it, then restarted: the removal resumes
where it stopped, every bot post and member thread reply of the session is redacted exactly once
(the repeated redaction reuses its transaction id), and nothing fails on the way."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Collection
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import nio
from matrix_members import BotFactory
from study_on_matrix import bot_said
from test_matrix_expiry import (
    CLOSES,
    EXPIRES,
    redactions,
    room_events,
    session_with_talk,
    start_expiring,
)

from bot.core.faults import ENV as CRASH_ENV

ROOT = Path(__file__).resolve().parents[2]


async def start_bot(
    config: Path, log: Path, at: datetime, crash_at: str | None = None
) -> asyncio.subprocess.Process:
    """`studybot run` on a clock that reads `at` now and runs at real speed from there."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(CRASH_ENV, None)
    if crash_at:
        env[CRASH_ENV] = crash_at
    clock = f"{at.isoformat()},1,{time.time()}"
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.scaled_clock", clock, "run", "--config", str(config),
            stdin=subprocess.DEVNULL, stdout=out, stderr=out, env=env, cwd=ROOT,
        )  # fmt: skip


def redacted_all(ids: Collection[str]) -> Any:
    """A test for Member.wait_for, true once a redaction of every one of `ids` has been seen."""
    seen: set[str] = set()

    def test(_room: str, event: Any) -> bool:
        if isinstance(event, nio.RedactionEvent):
            seen.add(event.redacts)
        return set(ids) <= seen

    return test


async def expired_in_store(database: Path) -> str:
    """Wait until the other process has recorded session 1 as expired (look every 0.1 s)."""
    for _ in range(300):
        with closing(sqlite3.connect(database)) as raw:
            [(expired,)] = raw.execute("SELECT expired_at FROM sessions WHERE number = 1")
        if expired is not None:
            return str(expired)
        await asyncio.sleep(0.1)
    raise AssertionError("session 1 was never recorded as expired")


async def test_killed_between_a_redaction_and_its_record_resumes_without_duplicates(
    bot: BotFactory, members: Any, tmp_path: Path
) -> None:
    # Up to the eve of the expiry in this process, on the fake clock: session 1 with talk.
    x = await start_expiring(bot, members, tmp_path, bot_power=50)
    try:
        theirs = await session_with_talk(x)
        await x.study.advance(CLOSES + timedelta(minutes=1) - x.study.clock.now())
        await x.bea.wait_for(bot_said(x.bot.user_id, x.room, "Session 1 of", "is closed"))
        bot_posts = {
            e["event_id"]
            for e in room_events(x.ana, x.room)
            if e["sender"] == x.bot.user_id
            and e["type"] == "m.room.message"
            and "Part Two" not in e["content"].get("body", "")  # session 2's reminder stays
        }
        await x.study.advance(EXPIRES - timedelta(seconds=2) - x.study.clock.now())
    finally:
        await x.study.stop()
    expected = bot_posts | set(theirs)
    assert not redactions(x.ana, x.room)

    config = x.study.config_path
    config.write_text("claim_lease: 2s\n" + config.read_text())
    log = tmp_path / "bot.log"
    crashing = await start_bot(config, log, EXPIRES - timedelta(seconds=1), "after-remove#3")
    resumed: asyncio.subprocess.Process | None = None
    try:
        assert await asyncio.wait_for(crashing.wait(), 60) == -signal.SIGKILL
        # the third redaction was answered, then the process died
        assert sum(redactions(x.ana, x.room).values()) == 3
        resumed = await start_bot(config, log, EXPIRES + timedelta(minutes=1))
        await x.ana.wait_for(redacted_all(expected), within=60)
        await expired_in_store(tmp_path / "data" / "study.db")
        resumed.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(resumed.wait(), 30) == 0
    finally:
        for process in (crashing, resumed):
            if process is not None and process.returncode is None:
                process.kill()
    counts = redactions(x.ana, x.room)
    assert set(counts) == expected
    assert all(n == 1 for n in counts.values()), counts
    with closing(sqlite3.connect(tmp_path / "data" / "study.db")) as raw:
        states = dict(
            raw.execute(
                "SELECT state, COUNT(*) FROM session_messages WHERE session_id = "
                "(SELECT id FROM sessions WHERE number = 1) GROUP BY state"
            ).fetchall()
        )
    # the redaction answered before the kill is sent again with its transaction id: once
    assert states == {"removed": len(expected)}
    written = log.read_text(errors="replace")
    assert "Traceback" not in written and "ERROR" not in written
