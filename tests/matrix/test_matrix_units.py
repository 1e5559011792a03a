"""The Matrix adapter's pure parts: event translation, rendering, retries. No server needed."""

from __future__ import annotations

import json
from typing import Any

import nio
import pytest

from adapters.matrix.calls import Retrier
from adapters.matrix.inbound import Where, parse_command, strip_reply_fallback, translate
from adapters.matrix.render import MAX_CONTENT_BYTES, render, to_html
from adapters.matrix.sending import transaction_id
from bot.core.events import CommandReceived, MessageDeleted, MessageEdited, ReplyReceived
from bot.core.messages import Button, Message, MessageKind
from bot.core.platform import AdapterError

WHERE = Where(room="!room:hs", is_direct=False, display_name="Ana")


def event(content: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {
        "type": "m.room.message",
        "event_id": "$e1",
        "sender": "@ana:hs",
        "content": content,
        **top,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!study join", ("join", "")),
        ("!Study RESPOND 2 Because  of   this", ("respond", "2 Because  of   this")),
        ("  !study", ("help", "")),
        ("!study respond 1\nsecond line", ("respond", "1\nsecond line")),
        ("!study mine\nplease", ("mine", "please")),
        ("!studying", None),
        ("please !study join", None),
    ],
)
def test_command_lines(text: str, expected: tuple[str, str] | None) -> None:
    assert parse_command(text) == expected


def test_reply_fallback_is_removed() -> None:
    body = "> <@bot:hs> 1. What struck you?\n> more quote\n\nMy answer\n> not a quote"
    assert strip_reply_fallback(body) == "My answer\n> not a quote"
    assert strip_reply_fallback("no quote") == "no quote"


def test_a_reply_in_a_thread_names_the_prompt_and_the_thread() -> None:
    content = {
        "msgtype": "m.text",
        "body": "My answer",
        "m.relates_to": {
            "rel_type": "m.thread",
            "event_id": "$root",
            "is_falling_back": False,
            "m.in_reply_to": {"event_id": "$prompt"},
        },
    }
    result = translate(event(content), WHERE)
    assert isinstance(result, ReplyReceived)
    assert (result.in_reply_to, result.origin.thread, result.text) == (
        "$prompt",
        "$root",
        "My answer",
    )
    assert result.origin.token == "@ana:hs" and result.member.display_name == "Ana"


def test_a_fallback_reply_in_a_thread_answers_the_thread_root() -> None:
    content = {
        "msgtype": "m.text",
        "body": "Loose thought",
        "m.relates_to": {
            "rel_type": "m.thread",
            "event_id": "$root",
            "is_falling_back": True,
            "m.in_reply_to": {"event_id": "$latest"},
        },
    }
    result = translate(event(content), WHERE)
    assert isinstance(result, ReplyReceived) and result.in_reply_to == "$root"


def test_a_command_in_a_thread_keeps_its_thread() -> None:
    content = {
        "msgtype": "m.text",
        "body": "!study respond 1 yes",
        "m.relates_to": {"rel_type": "m.thread", "event_id": "$root", "is_falling_back": True},
    }
    result = translate(event(content), WHERE)
    assert isinstance(result, CommandReceived) and result.origin.thread == "$root"


def test_edits_redactions_and_chatter() -> None:
    edit = {
        "msgtype": "m.text",
        "body": "* new",
        "m.new_content": {"msgtype": "m.text", "body": "new"},
        "m.relates_to": {"rel_type": "m.replace", "event_id": "$orig"},
    }
    edited = translate(event(edit), WHERE)
    assert isinstance(edited, MessageEdited) and (edited.message_id, edited.text) == (
        "$orig",
        "new",
    )
    v11 = {
        "type": "m.room.redaction",
        "event_id": "$r",
        "sender": "@ana:hs",
        "content": {"redacts": "$x"},
    }
    old = {**v11, "content": {}, "redacts": "$y"}
    for raw, target in ((v11, "$x"), (old, "$y")):
        deleted = translate(raw, WHERE)
        assert isinstance(deleted, MessageDeleted) and deleted.message_id == target
    assert translate(event({"msgtype": "m.text", "body": "hello all"}), WHERE) is None
    assert translate(event({"msgtype": "m.notice", "body": "!study join"}), WHERE) is None
    assert translate(event({"msgtype": "m.text"}), WHERE) is None


def test_html_is_an_allow_list() -> None:
    html = to_html(
        "**bold** <script>alert(1)</script> <b onclick=x>raw</b> [a](https://ok.example) "
        "[pill](https://matrix.to/#/@x:hs) [bad](javascript:alert(1))"
    )
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "<b " not in html  # markup typed by anyone stays text
    assert "&lt;script&gt;" in html and "&lt;b onclick=x&gt;" in html
    assert '<a href="https://ok.example">a</a>' in html
    assert "matrix.to" not in html and 'href="javascript' not in html


def test_rendering_carries_title_parts_and_button_hints() -> None:
    message = Message(
        kind=MessageKind.PROMPT,
        title="Prompt 2",
        body="What would you change?",
        part=1,
        parts=2,
        buttons=(Button(label="Respond", action="respond:2", fallback="respond 2 TEXT"),),
    )
    [content] = render(message)
    assert content["msgtype"] == "m.text"
    assert content["body"].startswith("Prompt 2\n\nWhat would you change?")
    assert "(part 1 of 2)" in content["body"] and "• !study respond 2 TEXT" in content["body"]
    assert "<strong>Prompt 2</strong>" in content["formatted_body"]
    assert "<li><code>!study respond 2 TEXT</code></li>" in content["formatted_body"]
    assert content["m.mentions"] == {}
    assert render(Message(kind=MessageKind.REPLY, body="ok"))[0]["msgtype"] == "m.notice"


def test_every_piece_of_a_huge_message_fits_an_event() -> None:
    body = "\n\n".join(["ü" * 5000, "x" * 200_000, "word " * 20000])
    contents = render(Message(kind=MessageKind.SECTION, body=body))
    assert all(
        len(json.dumps(c, ensure_ascii=False).encode()) <= MAX_CONTENT_BYTES for c in contents
    )
    assert "".join(c["body"] for c in contents).replace("\n", "").replace(" ", "") == body.replace(
        "\n", ""
    ).replace(" ", "")


def test_transaction_ids_are_stable_and_distinct() -> None:
    assert transaction_id("open:g:1") == transaction_id("open:g:1")
    assert transaction_id("open:g:1", 0) != transaction_id("open:g:1", 1)
    assert transaction_id("open:g:1") != transaction_id("open:g:2")
    assert transaction_id("a/b?c").replace("-", "").isalnum()


class Scripted:
    """A request that returns (or raises) the scripted outcomes in order."""

    def __init__(self, *outcomes: Any) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0

    async def __call__(self) -> Any:
        self.calls += 1
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def limited(ms: int | None) -> nio.RoomSendError:
    return nio.RoomSendError("slow down", "M_LIMIT_EXCEEDED", ms)


async def test_retrier_waits_as_long_as_the_server_asks() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    ok = nio.RoomSendResponse("$ok", "!r")
    retrier = Retrier(attempts=4, max_wait_s=10, sleep=sleep)
    request = Scripted(limited(1500), limited(None), TimeoutError(), ok)
    assert await retrier.run("send", request) is ok
    assert waits == [1.5, 1.0, 2.0]


async def test_retrier_gives_up_loudly() -> None:
    async def sleep(seconds: float) -> None:
        return None

    retrier = Retrier(attempts=2, max_wait_s=10, sleep=sleep)
    with pytest.raises(AdapterError, match="rate limited"):
        await retrier.run("send", Scripted(limited(10), limited(10)))
    with pytest.raises(AdapterError, match=r"retry after 60\.0 s"):
        await retrier.run("send", Scripted(limited(60_000)))
    with pytest.raises(AdapterError, match="M_FORBIDDEN"):
        await retrier.run("send", Scripted(nio.RoomSendError("no", "M_FORBIDDEN")))
    with pytest.raises(AdapterError, match="ConnectionError"):
        await retrier.run("send", Scripted(ConnectionError(), ConnectionError()))


def test_the_core_finds_the_adapter_by_name() -> None:
    from adapters.matrix import MatrixPlatform
    from bot.runtime.registry import platform_class

    assert platform_class("matrix") is MatrixPlatform
    assert MatrixPlatform.name == "matrix" and MatrixPlatform.limits.max_body_chars == 8000


def test_secrets_stay_out_of_reprs() -> None:
    from adapters.matrix.state import SessionState

    state = SessionState(user_id="@bot:hs", access_token="syt_secret", pickle_key="pk_secret")
    assert "syt_secret" not in repr(state) and "pk_secret" not in repr(state)


def test_the_e2e_store_is_private(tmp_path: Any) -> None:
    import stat

    from adapters.matrix.client import build_client
    from adapters.matrix.state import SessionState
    from bot.config.platform_settings import MatrixSettings

    settings = MatrixSettings(homeserver="http://127.0.0.1:9", user_id="@bot:hs")
    build_client(settings, tmp_path, SessionState())
    assert stat.S_IMODE((tmp_path / "crypto").stat().st_mode) == 0o700


def test_members_named_by_the_core_get_a_pill_and_only_they_are_mentioned() -> None:
    from adapters.matrix.sending import add_mentions
    from bot.core.events import MemberRef

    content = {"body": "Your team", "formatted_body": "Your team", "m.mentions": {}}
    ana = MemberRef(platform="matrix", user_id="@ana:localhost", display_name="Ana <b>")
    add_mentions(content, (ana,))
    assert content["m.mentions"] == {"user_ids": ["@ana:localhost"]}
    assert 'href="https://matrix.to/#/@ana:localhost"' in content["formatted_body"]
    assert "Ana &lt;b&gt;" in content["formatted_body"]
