"""Command hints in the core's Markdown, written as each platform's members type them."""

from __future__ import annotations

from bot.commands.hints import typed, typed_message
from bot.core.messages import Message, MessageKind
from bot.core.specs import CommandSpec


def matrix(_spec: CommandSpec) -> str:
    return "!study"


def discord(spec: CommandSpec) -> str:
    return "/study-admin" if spec.admin else "/study"


def test_a_hint_gets_the_platforms_prefix_and_other_code_stays() -> None:
    text = "Use `schedule`, `reminders on` or `--group ID`; an admin can `reload`. `readings:`"
    assert typed(text, matrix) == (
        "Use `!study schedule`, `!study reminders on` or `--group ID`; "
        "an admin can `!study reload`. `readings:`"
    )
    assert "`/study-admin reload`" in typed(text, discord)
    assert typed("`/study join` and `!study join`", matrix) == "`/study join` and `!study join`"


def test_quoted_words_fenced_code_and_a_sections_text_are_left_as_written() -> None:
    quoted = "> I used `join` in my code\n> — Bea\n\nTry `help`."
    assert typed(quoted, matrix) == "> I used `join` in my code\n> — Bea\n\nTry `!study help`."
    fenced = "```\n`now`\n```\n`now`"
    assert typed(fenced, matrix) == "```\n`now`\n```\n`!study now`"
    section = Message(kind=MessageKind.SECTION, body="Python's `join` method")
    assert typed_message(section, matrix) == "Python's `join` method"
    notice = Message(kind=MessageKind.NOTICE, body="`join` first")
    assert typed_message(notice, matrix) == "`!study join` first"
