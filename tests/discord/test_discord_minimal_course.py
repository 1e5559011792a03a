"""The done-when of `privacy: minimal` on Discord, against the loopback stand-in: a group runs
its whole course, and once the last session's `expire_after` has passed the server holds none
of its discussion (every bot post and member message of every session deleted, the threads
too) and the database none of its responses, except those a member marked `--public`, which
stay, without a name."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from discord_app import FIRST_SESSION, start_app
from discord_harness import TOKEN_ENV
from discord_records import pings
from discord_standin import FakeDiscord, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

SESSIONS = 3  # three-parts: Part One, Two, Three, a week apart
LAST_EXPIRES = FIRST_SESSION + timedelta(days=7 * (SESSIONS - 1) + 6 + 14)


async def test_a_minimal_group_leaves_nothing_but_what_was_shared_beyond_it(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    circle = await start_app(tmp_path, fake, TOKEN_ENV, group="privacy: minimal")
    try:
        await circle.say(fake.ana, "join")
        await circle.say(fake.ben, "join")
        theirs: set[int] = set()
        threads: list[int] = []
        for number in range(1, SESSIONS + 1):
            opens = FIRST_SESSION + timedelta(days=7 * (number - 1), minutes=1)
            await circle.advance(opens - circle.clock.now())
            [thread] = [
                cid for cid, c in fake.channels.items() if c["type"] == 11 and cid not in threads
            ]
            threads.append(thread)
            prompt = next(m for m in fake.bot_messages(thread) if "Prompt 1" in text_of(m))
            answer = await fake.member_says(fake.ben, f"Ben's thought on part {number}.",
                                            channel_id=thread, reply_to=int(prompt["id"]))  # fmt: skip
            await fake.until(
                lambda t=thread: sum("Saved" in text_of(m) for m in fake.bot_messages(t)) >= 1
            )
            chat = await fake.member_says(fake.ana, "A word to everyone.", channel_id=thread)
            theirs |= {int(answer["id"]), int(chat["id"])}
            said = await circle.say(fake.ana, "respond", prompt=1, public=True,
                                    text=f"Ana's shared idea {number}.")  # fmt: skip
            assert "beyond" in said
        ours = {int(m["id"]) for cid in [fake.channel_id, *threads] for m in fake.bot_messages(cid)}
        storage = circle.app.circle.storage
        assert await storage.count("responses") == 2 * SESSIONS

        await circle.advance(LAST_EXPIRES + timedelta(minutes=1) - circle.clock.now())

        sessions = await storage.sessions("readers")
        assert len(sessions) == SESSIONS and all(s.expired_at for s in sessions)
        counts = Counter(fake.removed)
        assert all(n == 1 for n in counts.values()), counts
        left = {int(m["id"]): text_of(m)[:60] for m in fake.bot_messages()}
        left.update(
            (int(m["id"]), text_of(m)[:60]) for t in threads for m in fake.channel_messages(t)
        )
        assert not (ours | theirs) - set(counts), left
        assert sorted(fake.removed_threads) == sorted(threads)
        assert left == {}  # not one message of the course, the bot's or the members'
        public = await storage.public_responses("readers")
        assert sorted(r.text for _, r, _ in public) == [
            f"Ana's shared idea {n}." for n in range(1, SESSIONS + 1)
        ]
        assert all(author is None for _, _, author in public)  # anonymous: no name with them
        assert await storage.count("responses") == SESSIONS  # Ben's answers went
        assert fake.unhandled == []
    finally:
        await circle.app.stop()


async def test_a_minimal_group_shows_members_by_a_mention_that_pings_nobody(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No name is stored; the summary and the teams show Discord's mention, which each reader's
    client turns into the name, sent with mentions parsed for nobody."""
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    group = "privacy: minimal\nanonymous: false\npairing: {enabled: true}"
    circle = await start_app(tmp_path, fake, TOKEN_ENV, group=group)
    try:
        await circle.say(fake.ana, "join")
        await circle.say(fake.ben, "join")
        await circle.advance(FIRST_SESSION + timedelta(minutes=1) - circle.clock.now())
        [thread] = [cid for cid, c in fake.channels.items() if c["type"] == 11]
        mentions = {f"<@{fake.ana.id}>", f"<@{fake.ben.id}>"}
        [teams] = [m for m in fake.bot_messages(thread) if "Teams for session" in text_of(m)]
        assert all(m in text_of(teams) for m in mentions), text_of(teams)
        await circle.say(fake.ana, "respond", prompt=1, text="Mine.")
        await circle.say(fake.ben, "respond", prompt=1, text="Mine too.")
        await circle.advance(timedelta(days=6, minutes=1))
        [summary] = [m for m in fake.bot_messages() if "is closed" in text_of(m)]
        assert all(m in text_of(summary) for m in mentions), text_of(summary)
        assert "ana" not in text_of(summary) and "ben" not in text_of(summary)
        assert summary["allowed_mentions"]["parse"] == []
        assert pings(summary) == set()
        members = await circle.app.circle.storage.group_members("readers")
        assert {m.display_name for m, _ in members} == {str(fake.ana.id), str(fake.ben.id)}
    finally:
        await circle.app.stop()


async def test_the_drifting_list_of_a_minimal_group_shows_mentions(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    group = "privacy: minimal\nanonymous: false\ndrift_after: 1"
    circle = await start_app(tmp_path, fake, TOKEN_ENV, group=group)
    try:
        await circle.say(fake.ben, "join")
        await circle.advance(FIRST_SESSION + timedelta(days=6, minutes=1) - circle.clock.now())
        listed = await circle.say(fake.mod, "drifting")
        assert f"<@{fake.ben.id}>" in listed and "ben" not in listed, listed
    finally:
        await circle.app.stop()
