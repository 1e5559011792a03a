"""Discussions that expire on Matrix, against the real Synapse: every bot post and every
member's thread reply of a session redacted exactly once when `expire_after` has passed, a
redaction refused for want of power level told once, and the room's `m.room.retention`."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from matrix_members import BotFactory, Member, membership
from study_on_matrix import SESSION, START, StudyOnMatrix, bot_said, write_config

from bot.core.clock import FakeClock

CLOSES = SESSION + timedelta(days=6)
EXPIRES = CLOSES + timedelta(days=14)


@dataclass
class Expiring:
    study: StudyOnMatrix
    bot: BotFactory
    room: str
    ana: Member  # created the room
    bea: Member


def expiring_config(folder: Path, bot: BotFactory, room: str, extra: str = "") -> Path:
    path = write_config(
        folder, homeserver=bot.server.url, user_id=bot.user_id, token_env=bot.env, room=room
    )
    text = path.read_text().replace(
        "    admins: []\n", "    admins: []\n    expire_after: 14d\n" + extra
    )
    path.write_text(text)
    return path


async def start_expiring(
    bot: BotFactory, members: Any, tmp_path: Path, *, bot_power: int | None
) -> Expiring:
    ana: Member = await members("ana")
    bea: Member = await members("bea")
    extra: dict[str, Any] = {}
    if bot_power is not None:
        # room v12: the creator stands above power levels and is not listed
        extra["power_level_content_override"] = {"users": {bot.user_id: bot_power}}
    room = ana.create_room(invite=(bot.user_id, bea.user_id), **extra)
    bea.join(room)
    study = StudyOnMatrix(expiring_config(tmp_path, bot, room), FakeClock(START))
    await study.start()
    await ana.wait_for(membership(room, bot.user_id, "join"))
    return Expiring(study, bot, room, ana, bea)


@pytest.fixture
async def expiring(bot: BotFactory, members: Any, tmp_path: Path) -> AsyncIterator[Expiring]:
    made = await start_expiring(bot, members, tmp_path, bot_power=50)
    yield made
    await made.study.stop()


@pytest.fixture
async def powerless(bot: BotFactory, members: Any, tmp_path: Path) -> AsyncIterator[Expiring]:
    made = await start_expiring(bot, members, tmp_path, bot_power=None)
    yield made
    await made.study.stop()


async def known_to_core(x: Expiring, event_id: str) -> None:
    """Wait until the core has recorded a member's thread message (it says nothing back)."""
    assert x.study.app is not None
    storage = x.study.app.circle.storage
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        session = await storage.latest_session("readers")
        if session is not None:
            ids = {m.message_id for m in await storage.session_messages(session.id)}
            if event_id in ids:
                return
        await asyncio.sleep(0.05)
    known = await storage.session_messages(session.id) if session else []
    raise AssertionError(f"the core never recorded {event_id}: {known} {session}")


async def session_with_talk(x: Expiring) -> list[str]:
    """Open session 1; Bea answers prompt 1 in the thread and chats there. Returns her ids."""
    await x.study.advance(SESSION - x.study.clock.now())
    section = await x.bea.wait_for(bot_said(x.bot.user_id, x.room, "Part One", "fixed time"))
    prompt = await x.bea.wait_for(bot_said(x.bot.user_id, x.room, "Prompt 1"))
    await x.bea.wait_for(bot_said(x.bot.user_id, x.room, "discussions expire"))
    mark = x.bea.mark()
    answer = await x.bea.say(x.room, "A first thought.", thread=section.event_id,
                             reply_to=prompt.event_id)  # fmt: skip
    await x.bea.wait_for(bot_said(x.bot.user_id, x.room, "Saved"), after=mark)
    chat = await x.bea.say(x.room, "And a word to everyone.", thread=section.event_id)
    await known_to_core(x, chat)
    return [answer, chat]


def room_events(member: Member, room: str) -> list[dict[str, Any]]:
    return member.messages(room, limit=1000)


def redactions(member: Member, room: str) -> Counter[str]:
    """How many redaction events target each event of the room."""
    counts: Counter[str] = Counter()
    for event in room_events(member, room):
        if event["type"] == "m.room.redaction":
            target = event.get("redacts") or event.get("content", {}).get("redacts")
            counts[str(target)] += 1
    return counts


def redacted(event: dict[str, Any]) -> bool:
    return "redacted_because" in event.get("unsigned", {}) or not event.get("content")


async def test_a_session_expires_and_every_message_of_it_is_redacted_once(
    expiring: Expiring,
) -> None:
    x = expiring
    theirs = await session_with_talk(x)
    await x.study.advance(CLOSES + timedelta(minutes=1) - x.study.clock.now())
    await x.bea.wait_for(bot_said(x.bot.user_id, x.room, "Session 1 of", "is closed"))
    events = room_events(x.ana, x.room)
    bot_posts = {
        e["event_id"]
        for e in events
        if e["sender"] == x.bot.user_id
        and e["type"] == "m.room.message"
        and "Part Two" not in e["content"].get("body", "")  # session 2's reminder stays
    }
    assert not redactions(x.ana, x.room)

    await x.study.advance(EXPIRES + timedelta(minutes=1) - x.study.clock.now())
    counts = redactions(x.ana, x.room)
    bodies = {e["event_id"]: e.get("content", {}).get("body") for e in events}
    missing = {bodies.get(i) for i in (set(theirs) | bot_posts) - set(counts)}
    assert not missing
    assert all(n == 1 for n in counts.values()), counts
    by_id = {e["event_id"]: e for e in room_events(x.ana, x.room)}
    assert all(redacted(by_id[i]) for i in set(theirs) | bot_posts)
    reasons = {
        e["content"].get("reason") or e.get("redacts")
        for e in room_events(x.ana, x.room)
        if e["type"] == "m.room.redaction"
    }
    assert any("expired" in str(r) for r in reasons)
    retention = x.ana.server.request(
        "GET",
        f"/_matrix/client/v3/rooms/{quote(x.room)}/state/m.room.retention",
        token=x.ana.account.access_token,
    )
    assert retention == {"max_lifetime": 14 * 24 * 3600 * 1000}


async def test_a_redaction_refused_for_want_of_power_is_told_once(powerless: Expiring) -> None:
    x = powerless
    theirs = await session_with_talk(x)
    await x.study.advance(EXPIRES + timedelta(minutes=1) - x.study.clock.now())
    notice = await x.ana.wait_for(
        bot_said(x.bot.user_id, x.room, "could not remove", "power level of 50")
    )
    counts = redactions(x.ana, x.room)
    assert not set(theirs) & set(counts)  # Bea's messages stay: the bot may not touch them
    own = [
        e["event_id"]
        for e in room_events(x.ana, x.room)
        if e["sender"] == x.bot.user_id
        and e["type"] == "m.room.message"
        and e["event_id"] != notice.event_id
        and "next session" not in str(e.get("content", {}).get("body", ""))
    ]
    assert own and all(counts[i] == 1 for i in own if counts[i])  # its own go, once each
    # the next session's expiry meets the same refusal, and nobody is told again
    await x.study.advance(EXPIRES + timedelta(days=7, minutes=1) - x.study.clock.now())
    told = [
        e
        for e in room_events(x.ana, x.room)
        if e["sender"] == x.bot.user_id
        and "could not remove" in str(e.get("content", {}).get("body", ""))
    ]
    assert len(told) == 1


async def start_minimal(bot: BotFactory, members: Any, tmp_path: Path, extra: str = "") -> Expiring:
    """A `privacy: minimal` group, nothing else said: the preset brings `expire_after: 14d`."""
    ana: Member = await members("ana")
    bea: Member = await members("bea")
    room = ana.create_room(
        invite=(bot.user_id, bea.user_id),
        power_level_content_override={"users": {bot.user_id: 50}},
    )
    bea.join(room)
    path = write_config(
        tmp_path, homeserver=bot.server.url, user_id=bot.user_id, token_env=bot.env, room=room
    )
    keys = "    admins: []\n    privacy: minimal\n" + extra
    path.write_text(path.read_text().replace("    admins: []\n", keys))
    study = StudyOnMatrix(path, FakeClock(START))
    await study.start()
    await ana.wait_for(membership(room, bot.user_id, "join"))
    return Expiring(study, bot, room, ana, bea)


@pytest.fixture
async def minimal(bot: BotFactory, members: Any, tmp_path: Path) -> AsyncIterator[Expiring]:
    made = await start_minimal(bot, members, tmp_path)
    yield made
    await made.study.stop()


async def test_a_minimal_group_leaves_nothing_but_what_was_shared_beyond_it(
    minimal: Expiring,
) -> None:
    """The done-when: a whole course (three sessions), and after the last expiry the room holds
    none of its discussion and the database none of its responses but the `--public` ones,
    which stay without a name."""
    x = minimal
    sessions = 3
    theirs: list[str] = []
    for number in range(1, sessions + 1):
        opened = x.bea.mark()
        await x.study.advance(SESSION + timedelta(days=7 * (number - 1)) - x.study.clock.now())
        words = ("fixed time", "second part", "third part")[number - 1]
        section = await x.bea.wait_for(bot_said(x.bot.user_id, x.room, words), after=opened)
        prompt = await x.bea.wait_for(bot_said(x.bot.user_id, x.room, "Prompt 1"), after=opened)
        mark = x.bea.mark()
        theirs.append(await x.bea.say(x.room, f"Bea's thought on part {number}.",
                                      thread=section.event_id, reply_to=prompt.event_id))  # fmt: skip
        await x.bea.wait_for(bot_said(x.bot.user_id, x.room, "Saved"), after=mark)
        mark = x.ana.mark()
        theirs.append(await x.ana.say(x.room, f"!study respond 1 --public Ana's shared idea {number}.",
                                      thread=section.event_id))  # fmt: skip
        await x.ana.wait_for(bot_said(x.bot.user_id, x.room, "beyond"), after=mark)
        await known_to_core(x, theirs[-1])
    last_expires = SESSION + timedelta(days=7 * (sessions - 1) + 6 + 14, minutes=1)
    await x.study.advance(last_expires - x.study.clock.now())

    assert x.study.app is not None
    storage = x.study.app.circle.storage
    done = await storage.sessions("readers")
    assert len(done) == sessions and all(s.expired_at for s in done)
    events = room_events(x.ana, x.room)
    counts = redactions(x.ana, x.room)
    assert all(n == 1 for n in counts.values()), counts
    left = [
        e["content"].get("body", "")[:60]
        for e in events
        if e["type"] == "m.room.message" and not redacted(e)
    ]
    assert not any("Part" in b or "Prompt" in b or "thought" in b or "idea" in b for b in left), (
        left
    )
    by_id = {e["event_id"]: e for e in events}
    assert all(redacted(by_id[i]) for i in theirs)
    public = await storage.public_responses("readers")
    assert sorted(r.text for _, r, _ in public) == [
        f"Ana's shared idea {n}." for n in range(1, sessions + 1)
    ]
    assert all(author is None for _, _, author in public)  # anonymous: no name with them
    assert await storage.count("responses") == sessions  # Bea's went with the discussion


async def test_a_minimal_group_shows_the_room_display_name_it_never_stored(
    bot: BotFactory, members: Any, tmp_path: Path
) -> None:
    """Names fetched when shown: the summary reads Bea's display name from the room at send
    time; the database holds her Matrix id only, and nobody is pinged."""
    x = await start_minimal(bot, members, tmp_path, "    anonymous: false\n")
    try:
        x.bea.server.request(
            "PUT",
            f"/_matrix/client/v3/rooms/{quote(x.room)}/state/m.room.member/{quote(x.bea.user_id)}",
            {"membership": "join", "displayname": "Bea Reader"},
            token=x.bea.account.access_token,
        )
        await x.study.advance(SESSION - x.study.clock.now())
        await x.bea.wait_for(bot_said(x.bot.user_id, x.room, "Prompt 1"))
        mark = x.bea.mark()
        await x.bea.say(x.room, "!study respond 1 My answer.")
        await x.bea.wait_for(bot_said(x.bot.user_id, x.room, "Saved"), after=mark)
        await x.study.advance(CLOSES + timedelta(minutes=1) - x.study.clock.now())
        summary = await x.bea.wait_for(bot_said(x.bot.user_id, x.room, "is closed", "Bea Reader"))
        assert x.bea.user_id not in summary.body
        assert summary.source["content"]["m.mentions"] == {}
        assert x.study.app is not None
        member = await x.study.app.circle.storage.find_member("matrix", x.bea.user_id)
        assert member is not None and member.display_name == x.bea.user_id
    finally:
        await x.study.stop()
