"""Study Circle on Matrix as members live it: the real core and adapter, a real Synapse."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import nio
import pytest
from matrix_members import BotFactory
from study_on_matrix import (
    SESSION,
    Circle,
    body_of,
    bot_messages,
    make_circle,
    thread_of,
)

from bot.commands.spec import COMMANDS
from bot.runtime.logs import setup_logging


@pytest.fixture
async def circle(bot: BotFactory, members: Any, tmp_path: Path) -> AsyncIterator[Circle]:
    made = await make_circle(bot, members, tmp_path, e2e=False)
    yield made
    await made.study.stop()


async def test_a_members_whole_session(circle: Circle) -> None:
    bea, room = circle.bea, circle.room
    await circle.ask(bea, "!study join", "Welcome")
    await circle.ask(bea, "!study reminders on", "direct message")

    await circle.study.advance(timedelta(hours=7))  # the 24h reminder
    reminder = await bea.wait_for(circle.said("next session in", room=room))
    assert "Part One" in body_of(reminder)
    await bea.wait_for(lambda r, e: r != room and circle.said("next session in")(r, e))

    await circle.study.advance(SESSION - circle.study.clock.now())  # the session opens
    section = await bea.wait_for(circle.said("Part One", "fixed time", room=room))
    assert thread_of(section) is None
    prompt1 = await bea.wait_for(circle.said("Prompt 1", room=room))
    prompt2 = await bea.wait_for(circle.said("Prompt 2", room=room))
    assert thread_of(prompt1) == thread_of(prompt2) == section.event_id
    assert "!study respond 1" in body_of(prompt1)

    # respond by replying to a prompt in the thread, and by command
    answer = await bea.say(
        room, "Shorter sessions.", thread=section.event_id, reply_to=prompt2.event_id
    )
    ack = await bea.wait_for(circle.said("prompt 2", room=room))
    assert thread_of(ack) == section.event_id
    await circle.ask(bea, "!study respond 1 Meeting at a fixed time.", "Saved", "prompt 1")

    await bea.edit(room, answer, "Much shorter sessions.")
    mine = await circle.ask(bea, "!study mine", "Much shorter sessions.", private=True)
    assert "Meeting at a fixed time." in body_of(mine)

    await bea.redact(room, answer)
    for _ in range(50):  # the redaction reaches the core through the bot's next sync
        mine = await circle.ask(bea, "!study mine", "Meeting at a fixed time.", private=True)
        if "shorter" not in body_of(mine):
            break
        await asyncio.sleep(0.1)
    assert "shorter" not in body_of(mine)

    await circle.ask(circle.carl, "!study join", "Welcome")
    await circle.ask(circle.carl, "!study respond 1 Food helps.", "Saved")
    await circle.ask(bea, "!study responses", "Food helps.", private=True)
    await circle.ask(bea, "!study progress", "")

    mark = bea.mark()
    await circle.ask(bea, "!study export-mine", "", private=True)
    export = await bea.wait_for(
        lambda r, e: isinstance(e, nio.RoomMessageFile) and r != room, after=mark
    )
    download = await bea.client.download(export.url)
    assert isinstance(download, nio.DownloadResponse)
    assert "Meeting at a fixed time." in download.body.decode()

    await circle.ask(bea, "!study forget-me", "confirm")
    await circle.ask(bea, "!study forget-me confirm", "gone")
    gone = await circle.ask(bea, "!study mine", "not responded")
    assert "Meeting at a fixed time." not in body_of(gone)


async def test_admins_and_non_admins(circle: Circle) -> None:
    ana, carl, room = circle.ana, circle.carl, circle.room
    for spec in COMMANDS:
        if spec.admin:  # every admin command, tried by a member without rights
            refused = await circle.ask(carl, f"!study {spec.name}", "is for the admins")
            assert thread_of(refused) is not None

    opened = await circle.ask(ana, "!study post-now", "Session 1 is open")
    assert opened
    await ana.wait_for(circle.said("Prompt 2", room=room))
    await circle.ask(carl, "!study join", "Welcome")
    await circle.ask(
        carl,
        "!study respond 1 <b>bold</b> and [a pill](https://matrix.to/#/@ana:localhost)",
        "Saved",
    )

    await circle.ask(ana, "!study export json", "", private=True)
    export = await ana.wait_for(lambda r, e: isinstance(e, nio.RoomMessageFile) and r != room)
    download = await ana.client.download(export.url)
    assert isinstance(download, nio.DownloadResponse)
    assert "<b>bold</b>" in json.dumps(json.loads(download.body))

    good = circle.config.read_text()
    circle.config.write_text(good.replace("respond_for: 6d", "respond_for: [oops"))
    broken = await circle.ask(ana, "!study reload", "problem", "unchanged")
    assert "config.yaml" in body_of(broken)
    assert "start: 2026-12-01" in good
    circle.config.write_text(good.replace("start: 2026-12-01", "start: 2026-11-31"))
    impossible = await circle.ask(ana, "!study reload", "2026-11-31 is not a date", "unchanged")
    assert "config.yaml:" in body_of(impossible)  # located, not "something went wrong"
    circle.config.write_text(good)
    await circle.ask(ana, "!study reload", "reloaded")
    status = await circle.ask(ana, "!study status", "Open: session 1")
    assert "1 response from 1 member" in body_of(status)
    # a session is open: post-now asks first, and closes nothing until confirmed
    await circle.ask(ana, "!study post-now", "Session 1 is still open", "post-now confirm")
    await circle.ask(ana, "!study status", "Open: session 1")


async def test_a_restart_mid_session_neither_double_posts_nor_loses_responses(
    circle: Circle,
) -> None:
    bea, room, study = circle.bea, circle.room, circle.study
    await circle.ask(bea, "!study join", "Welcome")
    await study.advance(SESSION - study.clock.now())
    section = await bea.wait_for(circle.said("Part One", room=room))
    prompt1 = await bea.wait_for(circle.said("Prompt 1", room=room))
    await bea.wait_for(circle.said("Prompt 2", room=room))
    posted_before = [e["event_id"] for e in bot_messages(bea, room, circle.bot.user_id)]

    await study.stop()
    await bea.say(
        room, "Said while the bot was away.", thread=section.event_id, reply_to=prompt1.event_id
    )
    study.clock.set(study.clock.now() + timedelta(minutes=5))
    await study.start()
    await study.advance(timedelta(minutes=1))
    ack = await bea.wait_for(circle.said("prompt 1", room=room))
    assert thread_of(ack) == section.event_id
    mine = await circle.ask(bea, "!study mine", "Said while the bot was away.", private=True)
    assert mine

    posts = bot_messages(bea, room, circle.bot.user_id)
    session_posts = [e for e in posts if e["event_id"] in posted_before]
    assert len(session_posts) == len(posted_before)
    bodies = [e["content"]["body"] for e in posts]
    assert sum("Part One" in b and "fixed time" in b for b in bodies) == 1
    assert sum(b.startswith("Prompt 1\n") for b in bodies) == 1


async def test_an_encrypted_group_end_to_end(bot: BotFactory, members: Any, tmp_path: Path) -> None:
    circle = await make_circle(bot, members, tmp_path, e2e=True)
    try:
        bea, room = circle.bea, circle.room
        welcome = await circle.ask(bea, "!study join", "Welcome")
        assert welcome.decrypted
        await circle.ask(circle.ana, "!study post-now", "Session 1 is open")
        section = await bea.wait_for(circle.said("Part One", room=room))
        prompt = await bea.wait_for(circle.said("Prompt 1", room=room))
        assert section.decrypted and prompt.decrypted
        await bea.say(room, "Sealed thoughts.", thread=section.event_id, reply_to=prompt.event_id)
        await bea.wait_for(circle.said("prompt 1", room=room))
        mine = await circle.ask(bea, "!study mine", "Sealed thoughts.", private=True)
        assert mine.decrypted  # the private answer went to a direct room that is encrypted too
        direct = next(r for r, e in bea.events if e is mine)
        assert direct != room and bea.client.rooms[direct].encrypted
        wire = {e["type"] for e in bea.messages(room) if e.get("sender") == bot.user_id}
        assert "m.room.message" not in wire and "m.room.encrypted" in wire
    finally:
        await circle.study.stop()


async def test_the_homeserver_restarts_under_the_bot(circle: Circle) -> None:
    bea, room, study = circle.bea, circle.room, circle.study
    await circle.ask(bea, "!study join", "Welcome")
    server = circle.bot.server
    server.stop()
    await study.advance(timedelta(hours=6, seconds=1))  # the 24h reminder: Synapse is down
    server.start()
    await study.advance(timedelta(minutes=1))  # the core's retry, after its 30 s back-off
    await bea.wait_for(circle.said("next session in", room=room))
    await study.advance(SESSION - study.clock.now())
    await bea.wait_for(circle.said("Prompt 2", room=room))
    await circle.ask(bea, "!study respond 2 Still here.", "Saved")
    bodies = [e["content"]["body"] for e in bot_messages(bea, room, circle.bot.user_id)]
    reminders = [b for b in bodies if "next session in" in b]
    assert len(reminders) == len(set(reminders)) == 2  # 24 h (late, once) and 1 h before


async def test_debug_logs_hold_no_words_and_no_secrets(
    bot: BotFactory, members: Any, tmp_path: Path
) -> None:
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    log_file = tmp_path / "debug.log"
    setup_logging("debug", log_file)
    try:
        circle = await make_circle(bot, members, tmp_path, e2e=False)
        try:
            bea = circle.bea
            await circle.ask(bea, "!study join", "Welcome")
            await circle.ask(circle.ana, "!study post-now", "Session 1 is open")
            section = await bea.wait_for(circle.said("Part One", room=circle.room))
            prompt = await bea.wait_for(circle.said("Prompt 1", room=circle.room))
            await bea.say(
                circle.room,
                "Zebra-secret words.",
                thread=section.event_id,
                reply_to=prompt.event_id,
            )
            await bea.wait_for(circle.said("prompt 1", room=circle.room))
            await circle.ask(bea, "!study respond 2 Quokka-secret words.", "Saved")
            await circle.ask(bea, "!study mine", "Quokka-secret", private=True)
        finally:
            await circle.study.stop()
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:] = saved[1]
        root.setLevel(saved[0])
    text = log_file.read_text()
    assert "adapters.matrix" in text  # the adapter did log, at DEBUG and up
    for secret in ("Zebra-secret", "Quokka-secret", bot.account.access_token, bot.account.password):
        assert secret not in text
