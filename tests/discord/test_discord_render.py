"""Rendering and small pure helpers of the Discord adapter, without any network."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adapters.discord.commands import (
    args_line,
    build_command_groups,
    command_group_name,
    time_zone_choices,
)
from adapters.discord.render import BODY_PER_MESSAGE, render, split_text
from adapters.discord.sending import nonce_for
from bot.commands.spec import BY_NAME, CommandSpec
from bot.core.messages import Message, MessageKind
from tests.message_gallery import NAMES, gallery_in


@pytest.mark.parametrize(
    "text",
    [
        "x" * 10_000,  # one endless word: cut hard
        ("A sentence that ends. " * 600).strip(),
        "\n".join(f"line {i}" for i in range(3000)),
        "short",
    ],
    ids=["no-spaces", "sentences", "lines", "short"],
)
def test_split_text_keeps_every_character_within_the_limit(text: str) -> None:
    chunks = split_text(text, 4096)
    assert all(0 < len(c) <= 4096 for c in chunks)
    assert "".join(chunks).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace(
        "\n", ""
    )


def test_split_text_prefers_paragraphs_then_sentences() -> None:
    first = "One. " * 500
    text = first.strip() + "\n\n" + "Two two two."
    assert split_text(text, 2505)[0].endswith("One.")
    assert split_text("Aa. Bb. Cc. Dd.", 9) == ["Aa. Bb.", "Cc. Dd."]


def test_a_core_part_fits_in_one_discord_message() -> None:
    body = ("word " * 2000)[:BODY_PER_MESSAGE]
    title = "T" * 300
    [piece] = render(Message(kind=MessageKind.SECTION, title=title, body=body, part=2, parts=3))
    assert piece.embeds[0].title is not None and piece.embeds[0].title.endswith("…")
    total = sum(len(e.title or "") + len(e.description or "") for e in piece.embeds)
    assert total <= 6000 and len(piece.embeds) == 2


def test_short_notices_are_plain_text_and_long_ones_embeds() -> None:
    [short] = render(Message(kind=MessageKind.NOTICE, body="Hello"))
    assert short.content == "Hello" and not short.embeds
    [long] = render(Message(kind=MessageKind.NOTICE, body="y " * 1500))
    assert long.content is None and long.embeds


def test_nonces_are_deterministic_short_and_distinct_per_part() -> None:
    assert nonce_for("readers:1:section:1") == nonce_for("readers:1:section:1")
    assert len(nonce_for("k" * 500)) == 25
    assert nonce_for("k", 1) != nonce_for("k", 2)


def test_options_become_the_cores_argument_line() -> None:
    respond = BY_NAME["respond"]
    assert args_line(respond, {"prompt": 3, "private": True, "text": "hi"}) == "3 --private hi"
    assert args_line(respond, {"prompt": 3, "private": False, "text": "hi"}) == "3 hi"
    assert args_line(BY_NAME["export"], {"format": None}) == ""


def test_time_zone_choices_match_what_was_typed() -> None:
    assert time_zone_choices("europe/ber")[0] == "Europe/Berlin"
    assert "America/La_Paz" in time_zone_choices("la paz")
    assert len(time_zone_choices("")) == 25


def test_an_empty_notice_still_says_something() -> None:
    [piece] = render(Message(kind=MessageKind.NOTICE, body=""))
    assert piece.content


def test_more_commands_than_discord_allows_in_one_are_split_by_audience() -> None:
    many = tuple(CommandSpec(name=f"c{i}", summary="s", admin=i % 3 == 0) for i in range(40))

    class Desk:
        async def run_slash(self, *args: object) -> None: ...

        async def prompt_choices(self, *args: object) -> list[tuple[int, str]]:
            return []

    groups = build_command_groups(many, Desk())
    assert [g.name for g in groups] == ["study", "study-admin"]
    assert all(len(g.commands) <= 25 for g in groups)
    assert {c.name for c in groups[1].commands} == {s.name for s in many if s.admin}


# -- every kind of message the core sends, as Discord shows it ---------------------------------


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Message]:
    return gallery_in(Path(tmp_path_factory.mktemp("gallery")))


def discord_text(message: Message) -> str:
    """Everything a member reads of a rendered message (content, embed titles and text)."""
    parts: list[str] = []
    for piece in render(message):
        assert piece.content is None or 0 < len(piece.content) <= 2000
        assert len(piece.embeds) <= 10
        assert sum(len(e.title or "") + len(e.description or "") for e in piece.embeds) <= 6000
        for embed in piece.embeds:
            assert len(embed.title or "") <= 256 and len(embed.description or "") <= 4096
            parts += [embed.title or "", embed.description or ""]
        parts.append(piece.content or "")
    return "\n".join(p for p in parts if p)


@pytest.mark.parametrize("name", NAMES)
def test_every_message_fits_discord_and_names_commands_as_slash_commands(
    shown: dict[str, Message], name: str
) -> None:
    text = discord_text(shown[name])
    assert text.strip()
    for hint in re.findall(r"`([^`]+)`", text):
        first = hint.split(" ", 1)[0]
        assert first not in BY_NAME, f"{hint!r} lacks its slash command"
        if first.startswith("/"):  # the slash command and its subcommand exist as written
            name = hint.split(" ")[1]
            assert first == f"/{command_group_name(BY_NAME[name])}", hint
    assert "!study" not in text and "•" not in text  # Discord's own list marker, not a dot


def test_the_hints_members_met_read_as_typed_on_discord(shown: dict[str, Message]) -> None:
    assert "or use `/study respond 1 your answer`." in discord_text(shown["prompt"])
    assert "Use `/study schedule` to see when" in discord_text(shown["welcome"])
    assert "send `/study forget-me confirm`" in discord_text(shown["forget-me"])
    assert "(`/study reminders off` stops these" in discord_text(shown["nudge"])
    assert "set a new reading in the config and `/study-admin reload`" in discord_text(
        shown["reading finished"]
    )


def test_discord_lists_are_markdown_lists_and_commands_are_slash_commands(
    shown: dict[str, Message],
) -> None:
    help_text = discord_text(shown["help"])
    assert "- `/study join` — Join this group's reading sessions" in help_text.split("\n")
    assert "- `/study-admin status` — " in help_text
    assert "(your responses stay yours; use `/study forget-me` to erase them)" in help_text
    schedule = discord_text(shown["schedule"]).split("\n")
    assert sum(1 for line in schedule if line.startswith("- Tue ")) == 3
    teams = [line for line in discord_text(shown["teams"]).split("\n") if line.startswith("- ")]
    assert len(teams) == 2 and all(" & " in line and "— to start: _" in line for line in teams)


def test_discord_prompt_is_numbered_once(shown: dict[str, Message]) -> None:
    [piece] = render(shown["prompt"])
    [embed] = piece.embeds
    assert embed.title == "Prompt 1"
    assert embed.description == (
        "What keeps you coming back?\n\n"
        "_Reply to this message to respond, or use `/study respond 1 your answer`._"
    )


def test_discord_digest_quotes_each_member_apart_and_the_next_prompt_outside(
    shown: dict[str, Message],
) -> None:
    text = discord_text(shown["digest"])
    assert "> Cal's *own* view\n> — Cal\n\n*2. What would you change?*" in text
    assert "> — Bea\n\n> Cal's" in text
