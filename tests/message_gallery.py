"""One of every message the core sends, made by the real core on a fake clock: a course of
three sessions with members, teams, responses, reminders, a nudge, a digest and the end.

Each platform's rendering tests take these messages through their adapter's renderer, so
they see what members and admins are sent, not hand-written samples."""

from __future__ import annotations

import asyncio
import shutil
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.messages import Message, MessageKind
from bot.testing import Harness, Sent, make_harness, member
from tests.conftest import BASE_CONFIG, FIXTURES, START

ANA = member("Ana")  # the admin
BEA = member("Bea")
CAL = member("Cal")
DEV = member("Dev")
OPENS = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
WEEK = timedelta(days=7)

CONFIG = BASE_CONFIG.replace(
    "admins: [ana]", "admins: [ana]\n    pairing: {enabled: true, announce: thread}"
)

# the kinds of message a platform must show well, by a name a test can read
NAMES = (
    "help",
    "status",
    "schedule",
    "now",
    "section",
    "prompt",
    "reminder",
    "teams",
    "response saved",
    "mine",
    "nudge",
    "summary",
    "digest",
    "reading finished",
    "unknown command",
    "welcome",
    "no session",
    "forget-me",
)


def _last(sent: list[Sent], before: int, kind: MessageKind | None = None) -> Message:
    found = [s.message for s in sent[before:] if kind is None or s.message.kind == kind]
    assert found, f"no {kind} message was sent"
    return found[-1]


async def _reply(h: Harness, text: str, who: object = BEA, **kw: bool) -> Message:
    before = len(h.platform.sent)
    await h.command(text, member=who, **kw)  # type: ignore[arg-type]
    return _last(h.platform.sent, before, MessageKind.REPLY)


async def gallery(folder: Path) -> dict[str, Message]:
    """Every message of `NAMES`, as the core built it."""
    readings = folder / "readings"
    if not readings.exists():
        shutil.copytree(FIXTURES / "readings", readings)
    path = folder / "config.yaml"
    path.write_text(textwrap.dedent(CONFIG), encoding="utf-8")
    h = await make_harness(path, start=START)
    try:
        return await _made(h)
    finally:
        await h.close()


async def _made(h: Harness) -> dict[str, Message]:
    shown: dict[str, Message] = {}
    shown["welcome"] = await _reply(h, "join")
    for who in (ANA, CAL, DEV):
        await h.command("join", member=who)
    shown["no session"] = await _reply(h, "now")
    shown["forget-me"] = await _reply(h, "forget-me")
    for who in (BEA, DEV):
        await h.command("reminders on", member=who)
    shown["help"] = await _reply(h, "help")
    shown["schedule"] = await _reply(h, "schedule")
    shown["unknown command"] = await _reply(h, "respnd 1 hi")
    before = len(h.platform.sent)
    await h.advance_to(OPENS - timedelta(minutes=30))
    shown["reminder"] = _last(h.platform.sent, before, MessageKind.REMINDER)
    before = len(h.platform.sent)
    await h.advance_to(OPENS + timedelta(minutes=1))
    opened = h.platform.sent[before:]
    shown["section"] = _last(opened, 0, MessageKind.SECTION)
    shown["prompt"] = next(s.message for s in opened if s.message.kind == MessageKind.PROMPT)
    shown["teams"] = next(s.message for s in opened if s.message.title == "Teams of two")
    shown["now"] = await _reply(h, "now")
    shown["response saved"] = await _reply(h, "respond 1 A first thought,\nover two lines.")
    await h.command("respond 1 Cal's *own* view", member=CAL)
    await h.command("respond 2 Ana on the second", member=ANA)
    shown["mine"] = await _reply(h, "mine")
    shown["status"] = await _reply(h, "status", ANA)
    before = len(h.platform.sent)
    await h.advance_to(OPENS + timedelta(days=5, hours=1))
    shown["nudge"] = _last(h.platform.sent, before, MessageKind.NUDGE)
    before = len(h.platform.sent)
    await h.advance_to(OPENS + WEEK - timedelta(minutes=30))
    closed = h.platform.sent[before:]
    shown["summary"] = next(s.message for s in closed if s.message.title == "Session 1 summary")
    shown["digest"] = next(
        s.message for s in closed if (s.message.title or "").startswith("Digest")
    )
    before = len(h.platform.sent)
    await h.advance(3 * WEEK)
    shown["reading finished"] = next(
        s.message for s in h.platform.sent[before:] if s.message.title == "Reading finished"
    )
    assert set(shown) == set(NAMES)
    return shown


def gallery_in(folder: Path) -> dict[str, Message]:
    """`gallery` from synchronous code (a module-scoped fixture: made once for a file's tests)."""
    return asyncio.run(gallery(folder))
