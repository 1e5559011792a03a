"""The console forgets the lines of an expired discussion from its record."""

from __future__ import annotations

import io
from pathlib import Path

from adapters.console.platform import ConsolePlatform
from bot.config.platform_settings import ConsoleSettings
from bot.core.messages import Message, MessageKind
from bot.core.platform import Erasing, PlatformContext


async def test_the_console_forgets_a_removed_line_once(tmp_path: Path) -> None:
    console = ConsolePlatform(
        ConsoleSettings(),
        PlatformContext(data_dir=tmp_path, rooms=("console",)),
        stdin=io.StringIO(""),
        stdout=io.StringIO(),
    )
    assert isinstance(console, Erasing)
    posted = await console.post(
        "console", Message(kind=MessageKind.NOTICE, body="Session 1 is open."), key="k"
    )
    assert posted.message_id in console.record
    removed = await console.remove_message(
        "console", posted.message_id, thread=None, own=True, reason="expired", key="r"
    )
    assert removed and posted.message_id not in console.record
    again = await console.remove_message(
        "console", posted.message_id, thread=None, own=True, reason="expired", key="r"
    )
    assert not again
