"""A reading group's whole life on a fake clock: reminders, sessions, responses, summaries, the end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.messages import MessageKind
from bot.testing import Harness, member

# every test here runs on SQLite and on PostgreSQL
pytestmark = pytest.mark.backends

ANA = member("Ana")
BEA = member("Bea")


async def test_first_session_is_planned_with_reminders(harness: Harness) -> None:
    pending = await harness.storage.pending_actions("readers")
    kinds = [(a.kind, a.due_at) for a in pending]
    # Tuesday 1 December 19:00 in Berlin is 18:00 UTC
    session = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    assert ("open", session) in kinds
    assert ("remind", session - timedelta(hours=24)) in kinds
    assert ("remind", session - timedelta(hours=1)) in kinds


async def test_whole_reading(harness: Harness) -> None:
    assert "Welcome" in await harness.command("join", member=ANA)
    await harness.command("join", member=BEA)
    await harness.command("reminders on", member=BEA)

    await harness.advance(timedelta(hours=7))  # past the 24h reminder
    reminders = harness.platform.posts(MessageKind.REMINDER)
    assert len(reminders) == 1 and "Part One" in reminders[0].message.body
    assert len(harness.platform.dms("bea")) == 1 and not harness.platform.dms("ana")

    await harness.advance(timedelta(days=1))  # the session opens
    sections = harness.platform.posts(MessageKind.SECTION)
    prompts = harness.platform.posts(MessageKind.PROMPT)
    assert len(sections) == 1 and "Part One" in sections[0].message.body
    assert [p.message.prompt_number for p in prompts] == [1, 2]
    assert all(p.thread == f"t-{sections[0].posted.message_id}" for p in prompts if p.posted)

    assert "Saved your response to prompt 1" in await harness.command(
        "respond 1 Meeting at a fixed time.", member=ANA
    )
    prompt2 = prompts[1].posted
    assert prompt2 is not None
    reply = await harness.reply_to(
        prompt2.message_id, "Shorter sessions.", member=BEA, own_id="bea-msg-1"
    )
    assert "prompt 2" in reply
    assert "Replaced" in await harness.command("respond 1 --private Something else", member=ANA)

    await harness.advance(timedelta(days=6, hours=1))  # the window closes
    summary = harness.platform.posts(MessageKind.SUMMARY)
    assert len(summary) == 1
    body = summary[0].message.body
    assert "Ana" in body and "Bea" in body
    assert "Something else" not in body  # private responses are never quoted
    assert "Shorter sessions." in body

    await harness.advance(timedelta(days=21))
    assert len(harness.platform.posts(MessageKind.SECTION)) == 3
    assert len(harness.platform.posts(MessageKind.SUMMARY)) == 3
    finished = [
        p for p in harness.platform.posts(MessageKind.NOTICE) if "last section" in p.message.body
    ]
    assert len(finished) == 1
    assert await harness.storage.pending_actions("readers") == []
    await harness.advance(timedelta(days=30))
    assert len(harness.platform.posts(MessageKind.SECTION)) == 3
