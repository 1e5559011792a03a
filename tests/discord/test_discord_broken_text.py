"""Text Discord's JSON can carry but no database can store (a lone surrogate in a name or a
message) reaches the core through discord.py and is served there like any other."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from discord_app import FIRST_SESSION, START, DiscordCircle, start_app
from discord_harness import TOKEN_ENV
from discord_records import Person
from discord_standin import FakeDiscord, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def circle(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[DiscordCircle]:
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    running = await start_app(tmp_path, fake, TOKEN_ENV)
    yield running
    await running.app.stop()


async def test_a_lone_surrogate_in_a_name_and_in_answers_is_cleaned_not_fatal(
    fake: FakeDiscord, circle: DiscordCircle, tmp_path: Path
) -> None:
    zoe = Person(fake.next_id(), "zo\ud800e")  # the gateway sends it as the JSON escape \ud800
    fake.people[zoe.id] = zoe
    assert "/study join" in await circle.say(zoe, "help")
    assert "Welcome to Readers" in await circle.say(zoe, "join")
    await circle.advance(FIRST_SESSION - START + timedelta(minutes=1))
    said = await circle.say(zoe, "respond", prompt=1, text="half \ud83d a pair and \udfff")
    assert "Saved your response to prompt 1" in said
    [thread] = [cid for cid, c in fake.channels.items() if c["type"] == 11]
    prompt2 = fake.bot_messages(thread)[1]
    await fake.member_says(zoe, "by reply \ud800", channel_id=thread, reply_to=int(prompt2["id"]))
    await fake.until(lambda: any("prompt 2" in text_of(m) for m in fake.bot_messages(thread)))
    # each acknowledgement was sent after its commit
    with closing(sqlite3.connect(tmp_path / "data" / "studybot.db")) as raw:
        texts = [r[0] for r in raw.execute("SELECT text FROM responses ORDER BY prompt")]
        names = [r[0] for r in raw.execute("SELECT display_name FROM members")]
    assert texts == ["half \ufffd a pair and \ufffd", "by reply \ufffd"]
    assert "Zo\ufffdE" in names
