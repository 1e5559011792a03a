"""Floods, retention, hot reload and load: the promises of the reliability issue, tested."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config.load import load_config
from bot.core.events import CommandReceived, Origin
from bot.core.messages import MessageKind
from bot.runtime.watcher import ConfigWatcher
from bot.testing import Harness, make_harness, member
from tests.conftest import BASE_CONFIG, START

BEA = member("Bea")
CAL = member("Cal")
OPENS = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


async def test_a_flooding_member_is_slowed_with_one_notice(harness: Harness) -> None:
    for _ in range(20):
        await harness.command("schedule", member=BEA)
    before = len(harness.platform.replies())
    for _ in range(30):
        await harness.command("schedule", member=BEA)
    notices = harness.platform.replies()[before:]
    assert len(notices) == 1 and "faster than I can take them" in notices[0]
    # Everyone else is still served.
    assert "Readers" in await harness.command("schedule", member=CAL)
    # After a minute the member is served again.
    harness.clock.advance(timedelta(minutes=1))
    assert "Readers" in await harness.command("schedule", member=BEA)


async def test_retention_deletes_old_responses_on_schedule(
    write_config: Callable[[str], Path],
) -> None:
    config = BASE_CONFIG.replace("admins: [ana]", "admins: [ana]\n    retention_days: 10")
    h = await make_harness(write_config(config), start=START)
    await h.advance_to(OPENS + timedelta(minutes=1))
    await h.command("respond 1 old words", member=BEA)
    await h.advance(timedelta(days=7))
    await h.command("respond 1 newer words", member=BEA)
    await h.advance(timedelta(days=4))  # the first answer is 11 days old now
    assert await h.storage.count("responses") == 1
    await h.advance(timedelta(days=7))
    assert await h.storage.count("responses") == 0
    await h.close()


async def test_hot_reload_adopts_good_edits_and_reports_broken_ones(
    write_config: Callable[[str], Path],
) -> None:
    path = write_config(BASE_CONFIG)
    h = await make_harness(path, start=START)

    async def reloader():  # type: ignore[no-untyped-def]
        return await asyncio.to_thread(load_config, path)

    h.circle.reloader = reloader
    watcher = ConfigWatcher(h.circle, path)
    await h.advance_to(OPENS + timedelta(minutes=1))
    await h.command("respond 1 kept through every edit", member=BEA)
    assert await watcher.check() is False  # unchanged

    before = await h.storage.pending_actions("readers")
    path.write_text(BASE_CONFIG.replace("reading: three-parts", "reading: [oops"))
    assert await watcher.check() is False
    admin_dms = h.platform.dms("ana")
    assert len(admin_dms) == 1 and "config.yaml:" in admin_dms[0].message.body
    assert await h.storage.pending_actions("readers") == before

    path.write_text(BASE_CONFIG.replace('at: "19:00"', 'at: "20:00"'))
    assert await watcher.check() is True
    opens = [a for a in await h.storage.pending_actions("readers") if a.kind == "open"]
    assert opens and opens[0].due_at == datetime(2026, 12, 8, 19, 0, tzinfo=UTC)
    assert await h.storage.count("responses") == 1
    await h.close()


async def test_a_thousand_members_respond_at_once(harness: Harness) -> None:
    await harness.advance_to(OPENS + timedelta(minutes=1))
    harness.circle.rate_limiter.burst = 10_000
    origin = Origin(platform="console", room="console")
    members = [member(f"Member{i:04d}") for i in range(1000)]
    await asyncio.gather(
        *(
            harness.send(
                CommandReceived(
                    origin=origin, member=m, name="respond", args=f"{1 + i % 2} thought {i}"
                )
            )
            for i, m in enumerate(members)
        )
    )
    saved = [r for r in harness.platform.replies() if "Saved your response" in r]
    assert len(saved) == 1000
    assert await harness.storage.count("responses") == 1000
    await harness.advance(timedelta(days=6, hours=1))
    summary = harness.platform.posts(MessageKind.SUMMARY)[0].message.body
    assert "Took part (1,000)" in summary  # numbers are written the language's way
    assert "— 500 responses" in summary


async def test_a_ten_megabyte_paste_is_refused_and_nothing_saved(harness: Harness) -> None:
    await harness.advance_to(OPENS + timedelta(minutes=1))
    answer = await harness.command("respond 1 " + "spam " * 2_000_000, member=BEA)
    assert "far too long" in answer
    prompt = harness.platform.posts(MessageKind.PROMPT)[0].posted
    assert prompt is not None
    reply = await harness.reply_to(
        prompt.message_id, "x" * 10_000_000, member=CAL, own_id="cal-big"
    )
    assert "Nothing was saved" in reply
    assert await harness.storage.count("responses") == 0
