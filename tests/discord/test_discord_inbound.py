"""Members' messages in session threads, their edits and deletions, and gateway reconnects."""

from __future__ import annotations

import pytest
from discord_harness import Connected
from discord_standin import FakeDiscord, text_of

from bot.core.events import MessageDeleted, MessageEdited, ReplyReceived
from bot.core.messages import Message, MessageKind, Posted

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def open_session(fake: FakeDiscord, connected: Connected) -> tuple[str, Posted]:
    """Post a section, open its thread and post prompt 1 there; returns (thread, prompt)."""
    room = str(fake.channel_id)
    root = await connected.platform.post(
        room, Message(kind=MessageKind.SECTION, title="Part one", body="Text"), key="s"
    )
    thread = await connected.platform.open_thread(room, root, "Part one", key="t")
    prompt = Message(kind=MessageKind.PROMPT, body="What struck you?", prompt_number=1)
    posted = await connected.platform.post(room, prompt, key="p1", thread=thread)
    return thread, posted


async def test_a_thread_reply_to_a_prompt_is_a_response(
    fake: FakeDiscord, connected: Connected
) -> None:
    thread, prompt = await open_session(fake, connected)
    said = await fake.member_says(
        fake.ana, "The @everyone line", channel_id=int(thread), reply_to=int(prompt.message_id)
    )
    [event] = await fake.until(lambda: connected.core.events)
    assert isinstance(event, ReplyReceived)
    assert event.in_reply_to == prompt.message_id
    assert event.text == "The @everyone line"
    assert event.member.user_id == str(fake.ana.id)
    assert (event.origin.room, event.origin.thread) == (str(fake.channel_id), thread)
    assert event.origin.message_id == said["id"]


async def test_the_cores_answer_to_a_thread_reply_goes_into_the_thread(
    fake: FakeDiscord, connected: Connected
) -> None:
    thread, prompt = await open_session(fake, connected)
    said = await fake.member_says(
        fake.ana, "Mine", channel_id=int(thread), reply_to=int(prompt.message_id)
    )
    [event] = await fake.until(lambda: connected.core.events)
    await connected.platform.reply(
        event.origin, Message(kind=MessageKind.REPLY, body="Recorded", ephemeral=True)
    )
    last = fake.bot_messages(int(thread))[-1]
    assert text_of(last) == "Recorded"
    assert str(last["message_reference"]["message_id"]) == said["id"]
    assert last["allowed_mentions"]["parse"] == []


async def test_messages_that_do_not_answer_the_bot_are_left_alone(
    fake: FakeDiscord, connected: Connected
) -> None:
    thread, prompt = await open_session(fake, connected)
    chat = await fake.member_says(fake.ben, "Hi all", channel_id=int(thread))
    await fake.member_says(fake.ana, "Hi Ben", channel_id=int(thread), reply_to=int(chat["id"]))
    await fake.member_says(
        fake.ana, "elsewhere", channel_id=fake.other_channel_id, reply_to=int(chat["id"])
    )
    # A reply to the prompt after them proves the earlier ones were seen and skipped.
    await fake.member_says(
        fake.ben, "Answer", channel_id=int(thread), reply_to=int(prompt.message_id)
    )
    events = await fake.until(lambda: connected.core.events)
    assert [type(e).__name__ for e in events] == ["ReplyReceived"]
    assert events[0].text == "Answer"  # type: ignore[union-attr]


async def test_edits_and_deletions_follow_the_response(
    fake: FakeDiscord, connected: Connected
) -> None:
    thread, prompt = await open_session(fake, connected)
    said = await fake.member_says(
        fake.ana, "First take", channel_id=int(thread), reply_to=int(prompt.message_id)
    )
    await fake.member_edits(said, "Second take")
    await fake.member_deletes(said)
    events = await fake.until(lambda: len(connected.core.events) == 3 and connected.core.events)
    reply, edited, deleted = events
    assert isinstance(reply, ReplyReceived)
    assert isinstance(edited, MessageEdited)
    assert (edited.message_id, edited.text) == (said["id"], "Second take")
    assert edited.member.user_id == str(fake.ana.id)
    assert edited.origin.thread == thread
    assert isinstance(deleted, MessageDeleted)
    assert deleted.message_id == said["id"]
    assert deleted.origin.room == str(fake.channel_id)


async def test_a_reconnect_mid_session_loses_nothing(
    fake: FakeDiscord, connected: Connected
) -> None:
    thread, prompt = await open_session(fake, connected)
    await fake.member_says(
        fake.ana, "before", channel_id=int(thread), reply_to=int(prompt.message_id)
    )
    await fake.until(lambda: len(connected.core.events) == 1)
    await fake.reconnect()
    # Sent while the bot is away: Discord replays these on RESUME.
    await fake.member_says(
        fake.ben, "during", channel_id=int(thread), reply_to=int(prompt.message_id)
    )
    await fake.connected()
    await fake.member_says(
        fake.mod, "after", channel_id=int(thread), reply_to=int(prompt.message_id)
    )
    events = await fake.until(lambda: len(connected.core.events) == 3 and connected.core.events)
    assert [e.text for e in events] == ["before", "during", "after"]  # type: ignore[union-attr]
    assert (fake.identifies, fake.resumes) == (1, 1)
    # And the bot still posts after resuming.
    await connected.platform.post(
        str(fake.channel_id), Message(kind=MessageKind.NOTICE, body="still here"), key="n"
    )
    assert fake.bot_messages()[-1]["content"] == "still here"


async def test_a_private_answer_to_a_thread_reply_goes_by_direct_message(
    fake: FakeDiscord, connected: Connected
) -> None:
    thread, prompt = await open_session(fake, connected)
    said = await fake.member_says(
        fake.ana, "Mine", channel_id=int(thread), reply_to=int(prompt.message_id)
    )
    [event] = await fake.until(lambda: connected.core.events)
    private = Message(
        kind=MessageKind.REPLY, body="Your words: Mine", member_text=True, ephemeral=True
    )
    await connected.platform.reply(event.origin, private)
    assert [text_of(m) for m in fake.bot_messages(int(thread))] == ["Prompt 1\nWhat struck you?"]
    [dm] = [c for c in fake.channels.values() if c["type"] == 1]
    assert dm["recipients"][0]["id"] == str(fake.ana.id)
    assert [m["content"] for m in fake.bot_messages(int(dm["id"]))] == ["Your words: Mine"]
    assert fake.messages[int(said["id"])]["reacted"] == ["✉️"]


async def test_a_private_answer_stays_private_when_dms_are_closed(
    fake: FakeDiscord, connected: Connected
) -> None:
    fake.closed_dms.add(fake.ana.id)
    thread, prompt = await open_session(fake, connected)
    await fake.member_says(
        fake.ana, "Mine", channel_id=int(thread), reply_to=int(prompt.message_id)
    )
    [event] = await fake.until(lambda: connected.core.events)
    private = Message(
        kind=MessageKind.REPLY, body="Your words: Mine", member_text=True, ephemeral=True
    )
    await connected.platform.reply(event.origin, private)
    last = fake.bot_messages(int(thread))[-1]
    assert "Your words" not in text_of(last) and "/study mine" in text_of(last)
