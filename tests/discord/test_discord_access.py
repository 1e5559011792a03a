"""Who may reach a group, and who may run its admin commands, wherever a command is typed: the
group's channel, a DM with the bot, or a channel of another guild where the member holds
Manage Server. Rights come from the group's own guild, never from where a command came from."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from discord_app import DiscordCircle, start_app
from discord_harness import TOKEN_ENV
from discord_records import MANAGE_GUILD, SEND_AND_VIEW
from discord_standin import FakeDiscord, Person, Place, text_of

from bot.commands.spec import COMMANDS

pytestmark = pytest.mark.asyncio(loop_scope="session")

ADMIN_COMMANDS = [spec.name for spec in COMMANDS if spec.admin]
OPTIONS: dict[str, dict[str, str]] = {"export": {"format": "csv"}}
DM = Place(dm=True)
# the ways a refusal reads: not an admin; not a member (from a DM); not from here (elsewhere)
REFUSED = ("is for the admins of Readers", "not a member", "meets in another room")


@pytest_asyncio.fixture(loop_scope="session")
async def circle(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[DiscordCircle]:
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    # dozens of commands in a moment of the fake clock: more than the members' usual limit
    running = await start_app(tmp_path, fake, TOKEN_ENV, top="rate_limit: {commands: 1000}\n")
    yield running
    await running.app.stop()


def elsewhere(fake: FakeDiscord) -> Place:
    """A channel of another guild, where the member holds Manage Server."""
    return Place(
        guild_id=fake.elsewhere_guild_id,
        channel_id=fake.elsewhere_channel_id,
        permissions=SEND_AND_VIEW | MANAGE_GUILD,
    )


async def ask(circle: DiscordCircle, person: Person, sub: str, place: Place, **options: Any) -> Any:
    done = await circle.fake.slash(person, sub, place=place, **options)
    await circle.fake.until(done.answers)
    return done


def said(done: Any) -> str:
    return "\n".join(text_of(m) for m in done.answers())


def files(done: Any) -> list[Any]:
    return [f for m in done.answers() for f in m.get("attachments", [])]


async def test_a_dm_reaches_only_the_members_own_groups(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    await circle.say(fake.ana, "join")
    assert "Session 1 is open" in await circle.say(fake.mod, "post-now")
    storage = circle.app.circle.storage

    # ben is in no group: from a DM he can neither read it, nor answer, nor join by answering
    for sub, options in [
        ("now", {}),
        ("respond", {"prompt": 1, "text": "let me in"}),
        ("responses", {}),
        ("schedule", {}),
    ]:
        named = said(await ask(circle, fake.ben, sub, DM, group="readers", **options))
        assert "You are not a member of `readers`" in named, sub
        assert "Part One" not in named
        unnamed = said(await ask(circle, fake.ben, sub, DM, **options))
        assert "not a member of any group" in unnamed, sub
    ben = await storage.find_member("discord", str(fake.ben.id))
    assert ben is None or not await storage.is_member("readers", ben.id)

    # ana is a member: her DM reaches her group, with or without naming it
    assert "Part One" in said(await ask(circle, fake.ana, "now", DM))
    assert "Part One" in said(await ask(circle, fake.ana, "now", DM, group="readers"))


async def test_no_admin_command_runs_for_a_non_admin_from_a_dm_or_another_guild(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    await circle.say(fake.ana, "join")
    for sub in ADMIN_COMMANDS:
        options = OPTIONS.get(sub, {})
        tries = [
            (fake.ana, DM, {}),  # a member, not an admin
            (fake.ana, DM, {"group": "readers"}),
            (fake.ana, elsewhere(fake), {}),  # Manage Server, but in another guild
            (fake.ana, elsewhere(fake), {"group": "readers"}),
            (fake.ben, DM, {"group": "readers"}),  # not even a member
            (fake.ben, elsewhere(fake), {"group": "readers"}),
        ]
        for person, place, group in tries:
            done = await ask(circle, person, sub, place, **options, **group)
            answer = said(done)
            assert any(words in answer for words in REFUSED), (
                sub,
                person.username,
                place,
                answer,
            )
            assert files(done) == []
    assert fake.bot_messages() == []  # nothing was posted: no session opened, no reminder
    assert await circle.app.circle.storage.open_session("readers") is None


async def test_an_admin_of_the_groups_guild_runs_admin_commands_from_a_dm(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    # mod holds Manage Server in the group's guild and has never joined the group
    opened = said(await ask(circle, fake.mod, "post-now", DM, group="readers"))
    assert "Session 1 is open" in opened
    status = said(await ask(circle, fake.mod, "status", DM, group="readers"))
    assert "Readers" in status and "is for the admins" not in status
    export = await ask(circle, fake.mod, "export", DM, group="readers", format="csv")
    assert [f["filename"] for f in files(export)] != []
    # fac holds the configured admin role there
    assert "Readers" in said(await ask(circle, fake.fac, "status", DM, group="readers"))
    # without naming the group, a DM does not guess which one an admin means
    assert "not a member of any group" in said(await ask(circle, fake.mod, "status", DM))
