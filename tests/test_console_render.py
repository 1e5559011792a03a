"""Every kind of message the core sends, as the console prints it at 80 columns: lists one
item a line, quotes apart, a member's own line breaks kept, commands as typed here."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from adapters.console.platform import ConsolePlatform
from bot.config.platform_settings import ConsoleSettings
from bot.core.events import CommandReceived, Origin
from bot.core.messages import Message, MessageKind
from bot.core.platform import PlatformContext
from tests.conftest import BASE_CONFIG
from tests.message_gallery import NAMES, gallery_in
from tests.terminal_pty import CTRL_D, TerminalSession


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Message]:
    return gallery_in(Path(tmp_path_factory.mktemp("gallery")))


async def printed(message: Message, tmp_path: Path) -> list[str]:
    """The lines the console prints for `message`: a reply to a command, or a post."""
    out = io.StringIO()
    console = ConsolePlatform(
        ConsoleSettings(),
        PlatformContext(data_dir=tmp_path, rooms=("console",)),
        stdin=io.StringIO(""),
        stdout=out,
    )
    if message.kind is MessageKind.REPLY:
        origin = Origin(platform="console", room="console", token="Bea")
        await console.reply(origin, message)
    else:
        await console.post("console", message, key="k")
    lines = [line.rstrip() for line in out.getvalue().split("\n")]
    assert all(len(line) <= 80 for line in lines)
    return [line.strip("│ ").rstrip() for line in lines]


@pytest.mark.parametrize("name", NAMES)
async def test_every_message_prints_without_markdown_markup(
    shown: dict[str, Message], name: str, tmp_path: Path
) -> None:
    text = "\n".join(await printed(shown[name], tmp_path))
    assert text.strip()
    assert "**" not in text and "`" not in text and "\\" not in text
    assert not any(line.startswith(("- ", "> ", "#")) for line in text.split("\n"))


async def test_help_prints_each_command_on_its_own_line_as_typed_here(
    shown: dict[str, Message], tmp_path: Path
) -> None:
    lines = await printed(shown["help"], tmp_path)
    assert "• /study join — Join this group's reading sessions" in lines
    assert sum(1 for line in lines if line.startswith("• /study ")) >= 20


@pytest.mark.parametrize(("name", "items"), [("status", 10), ("schedule", 3), ("teams", 2)])
async def test_lists_print_one_item_a_line(
    shown: dict[str, Message], name: str, items: int, tmp_path: Path
) -> None:
    lines = await printed(shown[name], tmp_path)
    assert sum(1 for line in lines if line.startswith("• ")) == items


async def test_the_digest_quotes_each_member_apart_and_the_next_prompt_outside(
    shown: dict[str, Message], tmp_path: Path
) -> None:
    lines = await printed(shown["digest"], tmp_path)
    at = lines.index("▌ Cal's own view")
    assert lines[at - 2 : at + 4] == [
        "▌ — Bea",
        "",
        "▌ Cal's own view",
        "▌ — Cal",
        "",
        "2. What would you change?",
    ]


async def test_a_prompt_is_numbered_once_and_its_hints_are_typed_here(
    shown: dict[str, Message], tmp_path: Path
) -> None:
    lines = await printed(shown["prompt"], tmp_path)
    assert lines[1:4] == [
        "What keeps you coming back?",
        "",
        "Reply to this message to respond, or use /study respond 1 your answer.",
    ]
    assert "[Respond] → /study respond 1 ..." in lines


async def test_a_members_line_breaks_are_kept(shown: dict[str, Message], tmp_path: Path) -> None:
    lines = await printed(shown["mine"], tmp_path)
    at = lines.index("A first thought,")
    assert lines[at + 1] == "over two lines."


# -- hints name the command as it is typed on the console (issue 12, item 15) -----------------


async def test_the_hints_members_met_read_as_typed_on_the_console(
    shown: dict[str, Message], tmp_path: Path
) -> None:
    def said(name: str) -> str:
        return " ".join(" ".join(lines) for lines in [seen[name]])

    seen = {n: await printed(shown[n], tmp_path) for n in NAMES}
    assert "Use /study schedule to see when sessions are" in said("welcome")
    assert "send /study forget-me confirm" in said("forget-me")
    assert "(/study reminders off stops these; /study snooze DAYS" in said("nudge")
    assert "Did you mean /study respond? Try /study help." in said("unknown command")
    assert "set yours with /study timezone Europe/Berlin" in said("schedule")


async def test_a_hint_typed_as_shown_on_the_console_is_the_command(tmp_path: Path) -> None:
    heard: list[CommandReceived] = []

    class Core:
        async def handle(self, event: object) -> None:
            assert isinstance(event, CommandReceived)
            heard.append(event)

    console = ConsolePlatform(
        ConsoleSettings(),
        PlatformContext(data_dir=tmp_path, rooms=("console",)),
        stdin=io.StringIO(""),
        stdout=io.StringIO(),
    )
    console._core = Core()  # type: ignore[assignment]
    await console.handle_line("/study respond 1 your answer")
    [event] = heard
    assert (event.name, event.args) == ("respond", "1 your answer")


# -- at a real terminal -----------------------------------------------------------------------


def test_at_an_80_column_terminal_a_list_shows_one_item_a_row_and_hints_as_typed(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    session = TerminalSession("run", "--config", str(write_config(BASE_CONFIG)), cwd=tmp_path)
    try:
        session.prompt_waits()
        mark = session.mark()
        session.type("/study schedule\n")
        session.expect("/study timezone Europe/Berlin", after=mark)
        rows = [row.strip() for row in session.lines()]
        listed = [row for row in rows if row.startswith("• Tue ")]  # the real clock's dates
        assert [row.rsplit(": ", 1)[1] for row in listed] == ["Part One", "Part Two", "Part Three"]
        session.type(CTRL_D)
        assert session.wait_exit() == 0
    finally:
        session.close()


def test_a_readings_source_wrapping_is_not_kept_but_its_blocks_are() -> None:
    from bot.core.markdown import prose

    wrapped = (
        "A paragraph wrapped\nat the file's width\ngoes on.\n\n"
        "- a list item\n- another\n\n> a quote\n\n"
        "Two spaces end this line  \nso it breaks.\n\n```\ncode\nstays\n```"
    )
    assert prose(wrapped) == (
        "A paragraph wrapped at the file's width goes on.\n\n"
        "- a list item\n- another\n\n> a quote\n\n"
        "Two spaces end this line  \nso it breaks.\n\n```\ncode\nstays\n```"
    )


def _first_section_posted(language: str, folder: Path) -> tuple[Message, int]:
    """The first-steps reading's first section as the bot posts it in `language`, and how
    many paragraphs it has."""
    from datetime import UTC, datetime

    from bot.config.load import load_config
    from bot.core.records import Session
    from bot.readings.model import load_reading
    from bot.sessions.render import section_messages

    root = Path(__file__).resolve().parent.parent
    (folder / "readings").mkdir()
    shipped = root / "readings" / "first-steps.yaml"
    (folder / "readings" / "first-steps.yaml").write_bytes(shipped.read_bytes())
    reading = load_reading(shipped, root / "readings").in_language(language)
    config = folder / "config.yaml"
    config.write_text(BASE_CONFIG.replace("reading: three-parts", "reading: first-steps"))
    group = load_config(config).groups[0]
    moment = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    session = Session(
        id=1, group_id=group.id, number=1, first_section=0, section_count=1,
        opened_at=moment, closes_at=moment, closed_at=None, thread=None, root_message=None,
    )  # fmt: skip
    [message] = section_messages(group, session, reading, [reading.sections[0]], 6000)
    return message, reading.sections[0].body.count("\n\n") + 1


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_shipped_sections_paragraphs_flow_at_the_consoles_width(
    language: str, tmp_path: Path
) -> None:
    """first-steps.yaml wraps its paragraphs at about 90 columns: printed at 80 they must flow,
    not come out as a long line and a stub, line after line."""
    message, paragraphs = _first_section_posted(language, tmp_path)
    lines = [line for line in await printed(message, tmp_path) if line.strip()]
    body = lines[3:-1]  # the frame, the intro and the heading aside
    stubs = [line for line in body if len(line) < 40]
    assert len(stubs) <= paragraphs, "\n".join(body)
