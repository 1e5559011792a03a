"""The adapter connects to the stand-in through discord.py and syncs `/study`."""

from __future__ import annotations

import pytest
from discord_harness import Connected
from discord_standin import FakeDiscord

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_connects_and_syncs_study_commands_to_the_guild(
    fake: FakeDiscord, connected: Connected
) -> None:
    assert fake.identifies == 1
    [study] = fake.commands[fake.guild_id]
    assert study["name"] == "study"
    subcommands = {o["name"]: o for o in study["options"]}
    assert {"join", "respond", "export", "timezone", "post-now"} <= set(subcommands)
    assert fake.unhandled == []
