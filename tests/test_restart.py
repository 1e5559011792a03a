"""Crashes and restarts: nothing posted twice, nothing lost, missed sessions reported."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.messages import MessageKind, Posted
from bot.testing import FakePlatform, make_harness, member
from tests.conftest import BASE_CONFIG, START

# every test here runs on SQLite and on PostgreSQL
pytestmark = pytest.mark.backends

OPENS = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


def room_keys(platform: FakePlatform) -> Counter[str]:
    return Counter(s.key for s in platform.posts() if s.key)


async def test_failure_mid_opening_resumes_without_duplicates(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    db = str(tmp_path / "bot.db")
    first = FakePlatform()
    first.fail_when = lambda m: m.prompt_number == 2
    h1 = await make_harness(write_config(BASE_CONFIG), start=START, storage_path=db, platform=first)
    await h1.command("join", member=member("Ana"))
    await h1.advance_to(OPENS + timedelta(seconds=1))
    assert [s.message.prompt_number for s in first.posts(MessageKind.PROMPT)] == [1]
    await h1.close()  # the process dies here

    # The room keeps what was posted; the restarted bot talks to the same platform.
    second = FakePlatform()
    second.sent, second._by_key = first.sent, first._by_key
    h2 = await make_harness(
        write_config(BASE_CONFIG),
        start=OPENS + timedelta(minutes=5),
        storage_path=db,
        platform=second,
    )
    await h2.advance(timedelta(minutes=1))
    assert [s.message.prompt_number for s in second.posts(MessageKind.PROMPT)] == [1, 2]
    assert len(second.posts(MessageKind.SECTION)) == 1
    assert all(n == 1 for n in room_keys(second).values())
    assert await h2.storage.count("sessions") == 1
    await h2.close()


async def test_crash_between_send_and_record_is_deduplicated_by_key(
    write_config: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "bot.db")
    platform = FakePlatform()
    h = await make_harness(
        write_config(BASE_CONFIG), start=START, storage_path=db, platform=platform
    )
    real_record = h.storage.record_sent
    crashed: list[str] = []

    async def record_then_crash(key: str, posted: Posted, now: datetime) -> None:
        if ":prompt:1" in key and not crashed:
            crashed.append(key)
            raise RuntimeError("power cut after the send, before the record")
        await real_record(key, posted, now)

    monkeypatch.setattr(h.storage, "record_sent", record_then_crash)
    await h.advance_to(OPENS + timedelta(minutes=2))
    assert crashed
    assert [s.message.prompt_number for s in platform.posts(MessageKind.PROMPT)] == [1, 2]
    assert all(n == 1 for n in room_keys(platform).values())
    await h.close()


async def test_action_missed_within_grace_runs_late(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    db = str(tmp_path / "bot.db")
    h1 = await make_harness(write_config(BASE_CONFIG), start=START, storage_path=db)
    await h1.close()
    platform = FakePlatform()
    h2 = await make_harness(
        write_config(BASE_CONFIG),
        start=OPENS + timedelta(minutes=40),
        storage_path=db,
        platform=platform,
    )
    await h2.advance(timedelta(0))
    assert len(platform.posts(MessageKind.SECTION)) == 1
    await h2.close()


async def test_action_missed_past_grace_is_reported_and_section_kept(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    db = str(tmp_path / "bot.db")
    h1 = await make_harness(write_config(BASE_CONFIG), start=START, storage_path=db)
    await h1.close()
    platform = FakePlatform()
    h2 = await make_harness(
        write_config(BASE_CONFIG),
        start=OPENS + timedelta(hours=3),
        storage_path=db,
        platform=platform,
    )
    await h2.advance(timedelta(0))
    assert platform.posts(MessageKind.SECTION) == []
    notices = [s.message.body for s in platform.posts(MessageKind.NOTICE)]
    assert any("was not posted" in n for n in notices)
    await h2.advance(timedelta(days=7))
    sections = platform.posts(MessageKind.SECTION)
    assert len(sections) == 1 and "Part One" in sections[0].message.body
    await h2.close()


async def test_platform_outage_is_retried_then_succeeds(
    write_config: Callable[[str], Path],
) -> None:
    platform = FakePlatform()
    h = await make_harness(write_config(BASE_CONFIG), start=START, platform=platform)
    platform.fail_next = 3
    await h.advance_to(OPENS + timedelta(hours=1))
    assert len(platform.posts(MessageKind.SECTION)) == 1
    assert len(platform.posts(MessageKind.PROMPT)) == 2
    await h.close()
