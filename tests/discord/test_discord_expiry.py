"""Discussions that expire on Discord, against the loopback stand-in: when `expire_after` has
passed on the fake clock, every bot post and every member message of the session's thread is
deleted exactly once, then the thread; a delete refused for want of Manage Messages is told to
the admins once; 429s on the way are waited out."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from discord_app import FIRST_SESSION, START, DiscordCircle, start_app
from discord_harness import TOKEN_ENV
from discord_standin import FakeDiscord, Json, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

CLOSES = FIRST_SESSION + timedelta(days=6)
EXPIRES = CLOSES + timedelta(days=14)
DELETES = r"/channels/\d+/messages/\d+"


@pytest_asyncio.fixture(loop_scope="session")
async def circle(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[DiscordCircle]:
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    running = await start_app(tmp_path, fake, TOKEN_ENV, group="expire_after: 14d")
    yield running
    await running.app.stop()


def thread_of(fake: FakeDiscord) -> int:
    [thread] = [cid for cid, c in fake.channels.items() if c["type"] == 11]
    return thread


async def session_with_talk(circle: DiscordCircle) -> tuple[int, list[Json]]:
    """Open session 1; ben answers prompt 1 in the thread and ana chats there. Returns the
    thread and the members' messages."""
    fake = circle.fake
    await circle.say(fake.ben, "join")
    await circle.advance(FIRST_SESSION - START + timedelta(minutes=1))
    thread = thread_of(fake)
    prompt = next(m for m in fake.bot_messages(thread) if "Prompt 1" in text_of(m))
    answer = await fake.member_says(fake.ben, "A first thought.", channel_id=thread,
                                    reply_to=int(prompt["id"]))  # fmt: skip
    await fake.until(lambda: any("Saved" in text_of(m) for m in fake.bot_messages(thread)))
    chat = await fake.member_says(fake.ana, "And a word to everyone.", channel_id=thread)
    return thread, [answer, chat]


def session_posts(fake: FakeDiscord, thread: int) -> set[int]:
    """The bot's messages of session 1: in the thread, and in the channel but session 2's."""
    channel = [m for m in fake.bot_messages() if "Part Two" not in text_of(m)]
    return {int(m["id"]) for m in channel + fake.bot_messages(thread)}


async def test_a_session_expires_and_every_message_of_it_is_deleted_once(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    thread, theirs = await session_with_talk(circle)
    assert any("discussions expire" in text_of(m) for m in fake.bot_messages())
    await circle.advance(CLOSES + timedelta(minutes=1) - circle.clock.now())
    ours = session_posts(fake, thread)
    assert fake.removed == []
    fake.rate_limit("DELETE", DELETES, times=2)  # Discord's delete bucket runs dry twice
    fake.archive(thread)  # a week without a message archives the thread
    await circle.advance(EXPIRES - timedelta(minutes=1) - circle.clock.now())
    assert fake.removed == []  # not a minute early
    await circle.advance(timedelta(minutes=2))

    counts = Counter(fake.removed)
    assert set(counts) == ours | {int(m["id"]) for m in theirs}
    assert all(n == 1 for n in counts.values()), counts
    assert fake.removed_threads == [thread]
    limited = [r for r in fake.sent("DELETE", DELETES) if r.status == 429]
    assert len(limited) == 2  # waited out and tried again, not counted as gone
    storage = circle.app.circle.storage
    session = (await storage.sessions("readers"))[0]
    assert session.expired_at is not None
    assert await storage.removal_counts(session.id) == {"removed": len(counts)}
    # the bot's deletes are not members taking their responses back (retention_days decides)
    assert await storage.count("responses") == 1
    assert fake.unhandled == []


async def test_a_delete_refused_for_want_of_manage_messages_is_told_once(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    fake.rights.discard("manage_messages")
    fake.rights.discard("manage_threads")
    thread, theirs = await session_with_talk(circle)
    await circle.advance(CLOSES + timedelta(minutes=1) - circle.clock.now())
    ours = session_posts(fake, thread)
    await circle.advance(EXPIRES + timedelta(minutes=1) - circle.clock.now())
    assert not {int(m["id"]) for m in theirs} & set(fake.removed)  # the members' stay
    assert set(fake.removed) == ours  # the bot's own posts go all the same
    assert fake.removed_threads == []
    assert len(fake.removed) == len(set(fake.removed))
    storage = circle.app.circle.storage
    session = (await storage.sessions("readers"))[0]
    assert session.expired_at is not None
    assert (await storage.removal_counts(session.id))["refused"] == 2

    def told() -> list[Json]:
        messages = [m for cid in list(fake.channels) for m in fake.bot_messages(cid)]
        return [m for m in messages if "could not expire" in text_of(m)]

    notices = told()
    assert any("Manage Messages" in text_of(m) for m in notices)
    assert any("Manage Threads" in text_of(m) for m in notices)
    # session 2 meets the same refusal: nobody is told again
    await circle.advance(EXPIRES + timedelta(days=7, minutes=1) - circle.clock.now())
    second = (await storage.sessions("readers"))[1]
    assert second.expired_at is not None
    assert len(told()) == len(notices) == 2


async def test_a_forum_session_expires_starter_first_then_its_post(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forum group: the session's post goes once its discussion expired, its starter message
    (the section) and every reply in it deleted first, each once, then the post itself."""
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    forum = await start_app(tmp_path, fake, TOKEN_ENV, group="expire_after: 14d",
                            channel=fake.forum_id)  # fmt: skip
    try:
        await forum.say(fake.ben, "join")
        await forum.advance(FIRST_SESSION - START + timedelta(minutes=1))
        [post] = [p for p in fake.forum_posts() if p["name"].startswith("Session 1")]
        pid = int(post["id"])
        prompt = next(m for m in fake.bot_messages(pid) if "Prompt 1" in text_of(m))
        answer = await fake.member_says(fake.ben, "In the post.", channel_id=pid,
                                        reply_to=int(prompt["id"]))  # fmt: skip
        await fake.until(lambda: any("Saved" in text_of(m) for m in fake.bot_messages(pid)))
        chat = await fake.member_says(fake.ana, "A word here too.", channel_id=pid)
        await forum.advance(CLOSES + timedelta(minutes=1) - forum.clock.now())
        inside = {int(m["id"]) for m in fake.channel_messages(pid)}
        assert pid in inside and {int(answer["id"]), int(chat["id"])} <= inside
        assert fake.removed == []
        await forum.advance(EXPIRES + timedelta(minutes=1) - forum.clock.now())

        counts = Counter(fake.removed)
        assert inside <= set(counts), inside - set(counts)
        assert all(n == 1 for n in counts.values()), counts
        assert fake.removed_threads == [pid]  # the post, after its messages
        starter = fake.sent("DELETE", rf"/channels/{pid}/messages/{pid}")
        post_gone = fake.sent("DELETE", rf"/channels/{pid}")
        assert starter and post_gone
        assert fake.requests.index(starter[-1]) < fake.requests.index(post_gone[-1])
        assert not [p for p in fake.forum_posts() if p["name"].startswith("Session 1")]
        assert fake.unhandled == []
    finally:
        await forum.app.stop()
