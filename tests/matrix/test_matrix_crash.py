"""The bot process killed with SIGKILL mid-session on Matrix, then restarted: every session post
is in the room exactly once (the resend reuses its transaction id), the command being handled
when it died does not run twice, and every response a member saw acknowledged is stored once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import nio
import pytest
from matrix_members import BotFactory, Member
from study_on_matrix import bot_messages, bot_said, thread_of, write_config

from bot.config.schema import ConfigSpec

ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    """`studybot run --config ...` as its own process, as an admin would run it."""

    def __init__(self, config: Path, logs: Path) -> None:
        self.config = config
        self.logs = logs
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, crash_at: str | None = None) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("STUDYBOT_CRASH_AT", None)
        if crash_at:
            env["STUDYBOT_CRASH_AT"] = crash_at
        with self.logs.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.cli",
                "run",
                "--config",
                str(self.config),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
            )

    async def exited(self, within: float = 30) -> int:
        assert self.process is not None
        return await asyncio.wait_for(self.process.wait(), within)

    async def terminate(self) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await self.exited()

    def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()


@pytest.mark.parametrize("crash_at", ["before-send:*:prompt:2", "after-send:*:prompt:2"])
async def test_killed_while_opening_a_session_posts_everything_once(
    crash_at: str, bot: BotFactory, members: Any, tmp_path: Path
) -> None:
    ana: Member = await members("ana")
    room = ana.create_room(invite=(bot.user_id,))
    config = write_config(
        tmp_path, homeserver=bot.server.url, user_id=bot.user_id, token_env=bot.env, room=room
    )
    if "claim_lease" in ConfigSpec.model_fields:
        # a dead process's claim on the half-done opening lapses after this (default 5 minutes)
        config.write_text("claim_lease: 2s\n" + config.read_text())
    process = BotProcess(config, tmp_path / "bot.log")
    try:
        await process.start(crash_at=crash_at)
        await ana.wait_for(
            lambda r, e: (
                isinstance(e, nio.RoomMemberEvent)
                and e.state_key == bot.user_id
                and e.membership == "join"
            ),
            within=30,
        )
        await ana.say(room, "!study post-now")
        assert await process.exited() == -signal.SIGKILL

        await process.start()  # the interrupted opening is resumed
        await ana.wait_for(bot_said(bot.user_id, room, "Prompt 2"), within=30)
        status = await ana.say(room, "!study status")
        answer = await ana.wait_for(
            lambda r, e: (
                bot_said(bot.user_id, room, "Open: session 1")(r, e) and thread_of(e) == status
            ),
            within=30,
        )
        assert "session 2" not in answer.body  # post-now did not run again
        assert await process.terminate() == 0
    finally:
        process.kill()
    bodies = [e["content"]["body"] for e in bot_messages(ana, room, bot.user_id)]
    assert sum("Part One" in b and "fixed time" in b for b in bodies) == 1
    assert sum(b.startswith("Prompt 1\n") for b in bodies) == 1
    assert sum(b.startswith("Prompt 2\n") for b in bodies) == 1
    assert not any("Session 1 is open" in b for b in bodies)  # died before answering; not rerun


async def test_killed_while_a_hundred_members_respond_loses_no_acknowledged_answer(
    bot: BotFactory, members: Any, tmp_path: Path
) -> None:
    ana: Member = await members("ana")
    room = ana.create_room(invite=(bot.user_id,), preset="public_chat")  # readers join freely
    config = write_config(
        tmp_path, homeserver=bot.server.url, user_id=bot.user_id, token_env=bot.env, room=room
    )
    config.write_text("claim_lease: 2s\n" + config.read_text())
    people: list[Member] = []
    for _ in range(100):
        person = await members("reader", start=False)
        joined = await person.client.join(room)
        assert isinstance(joined, nio.JoinResponse), joined
        people.append(person)
    process = BotProcess(config, tmp_path / "bot.log")
    try:
        await process.start()
        await ana.wait_for(
            lambda r, e: (
                isinstance(e, nio.RoomMemberEvent)
                and e.state_key == bot.user_id
                and e.membership == "join"
            ),
            within=30,
        )
        await ana.say(room, "!study post-now")
        await ana.wait_for(bot_said(bot.user_id, room, "Prompt 1"), within=30)
        assert await process.terminate() == 0

        await process.start(crash_at="after-commit#70")
        asked: dict[str, int] = {}
        for i, person in enumerate(people):
            event_id = await person.send(
                room, {"msgtype": "m.text", "body": f"!study respond 1 answer number {i:03d}"}
            )
            asked[event_id] = i
            if i < 40:  # the first forty one by one, then sixty at once
                await ana.wait_for(
                    lambda r, e, event_id=event_id: (
                        bot_said(bot.user_id, room, "Saved your response")(r, e)
                        and thread_of(e) == event_id
                    ),
                    within=30,
                )
        assert await process.exited(within=60) == -signal.SIGKILL
        await asyncio.sleep(1)  # the last acknowledgements reach ana's sync
        acknowledged = {
            asked[root]
            for _, e in ana.events
            if bot_said(bot.user_id, room, "Saved your response")(room, e)
            and (root := thread_of(e)) in asked
        }
        stored = _stored_answers(tmp_path)
        assert len(stored) == len(set(stored))  # nothing twice
        assert {f"answer number {i:03d}" for i in acknowledged} <= set(stored)  # none lost
        assert 40 <= len(acknowledged) < 70 <= len(stored)

        await process.start()  # members who got no answer send theirs again
        for i, person in enumerate(people):
            if f"answer number {i:03d}" not in stored:
                await person.send(
                    room, {"msgtype": "m.text", "body": f"!study respond 1 answer number {i:03d}"}
                )
        for _ in range(300):  # the database is another process's: look every 0.2 s
            if len(_stored_answers(tmp_path)) >= 100:
                break
            await asyncio.sleep(0.2)
        assert await process.terminate() == 0
    finally:
        process.kill()
        for person in people:
            await person.close()
    assert sorted(_stored_answers(tmp_path)) == [f"answer number {i:03d}" for i in range(100)]


def _stored_answers(folder: Path) -> list[str]:
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(folder / "data" / "study.db")) as raw:
        return [r[0] for r in raw.execute("SELECT text FROM responses")]
