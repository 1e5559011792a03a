"""The whole Study Circle app on a fake clock, with the Matrix adapter on a real Synapse."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import nio
from matrix_members import BotFactory, Member, membership

from adapters.matrix import MatrixPlatform
from bot.config.load import load_config
from bot.core.clock import FakeClock
from bot.core.platform import PlatformContext
from bot.runtime.app import App, build_app

READINGS = Path(__file__).resolve().parents[1] / "fixtures" / "readings"
# Monday 30 November 2026, 12:00 UTC: the day before the first session (Tuesday 19:00 Berlin).
START = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
SESSION = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)

CONFIG = """
storage: data/study.db
readings_dir: readings
rate_limit: {{commands: 500, per: 1m}}  # the fake clock stands still; scenarios send many
platforms:
  matrix:
    homeserver: {homeserver}
    user_id: "{user_id}"
    access_token_env: {token_env}
    sync_timeout_ms: 5000
    sync_backoff_max_s: 1
    send_attempts: 2
groups:
  - id: readers
    name: Readers
    platform: matrix
    room: "{room}"
    timezone: Europe/Berlin
    reading: three-parts
    start: 2026-12-01
    cadence: {{weekly: [tue], at: "19:00"}}
    reminders: [24h, 1h]
    respond_for: 6d
    admins: []
"""


def write_config(folder: Path, **values: Any) -> Path:
    readings = folder / "readings"
    if not readings.exists():
        shutil.copytree(READINGS, readings)
    path = folder / "config.yaml"
    path.write_text(textwrap.dedent(CONFIG.format(**values)), encoding="utf-8")
    return path


class StudyOnMatrix:
    """Builds, starts, restarts and drives the app; the clock only moves when a test moves it."""

    def __init__(self, config_path: Path, clock: FakeClock) -> None:
        self.config_path = config_path
        self.clock = clock
        self.app: App | None = None
        self.platform: MatrixPlatform | None = None

    async def start(self) -> App:
        config = load_config(self.config_path)
        settings = config.spec.platforms.matrix
        assert settings is not None
        groups = [g for g in config.groups if g.platform == "matrix"]
        context = PlatformContext(
            data_dir=config.data_dir / "matrix",
            rooms=tuple(g.room for g in groups),
            admins={g.room: tuple(str(a) for a in g.spec.admins) for g in groups},
        )
        self.platform = MatrixPlatform(settings, context)
        self.app = await build_app(
            config, clock=self.clock, platforms={"matrix": self.platform}, waker=False
        )
        await self.app.start()
        return self.app

    async def stop(self) -> None:
        app, self.app = self.app, None
        if app is not None:
            await app.stop()

    async def advance(self, delta: timedelta) -> int:
        """Move the clock, running every due action at its own time on the way."""
        assert self.app is not None
        circle = self.app.circle
        target = self.clock.now() + delta
        ran = 0
        while True:
            due = await circle.next_due()
            if due is None or due > target:
                break
            if due > self.clock.now():
                self.clock.set(due)
            ran += await circle.run_due()
        if target > self.clock.now():
            self.clock.set(target)
        return ran


def body_of(event: Any) -> str:
    return str(getattr(event, "body", ""))


def bot_said(bot_user: str, room: str | None, *needles: str) -> Any:
    """A test for Member.wait_for: a bot message (in `room`, if given) containing every needle."""

    def test(room_id: str, event: Any) -> bool:
        return (
            isinstance(event, nio.RoomMessage)
            and event.sender == bot_user
            and (room is None or room_id == room)
            and all(n in body_of(event) for n in needles)
        )

    return test


def thread_of(event: Any) -> str | None:
    relation = event.source["content"].get("m.relates_to") or {}
    return relation.get("event_id") if relation.get("rel_type") == "m.thread" else None


def bot_messages(member: Member, room: str, bot_user: str) -> list[dict[str, Any]]:
    """Every message event the bot has in the room, oldest first, straight from the server."""
    events = member.messages(room, limit=500)
    mine = [e for e in events if e.get("sender") == bot_user and e["type"] == "m.room.message"]
    return list(reversed(mine))


@dataclass
class Circle:
    study: StudyOnMatrix
    bot: BotFactory
    room: str
    ana: Member  # created the room: an admin by power
    bea: Member
    carl: Member
    config: Path

    def said(self, *needles: str, room: str | None = None) -> Callable[[str, Any], bool]:
        return bot_said(self.bot.user_id, room, *needles)

    async def ask(self, member: Member, text: str, *needles: str, private: bool = False) -> Any:
        """`member` sends `text` in the group room; returns the bot's answer holding `needles`:
        in the command's thread, or in the member's direct room when `private`."""
        mark = member.mark()
        sent = await member.say(self.room, text)

        def answer(room_id: str, event: Any) -> bool:
            if not self.said(*needles)(room_id, event):
                return False
            if private:
                return room_id != self.room
            return room_id == self.room and thread_of(event) == sent

        return await member.wait_for(answer, after=mark)


async def make_circle(
    bot: BotFactory, members: Callable[..., Awaitable[Member]], tmp_path: Path, *, e2e: bool
) -> Circle:
    ana = await members("ana", e2e=e2e)
    bea = await members("bea", e2e=e2e)
    carl = await members("carl", e2e=e2e)
    room = ana.create_room(invite=(bot.user_id, bea.user_id, carl.user_id), encrypted=e2e)
    bea.join(room)
    carl.join(room)
    config = write_config(
        tmp_path,
        homeserver=bot.server.url,
        user_id=bot.user_id,
        token_env=bot.env,
        room=room,
    )
    study = StudyOnMatrix(config, FakeClock(START))
    await study.start()
    for member in (ana, bea, carl):
        await member.wait_for(membership(room, bot.user_id, "join"))
    return Circle(study, bot, room, ana, bea, carl, config)
