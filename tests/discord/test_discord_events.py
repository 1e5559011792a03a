"""Sessions in the server's Events tab (`discord_events: true`), against the loopback stand-in:
created ahead of time, moved when the plan changes, cancelled on `skip` and `pause`, never made
twice across a restart or a SIGKILL between Discord's answer and the record; without Manage
Events one notice to the admins."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from discord_app import FIRST_SESSION, START, DiscordCircle, start_app, start_bot
from discord_harness import TOKEN_ENV
from discord_standin import FakeDiscord, Json, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

EVENTS = "discord_events: true"


@pytest_asyncio.fixture(loop_scope="session")
async def circle(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[DiscordCircle]:
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    running = await start_app(tmp_path, fake, TOKEN_ENV, group=EVENTS)
    yield running
    await running.app.stop()


def starts(event: Json) -> datetime:
    return datetime.fromisoformat(event["scheduled_start_time"]).astimezone(UTC)


async def only_event(circle: DiscordCircle) -> Json:
    await circle.advance(timedelta(seconds=1))  # the sync planned with the session runs
    [event] = circle.fake.live_events()
    return event


async def test_the_next_session_is_in_the_events_tab_ahead_of_time(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    event = await only_event(circle)
    assert event["name"] == "Readers: session 1"
    assert event["entity_type"] == 3 and event["privacy_level"] == 2
    assert starts(event) == FIRST_SESSION
    assert datetime.fromisoformat(event["scheduled_end_time"]) == FIRST_SESSION + timedelta(days=6)
    assert str(fake.channel_id) in event["entity_metadata"]["location"]
    assert "Part One" in event["description"]
    # the session opens: its event stays; the next session gets its own
    await circle.advance(FIRST_SESSION - circle.clock.now() + timedelta(minutes=1))
    live = sorted(fake.live_events(), key=starts)
    assert [e["name"] for e in live] == ["Readers: session 1", "Readers: session 2"]
    assert starts(live[1]) == FIRST_SESSION + timedelta(days=7)
    assert "Part Two" in live[1]["description"]
    assert fake.unhandled == []


async def test_a_schedule_change_moves_the_event(
    fake: FakeDiscord, circle: DiscordCircle, tmp_path: Path
) -> None:
    event = await only_event(circle)
    config = tmp_path / "config.yaml"
    config.write_text(config.read_text().replace('at: "19:00"', 'at: "20:30"'))
    assert "Config reloaded" in await circle.say(fake.mod, "reload")
    moved = await only_event(circle)
    assert moved["id"] == event["id"] and moved["edits"] == 1
    assert starts(moved) == FIRST_SESSION + timedelta(hours=1, minutes=30)
    assert len(fake.scheduled_events) == 1


async def test_skip_cancels_the_date_and_pause_cancels_everything(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    first = await only_event(circle)
    assert "Skipped" in await circle.say(fake.mod, "skip")
    await circle.advance(timedelta(seconds=1))
    assert fake.scheduled_events[int(first["id"])]["status"] == 4  # cancelled
    [second] = fake.live_events()
    assert starts(second) == FIRST_SESSION + timedelta(days=7)
    assert "Part One" in second["description"]  # the section moves with the plan
    assert "paused" in await circle.say(fake.mod, "pause")
    await circle.advance(timedelta(seconds=1))
    assert fake.live_events() == []
    assert "running again" in await circle.say(fake.mod, "resume")
    [again] = [await only_event(circle)]
    assert again["id"] not in (first["id"], second["id"])


async def test_without_manage_events_the_admins_are_told_once(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    fake.rights.discard("manage_events")
    circle = await start_app(tmp_path, fake, TOKEN_ENV, group=EVENTS)
    try:
        await circle.advance(timedelta(seconds=1))
        assert "Skipped" in await circle.say(fake.mod, "skip")
        await circle.advance(timedelta(seconds=1))
        pending = await circle.app.circle.storage.pending_actions("readers")
    finally:
        await circle.app.stop()
    assert fake.scheduled_events == {}

    def told() -> list[Json]:
        messages = [m for cid in list(fake.channels) for m in fake.bot_messages(cid)]
        return [m for m in messages if "Events tab" in text_of(m)]

    [notice] = told()
    assert "Manage Events" in text_of(notice)
    assert not [a for a in pending if a.kind == "platform-events"]  # not retried for ever


async def test_a_restart_makes_no_second_event(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    for folder in (tmp_path, tmp_path, tmp_path / "fresh"):
        # the same database twice, then a fresh one, which finds the event by name and place
        running = await start_app(folder, fake, TOKEN_ENV, group=EVENTS)
        try:
            await running.advance(timedelta(seconds=1))
        finally:
            await running.app.stop()
        assert len(fake.scheduled_events) == len(fake.live_events()) == 1


async def test_killed_between_creating_the_event_and_its_record_makes_it_once(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    from discord_app import write_config

    config = write_config(tmp_path, fake, TOKEN_ENV, group=EVENTS)
    config.write_text("claim_lease: 2s\n" + config.read_text())
    log = tmp_path / "bot.log"
    crashing = await start_bot(config, log, START, "after-event:*", token_env=TOKEN_ENV)
    resumed = None
    try:
        assert await asyncio.wait_for(crashing.wait(), 60) == -signal.SIGKILL
        assert len(fake.scheduled_events) == 1  # Discord made it; nothing recorded it
        resumed = await start_bot(config, log, START + timedelta(seconds=5), token_env=TOKEN_ENV)
        await fake.until(lambda: fake.identifies == 2, within=60)
        await fake.until(lambda: "platform event" in log.read_text(errors="replace"), within=60)
        resumed.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(resumed.wait(), 30) == 0
    finally:
        for process in (crashing, resumed):
            if process is not None and process.returncode is None:
                process.kill()
    assert len(fake.scheduled_events) == 1 and len(fake.live_events()) == 1
    written = log.read_text(errors="replace")
    assert "Traceback" not in written and "ERROR" not in written
