"""No response text, bot token or interaction token reaches a log line, even at DEBUG."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from discord_app import FIRST_SESSION, START, start_app
from discord_harness import TOKEN_ENV
from discord_standin import FakeDiscord

from adapters.discord.client import keep_secrets_out_of_logs

SECRET = "my-secret-thought-8c1f"
BOT_TOKEN = "bot-token-5e2a"


@pytest.mark.asyncio(loop_scope="session")
async def test_a_whole_session_at_debug_logs_no_member_text_or_token(
    fake: FakeDiscord,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    # an earlier test's setup_logging may have quieted discord.py's logger; hear it all here
    caplog.set_level(logging.DEBUG, logger="discord")
    monkeypatch.setenv(TOKEN_ENV, BOT_TOKEN)
    circle = await start_app(tmp_path, fake, TOKEN_ENV)
    try:
        await circle.say(fake.ana, "join")
        await circle.advance(FIRST_SESSION - START + timedelta(minutes=1))
        await circle.say(fake.ana, "respond", prompt=1, text=f"{SECRET} by command")
        [thread] = [cid for cid, c in fake.channels.items() if c["type"] == 11]
        prompt = fake.bot_messages(thread)[1]
        await fake.member_says(
            fake.ben, f"{SECRET} by reply", channel_id=thread, reply_to=int(prompt["id"])
        )
        opened = await fake.press(fake.ana, prompt, "studybot:respond:2")
        await fake.until(lambda: opened.modal)
        done = await fake.submit(fake.ana, opened, f"{SECRET} by modal")
        await fake.until(done.answers)
        await circle.say(fake.ana, "mine")
        await circle.say(fake.mod, "export", format="csv")
    finally:
        await circle.app.stop()
    tokens = [record.token for record in fake.interactions.values()]
    # discord.py's and the adapter's own lines; bot/runtime/logs.py quiets the other libraries.
    ours = [r for r in caplog.records if r.name.startswith(("discord", "adapters.discord"))]
    assert len(ours) > 20, "the scenario logged next to nothing?"
    for record in ours:
        line = record.getMessage()
        assert SECRET not in line, record.name
        assert BOT_TOKEN not in line, record.name
        assert not any(token in line for token in tokens), record.name


def test_interaction_tokens_in_rate_limit_warnings_are_redacted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    keep_secrets_out_of_logs()
    caplog.set_level(logging.DEBUG)
    logger = logging.getLogger("discord.webhook.async_")
    logger.warning(
        "429 on %s", "https://discord.com/api/v10/webhooks/123/aW50ZXJhY3Rpb24.x-y_z/messages"
    )
    logger.debug("request body %s", SECRET)
    [record] = caplog.records
    assert record.getMessage() == "429 on https://discord.com/api/v10/webhooks/123/<token>/messages"
