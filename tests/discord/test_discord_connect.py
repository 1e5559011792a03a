"""The adapter connects to the stand-in through discord.py and syncs `/study`."""

from __future__ import annotations

from pathlib import Path

import pytest
from discord_harness import TOKEN_ENV, Connected, RecordingCore, make_platform
from discord_standin import FakeDiscord

from bot.core.platform import AdapterError

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_connects_and_syncs_study_commands_to_the_guild(
    fake: FakeDiscord, connected: Connected
) -> None:
    assert fake.identifies == 1
    assert [c["name"] for c in fake.commands[fake.guild_id]] == ["study", "study-admin"]
    where = fake.subcommands()
    assert {where[n] for n in ("join", "respond", "timezone", "export-mine")} == {"study"}
    assert {where[n] for n in ("status", "members", "post-now", "export")} == {"study-admin"}
    assert fake.unhandled == []


async def test_every_command_is_a_subcommand_with_description_types_and_autocomplete(
    fake: FakeDiscord, connected: Connected
) -> None:
    subcommands = {o["name"]: o for c in fake.commands[fake.guild_id] for o in c.get("options", [])}
    assert set(subcommands) == {spec.name for spec in connected.core.commands}
    for spec in connected.core.commands:
        assert subcommands[spec.name]["description"]
    respond = {o["name"]: o for o in subcommands["respond"]["options"]}
    assert respond["prompt"]["type"] == 4 and respond["prompt"]["autocomplete"] is True
    assert respond["private"]["type"] == 5
    assert respond["text"]["type"] == 3 and respond["text"]["required"] is False  # modal
    assert subcommands["timezone"]["options"][0]["autocomplete"] is True
    export = subcommands["export"]["options"][0]
    assert [c["value"] for c in export["choices"]] == ["csv", "json", "md"]
    # `snooze 0` ends a snooze: Discord must let 0 through, and says the most days itself
    days = subcommands["snooze"]["options"][0]
    assert (days["type"], days["min_value"], days["max_value"]) == (4, 0, 365)


async def test_global_sync_happens_only_on_request(fake: FakeDiscord, connected: Connected) -> None:
    assert None not in fake.commands
    await connected.platform.sync_commands(everywhere=True)
    assert [c["name"] for c in fake.commands[None]] == ["study", "study-admin"]


async def test_a_second_ready_does_not_repeat_start_up_work(
    fake: FakeDiscord, connected: Connected
) -> None:
    syncs = len(fake.sent("PUT", r"/applications/\d+/guilds/\d+/commands"))
    fake.session_id = "forgotten"  # the resume is refused: discord.py identifies afresh
    await fake.reconnect()
    await fake.connected(within=10)  # discord.py waits 5 s before identifying again
    client = connected.platform._client
    assert client is not None
    await fake.until(lambda: client.times_ready == 2)
    assert len(fake.sent("PUT", r"/applications/\d+/guilds/\d+/commands")) == syncs
    done = await fake.slash(fake.ana, "join")
    await fake.until(done.answers)


async def test_a_missing_token_is_a_clear_error(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    platform = make_platform(fake, tmp_path)
    with pytest.raises(AdapterError, match=TOKEN_ENV):
        await platform.start(RecordingCore(platform=platform))
    await platform.stop()
    await platform.stop()  # idempotent


async def test_a_refused_token_is_a_clear_error(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "bad")
    fake.fail("GET", "/users/@me", status=401)
    platform = make_platform(fake, tmp_path)
    with pytest.raises(AdapterError, match="token"):
        await platform.start(RecordingCore(platform=platform))


async def test_a_missing_message_content_intent_says_how_to_fix_it(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    fake.message_content_allowed = False
    platform = make_platform(fake, tmp_path)
    with pytest.raises(AdapterError, match="Message Content intent"):
        await platform.start(RecordingCore(platform=platform))


async def test_a_sharded_process_identifies_as_its_own_shard(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    platform = make_platform(fake, tmp_path, shard_count=2, shard_ids=[1])
    core = RecordingCore(platform=platform)
    await platform.start(core)
    try:
        assert fake.identified_shards == [[1, 2]]
        done = await fake.slash(fake.ana, "join")
        await fake.until(done.answers)
    finally:
        await platform.stop()
