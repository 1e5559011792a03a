"""Every kind of message the core sends, as a Matrix client gets it: HTML in `formatted_body`
with lists as lists and quotes closed, and a plain `body` (what notifications show) without
Markdown markup; command hints carry `!study`. No server needed."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from adapters.matrix.inbound import parse_command
from adapters.matrix.plaintext import to_plain
from adapters.matrix.render import render
from bot.commands.hints import command_of
from bot.commands.spec import BY_NAME
from bot.core.messages import Message
from tests.message_gallery import NAMES, gallery_in

# the Matrix specification's event schemas, when the shared corpus is beside this checkout
SCHEMAS = (
    Path(__file__).resolve().parents[3] / "shared/corpus/specs/matrix/data/event-schemas/schema"
)


def spec_content_schema(msgtype: str) -> dict[str, Any]:
    """The `content` schema the specification gives an `m.room.message` of `msgtype`."""
    document = yaml.safe_load((SCHEMAS / f"m.room.message${msgtype}.yaml").read_text("utf-8"))
    schema: dict[str, Any] = document["properties"]["content"]
    return schema


MARKUP = re.compile(r"\*\*|`|(?<!\w)_\S|^\s*[-*] |^\s*>|^#+ |\\[.\-#>]", re.MULTILINE)


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Message]:
    return gallery_in(Path(tmp_path_factory.mktemp("gallery")))


def rendered(message: Message) -> dict[str, Any]:
    [content] = render(message)
    return content


@pytest.mark.parametrize("name", NAMES)
def test_every_message_has_a_plain_body_without_markup_and_html_beside_it(
    shown: dict[str, Message], name: str
) -> None:
    content = rendered(shown[name])
    assert set(content) == {"msgtype", "body", "format", "formatted_body", "m.mentions"}
    assert content["msgtype"] in ("m.text", "m.notice")
    assert content["format"] == "org.matrix.custom.html"
    assert content["body"].strip() and content["formatted_body"].strip()
    assert not MARKUP.search(content["body"]), content["body"]
    assert "**" not in content["formatted_body"] and "`" not in content["formatted_body"]


@pytest.mark.skipif(not SCHEMAS.is_dir(), reason="the shared corpus's Matrix spec is not beside")
@pytest.mark.parametrize("name", NAMES)
def test_every_message_is_an_event_content_the_specification_allows(
    shown: dict[str, Message], name: str
) -> None:
    content = rendered(shown[name])
    jsonschema.validate(content, spec_content_schema(content["msgtype"]))
    assert content["format"] == "org.matrix.custom.html"  # the one format the spec names


@pytest.mark.parametrize(
    ("name", "items"),
    [("help", 20), ("status", 10), ("schedule", 3), ("teams", 2), ("now", 2)],
)
def test_lists_are_lists_in_html_and_lines_in_the_plain_body(
    shown: dict[str, Message], name: str, items: int
) -> None:
    content = rendered(shown[name])
    assert content["formatted_body"].count("<li>") >= items
    listed = [line for line in content["body"].split("\n") if line.startswith(("• ", "1. ", "2. "))]
    assert len(listed) >= items


def test_help_lists_each_command_on_its_own_line_as_typed_on_matrix(
    shown: dict[str, Message],
) -> None:
    content = rendered(shown["help"])
    lines = content["body"].split("\n")
    assert "• !study join — Join this group's reading sessions" in lines
    assert "(your responses stay yours; use !study forget-me to erase them)" in content["body"]
    assert (
        "<li><code>!study respond PROMPT [--private] [--shared] [--public] TEXT</code>"
        in (content["formatted_body"])
    )


def test_a_prompt_is_numbered_once(shown: dict[str, Message]) -> None:
    content = rendered(shown["prompt"])
    assert content["body"].startswith("Prompt 1\n\nWhat keeps you coming back?\n\n")
    assert "1." not in content["body"]
    assert "!study respond 1 your answer" in content["body"]


def test_the_digest_quotes_each_member_apart_and_the_next_prompt_outside(
    shown: dict[str, Message],
) -> None:
    content = rendered(shown["digest"])
    html = content["formatted_body"]
    assert html.count("<blockquote>") == 3
    for quote in re.findall(r"<blockquote>(.*?)</blockquote>", html, re.DOTALL):
        assert quote.count("— ") == 1 and "What would you change" not in quote
    assert "│ Cal's own view\n│ — Cal\n\n2. What would you change?" in content["body"]


def test_a_members_line_breaks_are_kept(shown: dict[str, Message]) -> None:
    content = rendered(shown["mine"])
    assert "A first thought,\nover two lines." in content["body"]
    assert "A first thought,<br>\nover two lines." in content["formatted_body"]


def test_plain_text_of_links_code_and_nested_lists() -> None:
    markdown = "See [the text](https://example.org/a) and <https://example.org/b>.\n\n- a\n  - b\n\n```\nx = 1\n```"
    assert to_plain(markdown) == (
        "See the text (https://example.org/a) and https://example.org/b.\n\n• a\n  • b\n\nx = 1"
    )


# -- hints name the command as it is typed on Matrix (issue 12, item 15) ----------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_hint_is_a_command_that_works_when_typed_on_matrix(
    shown: dict[str, Message], name: str
) -> None:
    html = rendered(shown[name])["formatted_body"]
    for code in re.findall(r"<code>(.*?)</code>", html):
        hint = unescape(code)
        if command_of(hint) is not None:
            raise AssertionError(f"{hint!r} lacks the !study prefix")
        if hint.startswith("!study"):
            parsed = parse_command(hint)
            assert parsed is not None and parsed[0] in BY_NAME, hint


def test_the_hints_members_met_read_as_typed_on_matrix(shown: dict[str, Message]) -> None:
    assert "or use !study respond 1 your answer." in rendered(shown["prompt"])["body"]
    assert "Use !study schedule to see when" in rendered(shown["welcome"])["body"]
    assert "send !study forget-me confirm" in rendered(shown["forget-me"])["body"]
    assert "(!study reminders off stops these" in rendered(shown["nudge"])["body"]
    assert (
        "Did you mean !study respond? Try !study help."
        in rendered(shown["unknown command"])["body"]
    )


# -- through a real Synapse --------------------------------------------------------------------


async def test_help_and_schedule_reach_a_matrix_client_as_lists_with_typed_commands(
    bot: Any, members: Any, tmp_path: Path
) -> None:
    from study_on_matrix import make_circle

    circle = await make_circle(bot, members, tmp_path, e2e=False)
    try:
        bea = circle.bea
        shown = await circle.ask(bea, "!study help", "Study Circle commands")
        content = shown.source["content"]
        assert "• !study join — Join this group's reading sessions" in content["body"].split("\n")
        assert "<li><code>!study join</code> — Join" in content["formatted_body"]
        if SCHEMAS.is_dir():
            jsonschema.validate(content, spec_content_schema(content["msgtype"]))
        schedule = await circle.ask(bea, "!study schedule", "Part Three")
        body = schedule.source["content"]["body"]
        assert sum(1 for line in body.split("\n") if line.startswith("• Tue ")) == 3
        assert "set yours with !study timezone Europe/Berlin" in body and "_" not in body
    finally:
        await circle.study.stop()
