"""Study Circle end to end on Discord: the real core, storage and adapter, a fake clock, and
discord.py talking to the loopback stand-in. Each test is a scenario as members live it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from discord_app import FIRST_SESSION, START, DiscordCircle, start_app
from discord_harness import TOKEN_ENV
from discord_standin import EPHEMERAL, FakeDiscord, Person, pings, text_of

from bot.commands.spec import COMMANDS, CommandSpec, ParamKind

pytestmark = pytest.mark.asyncio(loop_scope="session")

MESSAGES = r"/channels/(\d+)/messages"


@pytest_asyncio.fixture(loop_scope="session")
async def circle(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[DiscordCircle]:
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    running = await start_app(tmp_path, fake, TOKEN_ENV)
    yield running
    await running.app.stop()


async def eventually(circle: DiscordCircle, person: Person, sub: str, needle: str) -> str:
    """Ask again until the answer shows `needle`: gateway events are handled concurrently."""
    deadline = time.monotonic() + 30
    while True:
        seen = await circle.say(person, sub)
        if needle in seen or time.monotonic() > deadline:
            return seen
        await asyncio.sleep(0.02)


def thread_of(fake: FakeDiscord) -> int:
    [thread] = [cid for cid, c in fake.channels.items() if c["type"] == 11]
    return thread


async def open_session(circle: DiscordCircle) -> tuple[int, list[dict[str, object]]]:
    """Join ana and ben, open session 1 at its time; returns (thread id, prompt messages)."""
    fake = circle.fake
    await circle.say(fake.ana, "join")
    await circle.say(fake.ben, "join")
    await circle.advance(FIRST_SESSION - START + timedelta(minutes=1))
    thread = thread_of(fake)
    return thread, fake.bot_messages(thread)


async def test_the_bot_connects_and_syncs_study(fake: FakeDiscord, circle: DiscordCircle) -> None:
    assert set(fake.subcommands()) == {spec.name for spec in circle.app.circle.commands}
    assert fake.identifies == 1 and fake.unhandled == []


async def test_member_commands_answer_privately_and_refuse_clearly(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    ana = fake.ana
    assert "/study join" in await circle.say(ana, "help")
    assert "There is no command `nope`" in await circle.say(ana, "help", command="nope")
    assert "No session is open" in await circle.say(ana, "now")
    assert "nothing to respond to" in await circle.say(ana, "respond", prompt=1, text="x")
    assert "You are not a member" in await circle.say(ana, "leave")
    assert "Welcome to Readers" in await circle.say(ana, "join")
    assert "already a member" in await circle.say(ana, "join")
    assert "Tue 1 Dec, 19:00 (Europe/Berlin): Part One" in await circle.say(ana, "schedule")
    assert "There is no session yet" in await circle.say(ana, "mine")
    assert "There is no session yet" in await circle.say(ana, "responses")
    assert "no response to prompt 1" in await circle.say(ana, "delete", prompt=1)
    assert "0 of 0 sessions" in await circle.say(ana, "progress")
    assert "unknown time zone" in await circle.say(ana, "timezone", zone="Nowhere/Land")
    assert "America/La_Paz" in await circle.say(ana, "timezone", zone="America/La_Paz")
    assert "direct message before each" in await circle.say(ana, "reminders", setting="on")
    assert "No more reminders" in await circle.say(ana, "reminders", setting="off")
    assert "To go ahead" in await circle.say(ana, "forget-me")
    assert "Readers" in await circle.say(ana, "leave")
    # Every one of those answers was for ana's eyes only.
    assert fake.channel_messages() == []
    for done in fake.interactions.values():
        assert all(m["flags"] & EPHEMERAL for m in done.answers())


async def test_export_mine_is_deferred_and_delivered_as_a_private_file(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    await circle.say(fake.ana, "join")
    done = await circle.run(fake.ana, "export-mine")
    assert done.callback_types == [5]
    [shown] = done.answers()
    assert shown["flags"] & EPHEMERAL
    [file] = shown["attachments"]
    assert file["filename"].endswith(".json") and '"responses"' in file["content"]


async def test_forget_me_after_confirmation(fake: FakeDiscord, circle: DiscordCircle) -> None:
    _thread, _prompts = await open_session(circle)
    await circle.say(fake.ben, "respond", prompt=1, text="Mine to erase")
    assert "gone from Study Circle" in await circle.say(fake.ben, "forget-me", confirm="confirm")
    assert "not a member" in await circle.say(fake.ben, "leave")


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("status", {}),
        ("reload", {}),
        ("post-now", {}),
        ("skip", {}),
        ("pause", {}),
        ("resume", {}),
        ("remind", {}),
        ("export", {"format": "csv"}),
    ],
)
async def test_admin_commands_are_refused_to_members_and_run_for_admins(
    fake: FakeDiscord, circle: DiscordCircle, command: str, options: dict[str, str]
) -> None:
    await circle.say(fake.ana, "join")
    refused = await circle.say(fake.ana, command, **options)
    assert f"`/study-admin {command}` is for the admins of Readers" in refused  # as typed here
    assert fake.bot_messages() == []  # nothing happened in the channel
    ran = await circle.say(fake.mod, command, **options)  # Manage Server
    assert "is for the admins" not in ran
    by_role = await circle.say(fake.fac, "status")  # the configured admin role
    assert "Readers" in by_role and "is for the admins" not in by_role


async def test_a_scheduled_session_posts_section_thread_and_prompts(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    await circle.say(fake.ana, "join")
    await circle.say(fake.ana, "reminders", setting="on")
    await circle.advance(timedelta(hours=7))  # past the 24 h reminder
    [reminder] = fake.bot_messages()
    assert "Part One" in text_of(reminder)
    dms = [c for c in fake.channels.values() if c["type"] == 1]
    assert [text_of(m) for m in fake.bot_messages(int(dms[0]["id"]))] == [text_of(reminder)]

    await circle.advance(FIRST_SESSION - circle.clock.now() + timedelta(minutes=1))
    channel = fake.bot_messages()
    section = next(m for m in channel if m["embeds"] and "Part One" in m["embeds"][0]["title"])
    assert "meet at a fixed time" in text_of(section)
    thread = thread_of(fake)
    assert str(thread) == section["id"]  # the thread hangs on the section message
    assert fake.channels[thread]["name"].startswith("Session 1")
    prompts = fake.bot_messages(thread)
    assert [
        "What keeps you coming back?" in text_of(prompts[0]),
        "What would you change?" in text_of(prompts[1]),
    ] == [True, True]
    for number, prompt in enumerate(prompts, start=1):
        [row] = prompt["components"]
        assert row["components"][0]["custom_id"] == f"studybot:respond:{number}"
    assert all(pings(m) == set() for m in fake.channel_messages() + prompts)


async def test_responses_by_command_modal_button_and_thread_reply(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    thread, prompts = await open_session(circle)
    # By the modal, from /study respond without text.
    opened = await fake.slash(fake.ana, "respond", prompt=1)
    modal = await fake.until(lambda: opened.modal)
    assert modal["components"][0]["component"]["placeholder"] == "What keeps you coming back?"
    submitted = await fake.submit(fake.ana, opened, "The fixed time,\nevery week.")
    await fake.until(submitted.answers)
    assert "Saved your response to prompt 1" in text_of(submitted.answers()[0])
    # By the Respond button on prompt 2.
    pressed = await fake.press(fake.ana, prompts[1], "studybot:respond:2")
    await fake.until(lambda: pressed.modal)
    submitted = await fake.submit(fake.ana, pressed, "Shorter texts.")
    await fake.until(submitted.answers)
    assert "prompt 2" in text_of(submitted.answers()[0])
    # By replying to the prompt in the thread.
    await fake.member_says(
        fake.ben, "Friends.", channel_id=thread, reply_to=int(str(prompts[0]["id"]))
    )
    await fake.until(lambda: any("prompt 1" in text_of(m) for m in fake.bot_messages(thread)))
    mine = await circle.say(fake.ana, "mine")
    assert "The fixed time,\nevery week." in mine and "Shorter texts." in mine
    assert "Friends." in await circle.say(fake.ben, "mine")
    assert "Friends." in await circle.say(fake.ana, "responses")


async def test_an_edited_or_deleted_thread_reply_changes_the_response(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    thread, prompts = await open_session(circle)
    said = await fake.member_says(
        fake.ben, "First thought", channel_id=thread, reply_to=int(str(prompts[0]["id"]))
    )
    assert "First thought" in await eventually(circle, fake.ben, "mine", "First thought")
    await fake.member_edits(said, "Second thought")
    mine = await eventually(circle, fake.ben, "mine", "Second thought")
    assert "First thought" not in mine
    await fake.member_deletes(said)
    assert "not responded" in await eventually(circle, fake.ben, "mine", "not responded")


async def test_everyone_in_a_response_stays_inert_everywhere(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    thread, _prompts = await open_session(circle)
    text = f"@everyone @here <@{fake.mod.id}> <@&{fake.moderator_role}> read this"
    await circle.say(fake.ana, "respond", prompt=1, text=text)
    await circle.say(fake.ben, "respond", prompt=1, text="ok")
    assert "@everyone" in await circle.say(fake.ben, "responses")
    await circle.advance(timedelta(days=6, hours=1))  # the session closes with a summary
    summary = [m for m in fake.bot_messages() if "@everyone" in text_of(m)]
    assert summary, "the summary quotes the response"
    sent = fake.channel_messages() + fake.channel_messages(thread)
    sent += [m for d in fake.interactions.values() for m in d.answers()]
    assert all(pings(m) == set() for m in sent)
    assert not any(m["mention_everyone"] for m in sent)


async def test_an_over_long_section_is_split_within_discords_limits(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    circle = await start_app(tmp_path, fake, TOKEN_ENV, reading="long")
    try:
        await circle.say(fake.mod, "post-now")
        sections = [m for m in fake.bot_messages() if m["embeds"]]
        assert len(sections) >= 3
        for message in sections:
            assert len(message["embeds"]) <= 10
            assert all(len(e.get("description") or "") <= 4096 for e in message["embeds"])
            size = sum(
                len(e.get("title") or "") + len(e.get("description") or "")
                for e in message["embeds"]
            )
            assert size <= 6000
        shown = "\n".join(e["description"] for m in sections for e in m["embeds"])
        for i in range(1, 41):
            assert shown.count(f"Paragraph {i} begins here.") == 1
        order = [shown.index(f"Paragraph {i} begins") for i in range(1, 41)]
        assert order == sorted(order)
        assert str(thread_of(fake)) == sections[0]["id"]  # the thread is on the first part
    finally:
        await circle.app.stop()


async def test_a_429_mid_posting_is_retried_without_a_duplicate(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    await circle.say(fake.ana, "join")
    await circle.advance(FIRST_SESSION - START - timedelta(minutes=1))  # reminders are out
    before = len(fake.sent("POST", MESSAGES))
    fake.rate_limit("POST", MESSAGES, times=2)  # the section, then again on its retry
    fake.rate_limit("POST", MESSAGES, times=1, is_global=True)  # and a global limit too
    await circle.advance(timedelta(minutes=2))
    thread = thread_of(fake)
    prompts = fake.bot_messages(thread)
    assert [p["embeds"][0]["title"] for p in prompts] == ["Prompt 1", "Prompt 2"]
    assert len([m for m in fake.bot_messages() if "## Part One" in text_of(m)]) == 1
    statuses = [r.status for r in fake.sent("POST", MESSAGES)[before:]]
    assert statuses.count(429) == 3
    assert statuses == [429, 429, 429, 200, 200, 200]  # the section, then two prompts


async def test_a_lost_answer_is_resent_and_deduplicated_by_nonce(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    """Discord stores a post but the answer is lost (a 502 after the fact): discord.py
    retries, and the nonce makes Discord hand back the first message instead of a second."""
    await circle.say(fake.ana, "join")
    await circle.advance(FIRST_SESSION - START - timedelta(minutes=1))  # reminders are out
    before = len(fake.sent("POST", MESSAGES))
    fake.lose_answer("POST", MESSAGES)
    await circle.advance(timedelta(minutes=2))
    texts = [text_of(m) for m in fake.bot_messages()]
    assert len([t for t in texts if "## Part One" in t]) == 1
    assert len(fake.bot_messages(thread_of(fake))) == 2
    attempts = fake.sent("POST", MESSAGES)[before:]
    assert [r.status for r in attempts[:2]] == [502, 200]
    assert attempts[0].body["nonce"] == attempts[1].body["nonce"]


async def test_a_gateway_reconnect_mid_session_loses_nothing(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    thread, prompts = await open_session(circle)
    first, second = (int(str(p["id"])) for p in prompts)
    await fake.reconnect()
    await fake.member_says(fake.ana, "Said while away", channel_id=thread, reply_to=first)
    await fake.connected()
    await fake.member_says(fake.ben, "Said after", channel_id=thread, reply_to=second)
    await fake.until(lambda: len(fake.bot_messages(thread)) >= 4)
    assert "Said while away" in await circle.say(fake.ana, "mine")
    assert "Said after" in await circle.say(fake.ben, "mine")
    assert (fake.identifies, fake.resumes) == (1, 1)
    assert "1 of 3 sections posted" in await circle.say(fake.mod, "status")


async def test_closed_dms_get_one_mention_in_the_channel(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    await circle.say(fake.ana, "join")
    await circle.say(fake.ana, "reminders", setting="on")
    fake.closed_dms.add(fake.ana.id)
    await circle.advance(FIRST_SESSION - START - timedelta(minutes=30))  # both reminders
    mentions = [m for m in fake.bot_messages() if pings(m)]
    assert len(mentions) == 1
    assert pings(mentions[0]) == {f"user:{fake.ana.id}"}
    assert "direct message" in mentions[0]["content"]


async def test_after_a_restart_nothing_is_reposted_and_the_old_thread_still_counts(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    first = await start_app(tmp_path, fake, TOKEN_ENV)
    try:
        thread, prompts = await open_session(first)
    finally:
        await first.app.stop()
    posted = len(fake.bot_messages()) + len(fake.bot_messages(thread))
    again = await start_app(tmp_path, fake, TOKEN_ENV)
    try:
        again.clock.set(first.clock.now() + timedelta(minutes=5))
        await again.advance(timedelta(minutes=1))
        assert len(fake.bot_messages()) + len(fake.bot_messages(thread)) == posted
        # The thread is not in discord.py's cache after the restart (Discord only sends
        # active threads it chooses); a reply there must still find its group.
        await fake.member_says(
            fake.ana, "After the restart", channel_id=thread, reply_to=int(str(prompts[0]["id"]))
        )
        assert "After the restart" in await eventually(again, fake.ana, "mine", "After the restart")
        done = await fake.slash(
            fake.ben, "respond", channel_id=thread, prompt=2, text="From the thread"
        )
        [answer] = await fake.until(done.answers)
        assert "Saved your response to prompt 2" in text_of(answer)
    finally:
        await again.app.stop()


async def test_member_commands_during_an_open_session(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    await open_session(circle)
    now = await circle.say(fake.ana, "now")
    assert "Part One" in now and "What keeps you coming back?" in now
    assert "Respond to at least one prompt first" in await circle.say(fake.ana, "responses")
    await circle.say(fake.ana, "respond", prompt=2, text="Less reading.")
    assert "Less reading." in await circle.say(fake.ana, "mine")
    assert "Deleted your response to prompt 2" in await circle.say(fake.ana, "delete", prompt=2)
    assert "not responded" in await circle.say(fake.ana, "mine")
    assert "Readers" in await circle.say(fake.ana, "progress")


async def test_post_now_asks_before_closing_a_session_and_opens_nothing_while_paused(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    await open_session(circle)
    sections = len([m for m in fake.bot_messages() if m["embeds"]])
    assert "post-now confirm`" in await circle.say(fake.mod, "post-now")
    assert "paused" in await circle.say(fake.mod, "pause")
    assert "is paused" in await circle.say(fake.mod, "post-now", confirm="confirm")
    assert len([m for m in fake.bot_messages() if m["embeds"]]) == sections
    assert "running again" in await circle.say(fake.mod, "resume")
    assert "Session 2 is open" in await circle.say(fake.mod, "post-now", confirm="confirm")


def _sample_options(spec: CommandSpec) -> dict[str, object]:
    samples = {
        ParamKind.INT: 1,
        ParamKind.WORD: "join",
        ParamKind.TEXT: "A sample answer",
        ParamKind.TIMEZONE: "Europe/Berlin",
        ParamKind.QUOTE: "#1",
    }
    options: dict[str, object] = {}
    for param in spec.params:
        if not param.required:
            continue
        if param.kind is ParamKind.CHOICE:
            options[param.name] = param.choices[0]
        elif param.kind in samples:
            options[param.name] = samples[param.kind]
    return options


@pytest.mark.parametrize("spec", COMMANDS, ids=[c.name for c in COMMANDS])
async def test_every_command_answers_on_discord(
    fake: FakeDiscord, circle: DiscordCircle, spec: CommandSpec
) -> None:
    await open_session(circle)
    await circle.say(fake.mod, "join")
    answer = await circle.say(fake.mod, spec.name, **_sample_options(spec))
    assert answer.strip()
    assert "something went wrong" not in answer.lower()
    assert fake.unhandled == []


async def test_a_passage_typed_without_quotes_is_quoted_on_discord(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    """Discord's passage option holds the words alone: the member types them as they are."""
    thread, _ = await open_session(circle)
    answer = await circle.say(
        fake.ana, "quote", passage="meet at a fixed time", text="That is what kept us."
    )
    assert "Saved your note 1" in answer
    posted = str(fake.bot_messages(thread)[-1])
    assert "fixed time" in posted and "That is what kept us." in posted
    listed = await circle.say(fake.ana, "passages")
    assert "fixed time" in listed


async def test_public_is_a_flag_option_that_survives_the_modal(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    """`public` (issue 16) is a boolean option like `private`: with the text, and through the
    modal `/study respond` opens without it."""
    await open_session(circle)
    said = await circle.say(fake.ana, "respond", prompt=1, public=True, text="A fixed hour.")
    assert "and beyond it" in said
    opened = await fake.slash(fake.ben, "respond", prompt=2, public=True)
    await fake.until(lambda: opened.modal)
    submitted = await fake.submit(fake.ben, opened, "Shorter texts.")
    await fake.until(submitted.answers)
    assert "and beyond it" in text_of(submitted.answers()[0])
    public = await circle.app.circle.storage.public_responses("readers")
    assert sorted(r.text for _, r, _ in public) == ["A fixed hour.", "Shorter texts."]


async def test_the_respond_button_s_modal_asks_who_sees_the_response(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    """A member who came by the Respond button chooses there what `--private` or `--public`
    choose on the command line; left unchosen, the group's usual way holds."""
    _, prompts = await open_session(circle)
    pressed = await fake.press(fake.ben, prompts[0], "studybot:respond:1")
    modal = await fake.until(lambda: pressed.modal)
    [text, who] = modal["components"]
    assert text["component"]["type"] == 4 and who["type"] == 18 and who["label"] == "Who sees it"
    assert [o["value"] for o in who["component"]["options"]] == ["shared", "private", "public"]
    assert who["component"]["required"] is False
    assert [o["label"] for o in who["component"]["options"]] == [
        "The group",
        "Only you (the admins see that you answered)",
        "The group, and beyond it",
    ]
    submitted = await fake.submit(fake.ben, pressed, "Shorter texts.", choose="public")
    await fake.until(submitted.answers)
    assert "and beyond it" in text_of(submitted.answers()[0])
    pressed = await fake.press(fake.ben, prompts[1], "studybot:respond:2")
    await fake.until(lambda: pressed.modal)
    submitted = await fake.submit(fake.ben, pressed, "Only mine.", choose="private")
    await fake.until(submitted.answers)
    pressed = await fake.press(fake.ana, prompts[1], "studybot:respond:2")
    await fake.until(lambda: pressed.modal)
    submitted = await fake.submit(fake.ana, pressed, "Ours.")  # none chosen: the group's way
    await fake.until(submitted.answers)
    public = await circle.app.circle.storage.public_responses("readers")
    assert [r.text for _, r, _ in public] == ["Shorter texts."]
    assert "Only mine." not in await circle.say(fake.ana, "responses")  # the others' shared
    assert "Ours." in await circle.say(fake.ben, "responses")
    # a slash command's flag already chose: its modal asks nothing more
    opened = await fake.slash(fake.ana, "respond", prompt=1, private=True)
    assert len((await fake.until(lambda: opened.modal))["components"]) == 1


async def test_lists_and_hints_reach_discord_as_markdown_lists_and_slash_commands(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    """What Discord received through the stand-in (issue 12, items 14 and 15)."""
    ana = fake.ana
    lines = (await circle.say(ana, "help")).split("\n")
    assert "- `/study join` — Join this group's reading sessions" in lines
    assert any(line.startswith("- `/study-admin post-now") for line in lines)
    welcome = await circle.say(ana, "join")
    assert "Use `/study schedule` to see when sessions are" in welcome
    schedule = (await circle.say(ana, "schedule")).split("\n")
    assert sum(1 for line in schedule if line.startswith("- Tue ")) == 3
    assert "set yours with `/study timezone Europe/Berlin`" in schedule[-1]


async def test_quote_picks_its_passage_from_autocomplete_by_any_word(
    fake: FakeDiscord, circle: DiscordCircle
) -> None:
    thread, _ = await open_session(circle)
    done = await fake.autocomplete(fake.ana, "quote", "passage", passage="paragraph")
    choices = await fake.until(lambda: done.choices)
    assert choices == [{"name": "2. It has a second paragraph too.", "value": "#2"}]
    answer = await circle.say(fake.ana, "quote", passage="#2", text="Short and kind.")
    assert "Saved your note 1" in answer
    posted = str(fake.bot_messages(thread)[-1])
    assert "second paragraph" in posted and "Short and kind." in posted


async def test_passage_choices_of_a_long_section_fit_discords_limits(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    circle = await start_app(tmp_path, fake, TOKEN_ENV, reading="long")
    try:
        await circle.say(fake.mod, "post-now")
        for typed in ("", "together", "paragraph 33"):
            done = await fake.autocomplete(fake.ana, "quote", "passage", passage=typed)
            choices = await fake.until(lambda done=done: done.choices)
            assert 1 <= len(choices) <= 25
            assert all(1 <= len(c["name"]) <= 100 for c in choices)
            assert all(str(c["value"]).startswith("#") for c in choices)
        assert choices[0]["name"].startswith("65. Paragraph 33 begins here.")
    finally:
        await circle.app.stop()
