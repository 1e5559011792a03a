"""Readings in several languages on Discord (the loopback stand-in): the channel and thread in
the group's language, a member's `now` in theirs, one pool of answers per prompt."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from discord_app import FIRST_SESSION, START, DiscordCircle, start_app
from discord_harness import TOKEN_ENV
from discord_standin import FakeDiscord, text_of

from tests.bilingual import ENGLISH, READING_ID, SPANISH, write_reading

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def circle(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: Any
) -> AsyncIterator[DiscordCircle]:
    """The app with one group reading the bilingual text in the language the test names."""
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    write_reading(tmp_path / "readings")
    running = await start_app(tmp_path, fake, TOKEN_ENV, READING_ID, language=request.param)
    yield running
    await running.app.stop()


def _posted(fake: FakeDiscord) -> str:
    """What the channel and the session's thread show."""
    threads = [cid for cid, c in fake.channels.items() if c["type"] == 11]
    shown = [text_of(m) for m in fake.bot_messages()]
    for thread in threads:
        shown += [text_of(m) for m in fake.bot_messages(thread)]
    return "\n".join(shown)


async def _open(circle: DiscordCircle) -> None:
    await circle.advance(FIRST_SESSION - START + timedelta(minutes=1))


@pytest.mark.parametrize("circle", ["en"], indirect=True)
async def test_on_discord_a_spanish_reader_in_an_english_group(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    assert "español" in await circle.say(fake.ben, "language", code="es")
    await circle.say(fake.ana, "join")
    await circle.say(fake.ben, "join")
    await _open(circle)
    posted = _posted(fake)
    assert all(text in posted for text in ENGLISH)
    assert not any(text in posted for text in SPANISH)
    to_ben = await circle.say(fake.ben, "now")
    assert all(text in to_ben for text in SPANISH)
    to_ana = await circle.say(fake.ana, "now")
    assert all(text in to_ana for text in ENGLISH)

    await circle.say(fake.ana, "respond", prompt=1, text="The date.")
    await circle.say(fake.ben, "respond", prompt=1, text="La gente.")
    await circle.advance(timedelta(days=6, hours=1))
    summary = next(text_of(m) for m in fake.bot_messages() if "summary" in text_of(m))
    [line] = [x for x in summary.splitlines() if "What keeps you coming back?" in x]
    assert "2 responses" in line  # one prompt, two languages, one pool


@pytest.mark.parametrize("circle", ["es"], indirect=True)
async def test_on_discord_an_english_reader_in_a_spanish_group(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    await circle.say(fake.ana, "language", code="en")
    await circle.say(fake.ana, "join")
    await _open(circle)
    posted = _posted(fake)
    assert all(text in posted for text in SPANISH)
    assert not any(text in posted for text in ENGLISH[2:])  # the prompts
    assert "The Fixed Hour" not in posted
    to_ana = await circle.say(fake.ana, "now")
    assert all(text in to_ana for text in ENGLISH) and "¿Qué" not in to_ana


@pytest.mark.parametrize("circle", ["en"], indirect=True)
async def test_on_discord_a_member_whose_app_is_in_spanish_reads_spanish_until_they_choose(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    fake.ben.locale = "es-ES"  # Discord tells the app's language with each interaction
    await circle.say(fake.ben, "join")
    await _open(circle)
    to_ben = await circle.say(fake.ben, "now")
    assert all(text in to_ben for text in SPANISH)
    # the response form, in the language of the app that opens it
    opened = await fake.slash(fake.ben, "respond", prompt=1)
    [text, who] = (await fake.until(lambda: opened.modal))["components"]
    assert (text["label"], who["label"]) == ("Tu respuesta", "Quién la ve")
    assert [o["label"] for o in who["component"]["options"]][2] == "El grupo, y también fuera de él"
    await circle.say(fake.ben, "language", code="en")  # their own choice comes first
    to_ben = await circle.say(fake.ben, "now")
    assert all(text in to_ben for text in ENGLISH) and "¿Qué" not in to_ben
