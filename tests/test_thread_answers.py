"""Lines typed straight into a session's thread (no reply to a prompt), in the core: the one
prompt's answer, or one word on how to answer; never for an old session, a closed one, a DM."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.testing import Harness, make_harness, member
from tests.conftest import BASE_CONFIG, START

BEA = member("Bea")
CAL = member("Cal")
OPENS = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)  # session 1: Part One, two prompts
WEEK = timedelta(days=7)  # session 2: Part Two, one prompt
HOW = "cannot tell which one"


async def thread_of(h: Harness, number: int) -> str:
    session = next(s for s in await h.storage.sessions("readers") if s.number == number)
    assert session.thread is not None
    return session.thread


async def typed(h: Harness, thread: str, text: str, own_id: str, who: object = BEA) -> str:
    """`text` typed into `thread`, not a reply to anything in it; the bot's answer."""
    return await h.reply_to(thread, text, member=who, own_id=own_id, thread=thread)  # type: ignore[arg-type]


async def test_with_several_prompts_a_member_is_told_once_how_to_answer(harness: Harness) -> None:
    h = harness
    await h.advance_to(OPENS + timedelta(minutes=1))
    thread = await thread_of(h, 1)
    first = await typed(h, thread, "I liked it.", "u1")
    assert HOW in first and "`respond NUMBER your answer`" in first
    assert await typed(h, thread, "Really.", "u2") == ""  # once a session, not once a line
    assert HOW in await typed(h, thread, "Me too.", "u3", CAL)  # each member once
    assert "not responded" in await h.command("mine", member=BEA)


async def test_with_one_prompt_the_line_is_the_answer_and_its_edit_counts(
    harness: Harness,
) -> None:
    h = harness
    await h.advance_to(OPENS + WEEK + timedelta(minutes=1))
    thread = await thread_of(h, 2)
    assert "Saved your response to prompt 1" in await typed(h, thread, "Shorter is better.", "u9")
    await h.edit("u9", "Shorter is much better.", member=BEA)
    assert "Shorter is much better." in await h.command("mine", member=BEA)


async def test_an_old_sessions_thread_a_closed_session_and_a_dm_stay_talk(
    write_config: Callable[[str], Path],
) -> None:
    config = BASE_CONFIG.replace("admins: [ana]", "admins: [ana]\n    accept_late: false")
    h = await make_harness(write_config(config), start=START)
    try:
        await h.advance_to(OPENS + timedelta(minutes=1))
        first_thread = await thread_of(h, 1)
        await h.advance_to(OPENS + WEEK - timedelta(hours=12))  # 1 closed, 2 not open yet
        assert await typed(h, first_thread, "Late thought.", "u1") == ""  # no late answers
        await h.advance_to(OPENS + WEEK + timedelta(minutes=1))
        assert await typed(h, first_thread, "Still about part one.", "u2") == ""  # not latest
        second = await thread_of(h, 2)
        outside = await h.reply_to(second, "hi", member=BEA, own_id="u3", thread=None)
        assert outside == ""  # not typed in the thread at all
        assert "not responded" in await h.command("mine", member=BEA)
    finally:
        await h.close()
