"""Members using `/study`, the Respond button and the response modal, through discord.py."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from discord_harness import Connected, RecordingCore, make_platform
from discord_standin import EPHEMERAL, LOADING, FakeDiscord, text_of

from bot.core.events import CommandReceived
from bot.core.messages import Attachment, Button, Message, MessageKind

pytestmark = pytest.mark.asyncio(loop_scope="session")


def commands(connected: Connected) -> list[CommandReceived]:
    return [e for e in connected.core.events if isinstance(e, CommandReceived)]


async def test_a_slash_command_reaches_the_core_and_the_member_sees_the_answer(
    fake: FakeDiscord, connected: Connected
) -> None:
    done = await fake.slash(fake.ana, "join")
    [answer] = await fake.until(done.answers)
    assert answer["content"] == "ran join"
    assert answer["allowed_mentions"] == {"parse": []}
    [event] = commands(connected)
    assert (event.name, event.args) == ("join", "")
    assert event.member.user_id == str(fake.ana.id)
    assert event.member.display_name == "Ana"
    assert event.origin.room == str(fake.channel_id)
    assert not await connected.platform.is_admin(event.member, str(fake.channel_id))


async def test_typed_options_become_the_cores_argument_line(
    fake: FakeDiscord, connected: Connected
) -> None:
    done = await fake.slash(fake.ana, "respond", prompt=2, private=True, text="It was @here")
    await fake.until(done.answers)
    [event] = commands(connected)
    assert (event.name, event.args) == ("respond", "2 --private It was @here")


async def test_personal_answers_are_ephemeral(fake: FakeDiscord, connected: Connected) -> None:
    async def answer(event: CommandReceived) -> Message:
        return Message(kind=MessageKind.REPLY, body="Your answers: ...", ephemeral=True)

    connected.core.answer = answer
    done = await fake.slash(fake.ana, "mine")
    [shown] = await fake.until(done.answers)
    assert shown["flags"] & EPHEMERAL
    assert fake.channel_messages() == []  # nobody else sees it


async def test_respond_without_text_opens_a_modal_whose_submission_is_the_response(
    fake: FakeDiscord, connected: Connected
) -> None:
    connected.core.prompts = [(1, "What is the state?"), (2, "Who was missing?")]
    opened = await fake.slash(fake.ana, "respond", prompt=2)
    modal = await fake.until(lambda: opened.modal)
    [label, who] = modal["components"]
    assert label["component"]["style"] == 2  # a paragraph: multi-line
    assert who["component"]["type"] == 21  # a radio group: who sees it, unchosen by default
    assert label["component"]["placeholder"] == "Who was missing?"
    assert commands(connected) == []
    submitted = await fake.submit(fake.ana, opened, "The people,\non the streets.")
    await fake.until(submitted.answers)
    [event] = commands(connected)
    assert (event.name, event.args) == ("respond", "2 The people,\non the streets.")


async def test_the_respond_button_on_a_prompt_opens_the_same_modal(
    fake: FakeDiscord, connected: Connected
) -> None:
    prompt = Message(kind=MessageKind.PROMPT, body="Who was missing?", prompt_number=2)
    await connected.platform.post(str(fake.channel_id), prompt, key="p2")
    [message] = fake.bot_messages()
    opened = await fake.press(fake.ben, message, "studybot:respond:2")
    await fake.until(lambda: opened.modal)
    submitted = await fake.submit(fake.ben, opened, "Us.", choose="private")
    await fake.until(submitted.answers)
    [event] = commands(connected)
    assert (event.name, event.args, event.member.user_id) == (
        "respond",
        "2 --private Us.",
        str(fake.ben.id),
    )
    assert event.origin.message_id == message["id"]


async def test_other_buttons_run_their_command(fake: FakeDiscord, connected: Connected) -> None:
    notice = Message(
        kind=MessageKind.SUMMARY,
        body="Session closed",
        buttons=(Button(label="Mine", action="mine"),),
    )
    await connected.platform.post(str(fake.channel_id), notice, key="summary")
    [message] = fake.bot_messages()
    done = await fake.press(fake.ana, message, "studybot:do:mine")
    await fake.until(done.answers)
    [event] = commands(connected)
    assert (event.name, event.args) == ("mine", "")


async def test_prompt_numbers_autocomplete_from_the_open_session(
    fake: FakeDiscord, connected: Connected
) -> None:
    connected.core.prompts = [(1, "What is the state?"), (2, "Who was missing?")]
    done = await fake.autocomplete(fake.ana, "respond", "prompt", prompt="")
    choices = await fake.until(lambda: done.choices)
    assert choices == [
        {"name": "1. What is the state?", "value": 1},
        {"name": "2. Who was missing?", "value": 2},
    ]


async def test_time_zones_autocomplete(fake: FakeDiscord, connected: Connected) -> None:
    done = await fake.autocomplete(fake.ana, "timezone", "zone", zone="la_p")
    choices = await fake.until(lambda: done.choices)
    assert {"name": "America/La_Paz", "value": "America/La_Paz"} in choices
    assert len(choices) <= 25


async def test_passages_autocomplete_with_sentence_numbers_as_values(
    fake: FakeDiscord, connected: Connected
) -> None:
    connected.core.passages = [(f"#{n}", f"{n}. " + "word " * 40) for n in range(1, 31)]
    done = await fake.autocomplete(fake.ana, "quote", "passage", passage="fixed tim")
    choices = await fake.until(lambda: done.choices)
    assert connected.core.typed == [("fixed tim", 100)]
    assert len(choices) == 25
    assert choices[0]["value"] == "#1" and choices[0]["name"].startswith("1. word")
    assert all(1 <= len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)


async def test_a_slow_command_is_deferred_then_answered_with_its_file(
    fake: FakeDiscord, connected: Connected
) -> None:
    async def answer(event: CommandReceived) -> Message:
        export = Attachment(filename="export.json", content=b"[]", mime_type="application/json")
        return Message(kind=MessageKind.REPLY, body="Here it is", attachment=export, ephemeral=True)

    connected.core.answer = answer
    done = await fake.slash(fake.mod, "export", format="json")
    [shown] = await fake.until(done.answers)
    assert done.callback_types == [5]  # deferred before the core ran
    assert shown["flags"] & EPHEMERAL and not shown["flags"] & LOADING
    assert shown["content"] == "Here it is"
    assert [a["filename"] for a in shown["attachments"]] == ["export.json"]


async def test_a_command_that_runs_long_is_deferred_before_the_deadline(
    fake: FakeDiscord, connected: Connected
) -> None:
    released = asyncio.Event()

    async def answer(event: CommandReceived) -> Message:
        await released.wait()  # the core is busy until the member sees "thinking"
        return Message(kind=MessageKind.REPLY, body="Finally")

    connected.core.answer = answer
    done = await fake.slash(fake.ana, "schedule")
    await fake.until(lambda: done.callback_types == [5])  # after defer_after (0.5 s here)
    assert done.answers() == []
    released.set()
    [shown] = await fake.until(done.answers)
    assert shown["content"] == "Finally"


async def test_a_core_failure_gets_an_apology_not_silence(
    fake: FakeDiscord, connected: Connected
) -> None:
    async def answer(event: CommandReceived) -> Message:
        raise RuntimeError("boom")

    connected.core.answer = answer
    done = await fake.slash(fake.ana, "now")
    [shown] = await fake.until(done.answers)
    assert "something went wrong" in text_of(shown)
    assert shown["flags"] & EPHEMERAL


async def test_a_command_the_core_does_not_answer_still_gets_an_acknowledgement(
    fake: FakeDiscord, connected: Connected
) -> None:
    async def answer(event: CommandReceived) -> None:
        return None

    connected.core.answer = answer
    done = await fake.slash(fake.ana, "leave")
    [shown] = await fake.until(done.answers)
    assert shown["content"] == "Done."


async def test_several_replies_to_one_command_all_arrive(
    fake: FakeDiscord, connected: Connected
) -> None:
    async def answer(event: CommandReceived) -> Message:
        assert connected.core.platform is not None
        await connected.core.platform.reply(
            event.origin, Message(kind=MessageKind.REPLY, body="First")
        )
        return Message(kind=MessageKind.REPLY, body="Second")

    connected.core.answer = answer
    done = await fake.slash(fake.ana, "help")
    shown = await fake.until(lambda: len(done.answers()) == 2 and done.answers())
    assert [m["content"] for m in shown] == ["First", "Second"]


@pytest.mark.parametrize(
    ("who", "admin"),
    [("ana", False), ("mod", True), ("fac", True), ("ben", True)],
    ids=["member", "manage-server", "admin-role", "configured-id"],
)
async def test_admin_rights_come_from_manage_server_or_the_config(
    fake: FakeDiscord, connected: Connected, who: str, admin: bool
) -> None:
    done = await fake.slash(getattr(fake, who), "status")
    await fake.until(done.answers)
    [event] = commands(connected)
    assert await connected.platform.is_admin(event.member, str(fake.channel_id)) is admin


async def test_a_429_on_the_interaction_answer_is_retried_once(
    fake: FakeDiscord, connected: Connected
) -> None:
    fake.rate_limit("POST", r"/interactions/\d+/[^/]+/callback")
    done = await fake.slash(fake.ana, "join")
    [answer] = await fake.until(done.answers)
    assert answer["content"] == "ran join"
    assert done.callback_types == [4]
    assert [r.status for r in fake.sent("POST", r"/interactions/\d+/[^/]+/callback")] == [429, 200]


async def test_a_response_typed_while_the_bot_restarted_still_arrives(
    fake: FakeDiscord, connected: Connected, tmp_path: Path
) -> None:
    opened = await fake.slash(fake.ana, "respond", prompt=1, private=True)
    await fake.until(lambda: opened.modal)
    await connected.platform.stop()
    platform = make_platform(fake, tmp_path)
    core = RecordingCore(platform=platform)
    await platform.start(core)
    try:
        submitted = await fake.submit(fake.ana, opened, "Typed through a restart")
        await fake.until(submitted.answers)
        [event] = [e for e in core.events if isinstance(e, CommandReceived)]
        assert (event.name, event.args) == ("respond", "1 --private Typed through a restart")
    finally:
        await platform.stop()
