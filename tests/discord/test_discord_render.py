"""Rendering and small pure helpers of the Discord adapter, without any network."""

from __future__ import annotations

import pytest

from adapters.discord.commands import args_line, build_command_groups, time_zone_choices
from adapters.discord.render import BODY_PER_MESSAGE, render, split_text
from adapters.discord.sending import nonce_for
from bot.commands.spec import BY_NAME, CommandSpec
from bot.core.messages import Message, MessageKind


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
