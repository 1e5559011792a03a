"""What members see when the core posts through the adapter: sections, prompts, threads, DMs."""

from __future__ import annotations

import pytest
from discord_harness import Connected
from discord_standin import EPHEMERAL, FakeDiscord, pings, text_of

from bot.core.events import MemberRef
from bot.core.messages import Attachment, Button, Message, MessageKind
from bot.core.platform import AdapterError, DirectMessagesClosed

pytestmark = pytest.mark.asyncio(loop_scope="session")

MESSAGES = r"/channels/(\d+)/messages"


def section(body: str, title: str = "Part one") -> Message:
    return Message(kind=MessageKind.SECTION, title=title, body=body)


async def test_a_section_is_posted_as_an_embed_with_a_nonce_and_no_mentions(
    fake: FakeDiscord, connected: Connected
) -> None:
    room = str(fake.channel_id)
    posted = await connected.platform.post(room, section("Read **this**."), key="s1")
    [message] = fake.bot_messages()
    assert posted.message_id == message["id"] and posted.room == room
    assert message["embeds"][0]["title"] == "Part one"
    assert message["embeds"][0]["description"] == "Read **this**."
    [request] = fake.sent("POST", MESSAGES)
    assert request.body["enforce_nonce"] is True and len(request.body["nonce"]) <= 25
    assert request.body["allowed_mentions"] == {"parse": []}


async def test_the_same_key_twice_gives_one_message(
    fake: FakeDiscord, connected: Connected
) -> None:
    room = str(fake.channel_id)
    first = await connected.platform.post(room, section("Once."), key="session-1:section")
    again = await connected.platform.post(room, section("Once."), key="session-1:section")
    assert first == again
    assert len(fake.bot_messages()) == 1
    assert len(fake.sent("POST", MESSAGES)) == 2  # resent, and deduplicated by Discord


async def test_an_over_long_section_is_split_within_discords_limits(
    fake: FakeDiscord, connected: Connected
) -> None:
    paragraphs = [f"Paragraph {i}. " + "word " * 180 for i in range(1, 60)]
    body = "\n\n".join(p.strip() for p in paragraphs)
    assert len(body) > 3 * 6000
    await connected.platform.post(str(fake.channel_id), section(body), key="long")
    messages = fake.bot_messages()
    assert len(messages) >= 4
    for message in messages:
        assert len(message["content"]) <= 2000
        assert len(message["embeds"]) <= 10
        assert all(len(e.get("description") or "") <= 4096 for e in message["embeds"])
        total = sum(
            len(e.get("title") or "") + len(e.get("description") or "") for e in message["embeds"]
        )
        assert total <= 6000
    shown = "\n\n".join(e["description"] for m in messages for e in m["embeds"])
    assert shown.split() == body.split()  # nothing lost, nothing reordered
    for i in range(1, 60):
        assert (
            sum(f"Paragraph {i}." in e["description"] for m in messages for e in m["embeds"]) == 1
        )
    nonces = [r.body["nonce"] for r in fake.sent("POST", MESSAGES)]
    assert len(set(nonces)) == len(nonces)


async def test_a_prompt_carries_a_persistent_respond_button(
    fake: FakeDiscord, connected: Connected
) -> None:
    prompt = Message(kind=MessageKind.PROMPT, body="What struck you?", prompt_number=2)
    await connected.platform.post(str(fake.channel_id), prompt, key="p2")
    [message] = fake.bot_messages()
    assert "What struck you?" in text_of(message)
    [row] = message["components"]
    [button] = row["components"]
    assert button["label"] == "Respond" and button["custom_id"] == "studybot:respond:2"


async def test_core_buttons_are_rendered(fake: FakeDiscord, connected: Connected) -> None:
    message = Message(
        kind=MessageKind.PROMPT,
        body="Prompt three",
        prompt_number=3,
        buttons=(
            Button(label="Answer now", action="respond:3"),
            Button(label="Mine", action="mine"),
        ),
    )
    await connected.platform.post(str(fake.channel_id), message, key="p3")
    buttons = [c for row in fake.bot_messages()[0]["components"] for c in row["components"]]
    assert [(b["label"], b["custom_id"]) for b in buttons] == [
        ("Answer now", "studybot:respond:3"),
        ("Mine", "studybot:do:mine"),
    ]


async def test_member_text_with_everyone_stays_inert(
    fake: FakeDiscord, connected: Connected
) -> None:
    body = f"@everyone look! <@{fake.ben.id}> and <@&{fake.moderator_role}> and @here"
    message = Message(kind=MessageKind.NOTICE, body=body, member_text=True)
    await connected.platform.post(str(fake.channel_id), message, key="echo")
    [sent] = fake.bot_messages()
    assert "@everyone look!" in sent["content"]
    assert pings(sent) == set()
    assert sent["mention_everyone"] is False


async def test_a_thread_opens_on_the_section_message_once(
    fake: FakeDiscord, connected: Connected
) -> None:
    room = str(fake.channel_id)
    root = await connected.platform.post(room, section("Body"), key="root")
    thread = await connected.platform.open_thread(room, root, "Session 1: Part one", key="t")
    assert thread == root.message_id
    again = await connected.platform.open_thread(room, root, "Session 1: Part one", key="t")
    assert again == thread
    assert fake.channels[int(thread)]["name"] == "Session 1: Part one"
    prompt = Message(kind=MessageKind.PROMPT, body="Discuss", prompt_number=1)
    posted = await connected.platform.post(room, prompt, key="p1", thread=thread)
    assert posted.thread == thread
    assert [text_of(m) for m in fake.bot_messages(int(thread))] == ["Prompt 1\nDiscuss"]


async def test_an_attachment_is_uploaded_as_a_file(fake: FakeDiscord, connected: Connected) -> None:
    export = Attachment(filename="responses.csv", content=b"member,prompt\nana,1\n")
    message = Message(kind=MessageKind.NOTICE, body="Your export", attachment=export)
    await connected.platform.post(str(fake.channel_id), message, key="file")
    [sent] = fake.bot_messages()
    [attachment] = sent["attachments"]
    assert attachment["filename"] == "responses.csv"
    assert attachment["content"] == "member,prompt\nana,1\n"


async def test_a_429_mid_posting_is_retried_without_a_duplicate(
    fake: FakeDiscord, connected: Connected
) -> None:
    room = str(fake.channel_id)
    await connected.platform.post(room, section("First"), key="a")
    fake.rate_limit("POST", MESSAGES)
    await connected.platform.post(room, section("Second"), key="b")
    await connected.platform.post(room, section("Third"), key="c")
    assert [m["embeds"][0]["description"] for m in fake.bot_messages()] == [
        "First",
        "Second",
        "Third",
    ]
    assert [r.status for r in fake.sent("POST", MESSAGES)] == [200, 429, 200, 200]


async def test_a_global_429_is_waited_out(fake: FakeDiscord, connected: Connected) -> None:
    fake.rate_limit("POST", MESSAGES, is_global=True, times=2)
    await connected.platform.post(str(fake.channel_id), section("Patience"), key="g")
    assert len(fake.bot_messages()) == 1
    assert [r.status for r in fake.sent("POST", MESSAGES)] == [429, 429, 200]


async def test_a_refused_send_raises_adapter_error(fake: FakeDiscord, connected: Connected) -> None:
    fake.fail("POST", MESSAGES, status=403)
    with pytest.raises(AdapterError):
        await connected.platform.post(str(fake.channel_id), section("No"), key="x")
    # The core retries later with the same key: one message, not two.
    await connected.platform.post(str(fake.channel_id), section("No"), key="x")
    assert len(fake.bot_messages()) == 1


async def test_a_direct_message_reaches_the_member(fake: FakeDiscord, connected: Connected) -> None:
    ana = MemberRef(platform="discord", user_id=str(fake.ana.id), display_name="Ana")
    reminder = Message(kind=MessageKind.REMINDER, body="Session tomorrow at 19:00")
    posted = await connected.platform.send_direct(ana, reminder, key="r1")
    dm = fake.channels[int(posted.room)]
    assert dm["type"] == 1 and dm["recipients"][0]["id"] == str(fake.ana.id)
    assert [m["content"] for m in fake.bot_messages(int(posted.room))] == [
        "Session tomorrow at 19:00"
    ]


async def test_closed_dms_raise_and_mention_the_member_in_the_channel_once(
    fake: FakeDiscord, connected: Connected
) -> None:
    fake.closed_dms.add(fake.ana.id)
    ana = MemberRef(platform="discord", user_id=str(fake.ana.id), display_name="Ana")
    reminder = Message(kind=MessageKind.REMINDER, body="Session tomorrow at 19:00")
    with pytest.raises(DirectMessagesClosed):
        await connected.platform.send_direct(ana, reminder, key="r1")
    with pytest.raises(DirectMessagesClosed):
        await connected.platform.send_direct(ana, reminder, key="r2")
    [mention] = fake.bot_messages()
    assert pings(mention) == {f"user:{fake.ana.id}"}
    assert "Session tomorrow at 19:00" in mention["content"]


async def test_ephemeral_flag_is_kept_off_channel_posts(
    fake: FakeDiscord, connected: Connected
) -> None:
    await connected.platform.post(str(fake.channel_id), section("Public"), key="pub")
    assert not fake.bot_messages()[0]["flags"] & EPHEMERAL


async def test_a_direct_message_resent_with_its_key_arrives_once(
    fake: FakeDiscord, connected: Connected
) -> None:
    ana = MemberRef(platform="discord", user_id=str(fake.ana.id), display_name="Ana")
    reminder = Message(kind=MessageKind.REMINDER, body="Tomorrow")
    first = await connected.platform.send_direct(ana, reminder, key="r1:dm:1")
    again = await connected.platform.send_direct(ana, reminder, key="r1:dm:1")
    assert first == again
    assert len(fake.bot_messages(int(first.room))) == 1


async def test_a_429_while_opening_a_thread_is_waited_out(
    fake: FakeDiscord, connected: Connected
) -> None:
    room = str(fake.channel_id)
    root = await connected.platform.post(room, section("Body"), key="root")
    fake.rate_limit("POST", r"/channels/\d+/messages/\d+/threads")
    thread = await connected.platform.open_thread(room, root, "Session 1", key="t")
    assert thread == root.message_id
    assert [r.status for r in fake.sent("POST", r"/channels/\d+/messages/\d+/threads")] == [
        429,
        200,
    ]


async def test_members_named_by_the_core_are_pinged_and_nobody_else(
    fake: FakeDiscord, connected: Connected
) -> None:
    ana = MemberRef(platform="discord", user_id="4242", display_name="Ana")
    team = Message(
        kind=MessageKind.NOTICE,
        body="Your team: Ana and @everyone",
        member_text=True,
        mentions=(ana,),
    )
    await connected.platform.post(str(fake.channel_id), team, key="team-1")
    [request] = fake.sent("POST", MESSAGES)
    assert request.body["content"].startswith("<@4242>")
    assert request.body["allowed_mentions"]["parse"] == []
    assert [str(u) for u in request.body["allowed_mentions"]["users"]] == ["4242"]
