"""The check every Discord test ends with: what the bot sent, held against Discord's OpenAPI
spec. Here it is shown to refuse what Discord would refuse, and to pass a real session and
every kind of message the core sends, posted, sent by direct message and as an answer."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from discord_harness import Connected
from discord_spec import available, check, find_template, problems_in
from discord_standin import FakeDiscord

from bot.core.events import CommandReceived, MemberRef
from bot.core.messages import Message
from tests.message_gallery import NAMES, gallery

pytestmark = pytest.mark.skipif(
    not available(), reason="the shared corpus's Discord spec is not beside"
)

CHANNEL = "/channels/1400000000000000002/messages"
CALLBACK = "/interactions/1400000000000000009/a-token/callback"


def button(label: str) -> dict[str, object]:
    return {"type": 2, "style": 1, "label": label, "custom_id": "respond:1"}


def row(*components: dict[str, object]) -> dict[str, object]:
    return {"type": 1, "components": list(components)}


def test_a_plain_message_passes() -> None:
    body = {"content": "hello", "embeds": [{"title": "t"}], "allowed_mentions": {"parse": []}}
    assert check("POST", CHANNEL, {}, body) == []


def test_a_message_with_eleven_embeds_is_refused_and_the_problem_named() -> None:
    [problem] = check("POST", CHANNEL, {}, {"embeds": [{"title": "t"}] * 11})
    assert problem.startswith(f"POST {CHANNEL} (/channels/{{channel_id}}/messages): at $.embeds:")
    assert "too long" in problem


def test_content_over_2000_characters_is_refused() -> None:
    assert check("POST", CHANNEL, {}, {"content": "x" * 2000}) == []
    [problem] = check("POST", CHANNEL, {}, {"content": "x" * 2001})
    assert "at $.content:" in problem and "too long" in problem


def test_embeds_over_6000_characters_together_are_refused() -> None:
    embeds = [{"title": "t", "description": "d" * 4000}, {"description": "d" * 2000}]
    [problem] = check("POST", CHANNEL, {}, {"embeds": embeds})
    assert "at $.embeds: 6001 characters together" in problem


def test_a_button_label_of_100_characters_is_refused_in_an_interaction_answer() -> None:
    good = {"type": 4, "data": {"content": "hi", "components": [row(button("Respond"))]}}
    assert check("POST", CALLBACK, {"with_response": "1"}, good) == []
    bad = {"type": 4, "data": {"content": "hi", "components": [row(button("x" * 100))]}}
    [problem] = check("POST", CALLBACK, {}, bad)
    assert "at $.data.components[0].components[0].label:" in problem, problem
    assert "too long" in problem


def test_a_key_the_spec_does_not_list_is_refused_as_discord_would_drop_it() -> None:
    [problem] = check("POST", CHANNEL, {}, {"content": "hi", "embed": {"title": "t"}})
    assert "at $: Unevaluated properties are not allowed ('embed' was unexpected)" in problem
    misspelt = {"type": 2, "style": 1, "lable": "Respond", "custom_id": "respond:1"}
    [problem] = check("POST", CHANNEL, {}, {"content": "hi", "components": [row(misspelt)]})
    assert "at $.components[0].components[0]:" in problem and "'lable'" in problem, problem


def test_a_path_or_method_the_spec_lacks_is_refused() -> None:
    assert check("GET", "/channels/1/nonsense", {}, None) == [
        "GET /channels/1/nonsense: the spec has no such path"
    ]
    [problem] = check("PUT", CHANNEL, {}, {"content": "hi"})
    assert "has no PUT" in problem


def test_path_and_query_parameters_are_checked() -> None:
    [problem] = check("POST", "/channels/None/messages", {}, {"content": "hi"})
    assert "path parameter channel_id='None'" in problem
    problems = check("GET", CHANNEL, {"limit": "500", "sort": "new"}, None)
    assert any("query limit='500'" in p for p in problems)
    assert any("no query parameter 'sort'" in p for p in problems)
    assert check("GET", CHANNEL, {"limit": "100", "before": "1400000000000000001"}, None) == []


def test_the_api_prefix_is_optional_and_literal_segments_win() -> None:
    assert find_template("/api/v10/users/@me") == ("/users/@me", {})
    assert find_template("/users/1400000000000000001") == (
        "/users/{user_id}",
        {"user_id": "1400000000000000001"},
    )


@pytest.mark.asyncio(loop_scope="session")
async def test_a_real_session_passes_and_a_spoilt_answer_in_it_is_caught(
    fake: FakeDiscord, connected: Connected
) -> None:
    done = await fake.slash(fake.ana, "join")
    await fake.until(done.answers)
    sent = list(fake.requests)
    assert {r.method for r in sent} >= {"GET", "PUT", "POST"}  # log-in, command sync, answer
    assert problems_in(sent) == []
    [answer] = [r for r in sent if r.path.endswith("/callback")]
    spoilt = dataclasses.replace(
        answer, body={**answer.body, "data": {**answer.body["data"], "embeds": [{}] * 11}}
    )
    [problem] = problems_in([spoilt])
    assert problem.startswith("POST /interactions/") and "at $.data.embeds:" in problem


@pytest.mark.asyncio(loop_scope="session")
async def test_every_message_the_core_sends_reaches_discord_as_the_spec_allows(
    fake: FakeDiscord, connected: Connected, tmp_path: Path
) -> None:
    shown = await gallery(tmp_path)
    room = str(fake.channel_id)
    ana = MemberRef(platform="discord", user_id=str(fake.ana.id), display_name="Ana")
    for name in NAMES:
        message = shown[name]
        await connected.platform.post(room, message, key=f"post:{name}")
        await connected.platform.send_direct(ana, message, key=f"dm:{name}")

        async def answer(event: CommandReceived, message: Message = message) -> Message:
            return message

        connected.core.answer = answer
        done = await fake.slash(fake.ana, "status")
        await fake.until(done.answers)
    paths = {r.path for r in fake.requests}
    assert f"/channels/{room}/messages" in paths
    assert any(p.endswith("/callback") for p in paths)
    assert problems_in(fake.requests) == []
