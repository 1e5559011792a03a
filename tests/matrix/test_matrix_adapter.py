"""The Matrix adapter through the `Platform` protocol, against a real Synapse on loopback."""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import stat
import sys
import time
from pathlib import Path
from typing import Any

import nio
import pytest
from matrix_members import BotFactory, Member, RecordingCore

from adapters.matrix.pacing import Pacer
from bot.core.events import (
    CommandReceived,
    InboundEvent,
    MessageDeleted,
    MessageEdited,
    ReplyReceived,
)
from bot.core.messages import Attachment, Message, MessageKind
from bot.core.platform import AdapterError, DirectMessagesClosed


def text(body: str, kind: MessageKind = MessageKind.NOTICE, **extra: Any) -> Message:
    return Message(kind=kind, body=body, **extra)


def relation(event: Any) -> dict[str, Any]:
    return dict(event.source["content"].get("m.relates_to") or {})


async def room_with_bot(owner: Member, bot: BotFactory, **extra: Any) -> str:
    room = owner.create_room(invite=(bot.user_id,), **extra)
    await owner.wait_for_room(room)
    return room


async def test_command_reaches_the_core_and_the_answer_lands_in_its_thread(
    bot: BotFactory, members: Any
) -> None:
    ana: Member = await members("ana")
    room = await room_with_bot(ana, bot)
    platform, core = await bot.start(rooms=(room,))

    async def answer(event: InboundEvent) -> None:
        if isinstance(event, CommandReceived):
            await platform.reply(event.origin, text(f"you said **{event.name}** {event.args}"))

    core.on_event = answer
    command_id = await ana.say(room, "!study respond 2 I think <b>so</b>")

    command = await core.wait_for(CommandReceived)
    assert (command.name, command.args) == ("respond", "2 I think <b>so</b>")
    assert command.member.user_id == ana.user_id
    assert command.origin.room == room and command.origin.message_id == command_id
    assert await platform.is_admin(command.member, room)  # ana created the room

    reply = await ana.wait_for(ana.from_bot(bot.user_id))
    assert relation(reply)["rel_type"] == "m.thread"
    assert relation(reply)["event_id"] == command_id
    content = reply.source["content"]
    assert content["body"].startswith("you said respond 2")  # plain: no Markdown marks
    assert "<strong>respond</strong>" in content["formatted_body"]
    assert "&lt;b&gt;so&lt;/b&gt;" in content["formatted_body"]  # the member's markup stays text
    assert content["m.mentions"] == {}

    # a command inside that thread is answered in the same thread, as a real reply to it
    second = await ana.say(room, "!study mine", thread=command_id)
    nested = await core.wait_for(CommandReceived, lambda e: e.name == "mine")
    assert nested.origin.thread == command_id
    answer = await ana.wait_for(
        lambda r, e: ana.from_bot(bot.user_id)(r, e) and "mine" in getattr(e, "body", "")
    )
    assert relation(answer) == {
        "rel_type": "m.thread",
        "event_id": command_id,
        "is_falling_back": False,
        "m.in_reply_to": {"event_id": second},
    }


async def test_bare_prefix_asks_for_help_and_chat_is_ignored(bot: BotFactory, members: Any) -> None:
    ana: Member = await members("ana")
    room = await room_with_bot(ana, bot)
    _platform, core = await bot.start(rooms=(room,))
    await ana.say(room, "hello everyone, no command here")
    await ana.say(room, "!STUDY")
    command = await core.wait_for(CommandReceived)
    assert command.name == "help"
    assert len(core.events) == 1


async def test_session_thread_collects_replies_edits_and_redactions(
    bot: BotFactory, members: Any
) -> None:
    ana: Member = await members("ana")
    room = await room_with_bot(ana, bot)
    platform, core = await bot.start(rooms=(room,))

    section = await platform.post(
        room, text("## Part one\n\nRead this.", MessageKind.SECTION), key="s1"
    )
    thread = await platform.open_thread(room, section, "Session 1", key="t1")
    assert thread == section.message_id
    prompt = await platform.post(
        room,
        text("1. What struck you?", MessageKind.PROMPT, prompt_number=1),
        key="p1",
        thread=thread,
    )
    assert prompt.thread == thread

    seen = await ana.wait_for(lambda _r, e: getattr(e, "event_id", None) == prompt.message_id)
    assert relation(seen)["rel_type"] == "m.thread" and relation(seen)["event_id"] == thread

    answer_id = await ana.say(
        room, "The part about popular participation.", thread=thread, reply_to=prompt.message_id
    )
    reply = await core.wait_for(ReplyReceived)
    assert reply.in_reply_to == prompt.message_id
    assert reply.text == "The part about popular participation."
    assert reply.origin.thread == thread and reply.origin.message_id == answer_id

    # a message in the thread that replies to nothing in particular names the thread's root
    await ana.say(room, "And one more thought.", thread=thread)
    loose = await core.wait_for(ReplyReceived, lambda e: e.text == "And one more thought.")
    assert loose.in_reply_to == thread

    await ana.edit(room, answer_id, "The part about the media.")
    edited = await core.wait_for(MessageEdited)
    assert (edited.message_id, edited.text) == (answer_id, "The part about the media.")

    await ana.redact(room, answer_id)
    deleted = await core.wait_for(MessageDeleted)
    assert deleted.message_id == answer_id
    assert deleted.member is not None and deleted.member.user_id == ana.user_id


async def test_the_same_key_posts_one_event_even_after_a_restart(
    bot: BotFactory, members: Any
) -> None:
    ana: Member = await members("ana")
    room = await room_with_bot(ana, bot)
    platform, _core = await bot.start(rooms=(room,))
    first = await platform.post(room, text("Reminder: we meet at seven"), key="reminder-42")
    again = await platform.post(room, text("Reminder: we meet at seven"), key="reminder-42")
    device = platform.device_id
    await bot.stop_all()

    restarted, _ = await bot.start(rooms=(room,))
    assert restarted.device_id == device
    third = await restarted.post(room, text("Reminder: we meet at seven"), key="reminder-42")
    assert first.message_id == again.message_id == third.message_id
    bodies = [e["content"].get("body") for e in ana.messages(room) if e["type"] == "m.room.message"]
    assert bodies.count("Reminder: we meet at seven") == 1


async def test_member_text_cannot_inject_markup_or_ping(bot: BotFactory, members: Any) -> None:
    ana: Member = await members("ana")
    room = await room_with_bot(ana, bot)
    platform, _core = await bot.start(rooms=(room,))
    quote = (
        '<img src=x onerror=alert(1)> <a href="https://evil.example">x</a> '
        "[pill](https://matrix.to/#/@ana:localhost) [js](javascript:alert(1)) @room"
    )
    await platform.post(room, text(f"> {quote}", MessageKind.SUMMARY, member_text=True), key="q")
    event = await ana.wait_for(ana.from_bot(bot.user_id))
    html = event.source["content"]["formatted_body"]
    assert "<img" not in html and '<a href="https://evil' not in html
    assert "matrix.to" not in html and "javascript:" not in html.replace("(javascript:", "")
    assert "&lt;img" in html
    assert event.source["content"]["m.mentions"] == {}


async def test_a_long_section_is_split_into_events_the_server_accepts(
    bot: BotFactory, members: Any
) -> None:
    ana: Member = await members("ana")
    room = await room_with_bot(ana, bot)
    platform, _core = await bot.start(rooms=(room,))
    paragraph = "Solidarity is a practice, not a slogan. " * 300
    body = "\n\n".join(f"{i}. {paragraph}" for i in range(12))  # ~150 kB, far over 64 KiB
    posted = await platform.post(room, text(body, MessageKind.SECTION), key="long")
    events = [
        e
        for e in ana.messages(room)
        if e.get("sender") == bot.user_id and e["type"] == "m.room.message"
    ]
    assert len(events) >= 3
    assert posted.message_id == events[-1]["event_id"]  # the first part (newest first)
    joined = "\n\n".join(e["content"]["body"] for e in reversed(events))
    assert joined.split() == body.split()  # every word, in order (the plain body is trimmed)


async def test_admin_rights_come_from_power_level_or_config(bot: BotFactory, members: Any) -> None:
    ana: Member = await members("ana")  # creates the room: above all power levels (room v12)
    bob: Member = await members("bob")  # power level 0
    carol: Member = await members("carol")  # power level 0, but an admin in the config
    dave: Member = await members("dave")  # moderator: power level 50
    room = ana.create_room(
        invite=(bot.user_id, bob.user_id, carol.user_id, dave.user_id),
        power_level_content_override={"users": {bob.user_id: 0, dave.user_id: 50}},
    )
    for member in (bob, carol, dave):
        member.join(room)
    platform, core = await bot.start(rooms=(room,), admins={room: (carol.user_id,)})
    for member in (ana, bob, carol, dave):
        await member.wait_for_room(room)
        await member.say(room, "!study status")
    for member, expected in ((ana, True), (bob, False), (carol, True), (dave, True)):
        command = await core.wait_for(
            CommandReceived, lambda e, m=member: e.member.user_id == m.user_id
        )
        assert await platform.is_admin(command.member, room) is expected, member.user_id


async def test_invites_are_accepted_only_for_configured_rooms(
    bot: BotFactory, members: Any, caplog: pytest.LogCaptureFixture
) -> None:
    ana: Member = await members("ana")
    configured = ana.create_room()
    other = ana.create_room()
    caplog.set_level(logging.INFO, logger="adapters.matrix")
    platform, core = await bot.start(rooms=(configured,))  # not invited yet: waits for an invite
    ana.invite(configured, bot.user_id)
    ana.invite(other, bot.user_id)

    async def membership(room: str) -> str:
        deadline = time.monotonic() + 60  # generous: the bot answers invites at its next sync
        while time.monotonic() < deadline:
            state = ana.server.request(
                "GET",
                f"/_matrix/client/v3/rooms/{room}/state/m.room.member/{bot.user_id}",
                token=ana.account.access_token,
            )
            if state["membership"] != "invite":
                return str(state["membership"])
            await asyncio.sleep(0.05)
        return "invite"

    assert await membership(configured) == "join"
    assert await membership(other) == "leave"
    assert any("declining an invite" in r.message for r in caplog.records)
    await ana.say(configured, "!study join")
    assert (await core.wait_for(CommandReceived)).origin.room == configured
    del platform


async def test_a_restart_neither_replays_nor_loses_events(bot: BotFactory, members: Any) -> None:
    ana: Member = await members("ana")
    room = await room_with_bot(ana, bot)
    bot.server.request(  # the bot joins before its first start; what came before is history
        "POST", f"/_matrix/client/v3/join/{room}", {}, token=bot.account.access_token
    )
    await ana.say(room, "!study before-the-bot-ever-ran")
    platform, core = await bot.start(rooms=(room,))
    await ana.say(room, "!study first")
    await core.wait_for(CommandReceived, lambda e: e.name == "first")
    await bot.stop_all()

    await ana.say(room, "!study while-down")
    state_file = bot.data_dir / "session.json"
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    assert bot.account.access_token not in state_file.read_text()  # token logins keep no copy

    _restarted, core2 = await bot.start(rooms=(room,))
    await ana.say(room, "!study after")
    await core2.wait_for(CommandReceived, lambda e: e.name == "after")
    names = [e.name for e in core.events + core2.events if isinstance(e, CommandReceived)]
    assert names == ["first", "while-down", "after"]
    del platform


async def test_direct_messages_reuse_one_room_and_respect_a_member_who_left(
    bot: BotFactory, members: Any
) -> None:
    ana: Member = await members("ana")
    room = await room_with_bot(ana, bot)
    platform, _core = await bot.start(rooms=(room,))
    member = _member_ref(ana)
    first = await platform.send_direct(
        member, text("Reminder: session in 1 hour", MessageKind.REMINDER), key="r1"
    )
    second = await platform.send_direct(
        member, text("Reminder: session now", MessageKind.REMINDER), key="r2"
    )
    assert first.room == second.room != room

    invite = await ana.wait_for(
        lambda r, e: (
            r == first.room and isinstance(e, nio.RoomMemberEvent) and e.state_key == ana.user_id
        )
    )
    assert invite.content.get("is_direct") is True
    seen = await ana.wait_for(
        lambda r, e: r == first.room and getattr(e, "body", "") == "Reminder: session now"
    )
    assert seen.sender == bot.user_id

    ana.leave(first.room)
    deadline = time.monotonic() + 60  # the bot learns of the leave at its next sync
    for attempt in itertools.count():
        try:
            await platform.send_direct(member, text("still there?"), key=f"r3-{attempt}")
        except DirectMessagesClosed:
            break
        if time.monotonic() > deadline:
            pytest.fail("a member who left the direct room still gets messages")
        await asyncio.sleep(0.05)


async def test_private_answers_go_to_the_members_direct_room(bot: BotFactory, members: Any) -> None:
    ana: Member = await members("ana")
    room = await room_with_bot(ana, bot)
    platform, core = await bot.start(rooms=(room,))

    async def answer(event: InboundEvent) -> None:
        if isinstance(event, CommandReceived) and event.name == "mine":
            mine = text("Your response: *my own words*", ephemeral=True, member_text=True)
            await platform.reply(event.origin, mine)
        elif isinstance(event, CommandReceived):
            await platform.reply(event.origin, text("Saved your response.", ephemeral=True))

    core.on_event = answer
    mine_id = await ana.say(room, "!study mine")
    private = await ana.wait_for(
        lambda r, e: getattr(e, "body", "") == "Your response: my own words"
    )
    private_room = next(r for r, e in ana.events if e is private)
    assert private_room != room and ana.client.rooms[private_room].member_count == 2
    reaction = await ana.wait_for(
        lambda r, e: r == room and isinstance(e, nio.ReactionEvent) and e.reacts_to == mine_id
    )
    assert reaction.key == "✉️"

    # an ephemeral answer without anyone's words stays in the command's thread
    respond_id = await ana.say(room, "!study respond 1 yes")
    saved = await ana.wait_for(lambda r, e: getattr(e, "body", "") == "Saved your response.")
    assert next(r for r, e in ana.events if e is saved) == room
    assert relation(saved)["event_id"] == respond_id


async def test_exports_arrive_as_files(bot: BotFactory, members: Any) -> None:
    ana: Member = await members("ana")
    room = await room_with_bot(ana, bot)
    platform, _core = await bot.start(rooms=(room,))
    attachment = Attachment(
        filename="responses.csv", content=b"prompt,text\n1,hello\n", mime_type="text/csv"
    )
    await platform.post(room, text("The export", attachment=attachment), key="export-1")
    event = await ana.wait_for(lambda r, e: isinstance(e, nio.RoomMessageFile))
    assert event.body == "responses.csv"
    download = await ana.client.download(event.url)
    assert isinstance(download, nio.DownloadResponse) and download.body == b"prompt,text\n1,hello\n"


async def test_rate_limits_are_waited_out_and_never_retried_forever(
    bot: BotFactory, members: Any, caplog: pytest.LogCaptureFixture
) -> None:
    ana: Member = await members("ana")
    room = await room_with_bot(ana, bot)
    bot.server.override_ratelimit(bot.user_id, per_second=2, burst=1)
    caplog.set_level(logging.WARNING, logger="adapters.matrix")
    platform = bot.build(rooms=(room,))
    # after the first 429 the pacer spaces sends; told this account's limit, not Synapse's default
    platform.pacer = Pacer(per_second=2, burst=1)
    await platform.start(RecordingCore())
    bot.running.append(platform)
    posted = [await platform.post(room, text(f"post {i}"), key=f"rl-{i}") for i in range(4)]
    assert len({p.message_id for p in posted}) == 4
    assert any("rate limited" in r.message for r in caplog.records)
    await bot.stop_all()

    impatient, _ = await bot.start(rooms=(room,), send_attempts=1)
    with pytest.raises(AdapterError, match="rate limited"):
        for i in range(4):
            await impatient.post(room, text(f"hurry {i}"), key=f"hurry-{i}")


async def test_the_bot_rides_out_a_homeserver_restart(bot: BotFactory, members: Any) -> None:
    ana: Member = await members("ana")
    room = await room_with_bot(ana, bot)
    platform, core = await bot.start(rooms=(room,))
    bot.server.stop()
    await asyncio.sleep(1.0)  # the sync loop fails and backs off meanwhile
    bot.server.start()
    await ana.say(room, "!study after-restart")
    command = await core.wait_for(CommandReceived)
    assert command.name == "after-restart"
    posted = await platform.post(room, text("still here"), key="after-restart")
    assert posted.message_id.startswith("$")


def _member_ref(member: Member) -> Any:
    from bot.core.events import MemberRef

    return MemberRef(platform="matrix", user_id=member.user_id, display_name="ana")


async def test_an_encrypted_room_works_both_ways(bot: BotFactory, members: Any) -> None:
    ana: Member = await members("ana", e2e=True)
    room = ana.create_room(invite=(bot.user_id,), encrypted=True)
    platform, core = await bot.start(rooms=(room,))
    await ana.wait_for(
        lambda r, e: r == room and isinstance(e, nio.RoomMemberEvent) and e.state_key == bot.user_id
    )

    async def answer(event: InboundEvent) -> None:
        if isinstance(event, CommandReceived):
            await platform.reply(event.origin, text("Section 2 is open: *read it slowly*"))

    core.on_event = answer
    await ana.say(room, "!study now")
    command = await core.wait_for(CommandReceived)
    assert command.name == "now"
    reply = await ana.wait_for(ana.from_bot(bot.user_id))
    assert reply.decrypted and reply.body == "Section 2 is open: read it slowly"
    section = await platform.post(room, text("A section, sealed", MessageKind.SECTION), key="e2e-s")
    await ana.wait_for(lambda r, e: getattr(e, "event_id", None) == section.message_id)
    wire = [e["type"] for e in ana.messages(room) if e.get("sender") == bot.user_id]
    assert "m.room.message" not in wire and wire.count("m.room.encrypted") == 2


async def test_a_password_login_keeps_one_device_across_restarts(
    bot: BotFactory, members: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUDYBOT_TEST_PASSWORD", bot.account.password)
    settings = {"access_token_env": None, "password_env": "STUDYBOT_TEST_PASSWORD"}

    def devices() -> set[str]:
        listed = bot.server.request(
            "GET", "/_matrix/client/v3/devices", token=bot.account.access_token
        )
        return {d["device_id"] for d in listed["devices"]}

    first, _ = await bot.start(**settings)
    device = first.device_id
    assert device != bot.account.device_id and device in devices()
    await bot.stop_all()
    before = devices()
    second, _ = await bot.start(**settings)
    assert second.device_id == device and devices() == before
    saved = (bot.data_dir / "session.json").read_text()
    assert bot.account.password not in saved
    assert (
        "access_token" in saved
        and stat.S_IMODE((bot.data_dir / "session.json").stat().st_mode) == 0o600
    )


async def test_plain_rooms_work_without_the_e2e_extra(bot: BotFactory, members: Any) -> None:
    ana: Member = await members("ana")
    room = await room_with_bot(ana, bot)
    script = Path(__file__).with_name("plain_bot.py")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(script),
        bot.server.url,
        bot.user_id,
        room,
        str(bot.data_dir),
        env={**os.environ, "STUDYBOT_PLAIN_TOKEN": bot.account.access_token},
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        assert line.strip() == b"READY"
        await ana.say(room, "!study ping")
        answer = await ana.wait_for(ana.from_bot(bot.user_id))
        assert answer.body == "plain answer to ping (e2e available: False)"
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_a_room_configured_by_alias(bot: BotFactory, members: Any) -> None:
    ana: Member = await members("ana")
    bob: Member = await members("bob")
    localpart = f"circle-{os.getpid()}-{id(bot)}"
    room = ana.create_room(invite=(bot.user_id, bob.user_id), room_alias_name=localpart)
    bob.join(room)
    alias = f"#{localpart}:localhost"
    platform, core = await bot.start(rooms=(alias,), admins={alias: (bob.user_id,)})
    await bob.wait_for_room(room)
    await bob.say(room, "!study status")
    command = await core.wait_for(CommandReceived)
    assert command.origin.room == alias and await platform.is_admin(command.member, alias)
    posted = await platform.post(alias, text("Posted by alias"), key="alias-1")
    assert posted.room == alias
    seen = await bob.wait_for(lambda r, e: getattr(e, "body", "") == "Posted by alias")
    assert next(r for r, e in bob.events if e is seen) == room


async def test_a_burst_bigger_than_one_sync_is_fetched_in_full(
    bot: BotFactory, members: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import adapters.matrix.sync as sync_module

    monkeypatch.setattr(sync_module, "TIMELINE_LIMIT", 3)  # so a dozen events overflow a sync
    ana: Member = await members("ana")
    room = await room_with_bot(ana, bot)
    _platform, core = await bot.start(rooms=(room,))
    await ana.say(room, "!study first")
    await core.wait_for(CommandReceived, lambda e: e.name == "first")
    await bot.stop_all()
    for i in range(12):
        await ana.say(room, f"!study respond 1 answer number {i}")
    _restarted, core2 = await bot.start(rooms=(room,))
    await core2.wait_for(CommandReceived, lambda e: e.args.endswith("number 11"))
    args = [e.args for e in core2.events if isinstance(e, CommandReceived)]
    assert args == [f"1 answer number {i}" for i in range(12)]


async def test_an_encrypted_room_keeps_working_across_a_restart(
    bot: BotFactory, members: Any
) -> None:
    ana: Member = await members("ana", e2e=True)
    room = ana.create_room(invite=(bot.user_id,), encrypted=True)
    for round_ in ("before", "after"):
        platform, core = await bot.start(rooms=(room,))
        await ana.wait_for(
            lambda r, e: (
                r == room and isinstance(e, nio.RoomMemberEvent) and e.state_key == bot.user_id
            )
        )

        async def answer(event: InboundEvent, platform: Any = platform) -> None:
            if isinstance(event, CommandReceived):
                await platform.reply(event.origin, text(f"answer to {event.name}"))

        core.on_event = answer
        await ana.say(room, f"!study {round_}")
        assert (await core.wait_for(CommandReceived)).name == round_
        reply = await ana.wait_for(
            lambda r, e, n=round_: getattr(e, "body", "") == f"answer to {n}"
        )
        assert reply.decrypted
        await bot.stop_all()


async def test_rooms_named_by_a_reloaded_config_are_served(bot: BotFactory, members: Any) -> None:
    ana: Member = await members("ana")
    bob: Member = await members("bob")
    room = ana.create_room(invite=(bob.user_id,))
    bob.join(room)
    platform, core = await bot.start(rooms=())
    await platform.update_rooms((room,), {room: (bob.user_id,)})  # not invited yet: it waits
    ana.invite(room, bot.user_id)
    await bob.wait_for(
        lambda r, e: (
            r == room
            and isinstance(e, nio.RoomMemberEvent)
            and e.state_key == bot.user_id
            and e.membership == "join"
        )
    )
    await bob.say(room, "!study status")
    command = await core.wait_for(CommandReceived)
    assert command.origin.room == room and await platform.is_admin(command.member, room)
