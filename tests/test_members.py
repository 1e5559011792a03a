"""An admin sees who is in the group (`members`) and what is coming (`status`), in words."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.commands.spec import BY_NAME
from bot.testing import Harness, make_harness, member
from tests.conftest import BASE_CONFIG, START

pytestmark = pytest.mark.backends

ANA = member("Ana")  # the group's admin
BEA = member("Bea")
CAL = member("Cal")
OPENS = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)  # Tue 1 Dec, 19:00 in Berlin
ANONYMOUS = BASE_CONFIG.replace("admins: [ana]", "admins: [ana]\n    anonymous: true")


def test_members_is_an_admin_command_in_the_table_every_platform_reads() -> None:
    spec = BY_NAME["members"]
    assert spec.admin and spec.group_scoped and spec.params == ()


async def test_members_lists_joined_last_response_reminders_and_snooze(harness: Harness) -> None:
    for who in (ANA, BEA, CAL):
        await harness.command("join", member=who)
    await harness.command("reminders on", member=BEA)
    await harness.command("reminders on", member=CAL)
    await harness.command("snooze 10", member=CAL)  # from Mon 30 Nov: snoozed until 10 Dec
    await harness.advance_to(OPENS + timedelta(minutes=1))  # two reminders, then the opening
    await harness.command("respond 1 a first thought", member=BEA)
    text = await harness.command("members", member=ANA)
    lines = text.splitlines()
    assert lines[0] == "**Readers**: 3 members"
    bea = next(line for line in lines if line.startswith("- Bea"))
    cal = next(line for line in lines if line.startswith("- Cal"))
    ana = next(line for line in lines if line.startswith("- Ana"))
    assert "joined 30 Nov 2026" in bea and "last response 1 Dec 2026" in bea
    assert "2 reminders sent" in bea and "snoozed" not in bea
    # Cal was snoozing, so no reminder reached her
    assert "no named response yet" in cal and "0 reminders sent" in cal
    assert "snoozed until 10 Dec 2026" in cal
    assert "reminders off" in ana


async def test_members_is_refused_to_a_member_who_is_no_admin(harness: Harness) -> None:
    await harness.command("join", member=BEA)
    assert "is for the admins of Readers" in await harness.command("members", member=BEA)
    assert "is for the admins" in await harness.command("members", member=BEA, direct=True)


async def test_members_never_ties_an_anonymous_answer_to_its_author(
    write_config: Callable[[str], Path],
) -> None:
    h = await make_harness(write_config(ANONYMOUS), start=START)
    try:
        await h.command("join", member=BEA)
        await h.advance_to(OPENS + timedelta(minutes=1))
        assert "anonymous" in await h.command("respond 1 my own view", member=BEA)
        text = await h.command("members", member=ANA)
        bea = next(line for line in text.splitlines() if line.startswith("- Bea"))
        assert "no named response yet" in bea and "1 Dec" not in bea
        assert "my own view" not in text
    finally:
        await h.close()


async def test_members_of_an_empty_group(write_config: Callable[[str], Path]) -> None:
    h = await make_harness(write_config(BASE_CONFIG), start=START)
    try:
        # Ana is an admin by the config's list, not a member until she joins or answers
        assert "Nobody has joined Readers yet." in await h.command("members", member=ANA)
    finally:
        await h.close()


async def test_status_says_what_is_coming_in_words(harness: Harness) -> None:
    text = await harness.command("status", member=ANA)
    assert "Coming up (Europe/Berlin time):" in text
    assert "- reminder Mon 30 Nov, 19:00" in text
    assert "- reminder Tue 1 Dec, 18:00" in text
    assert "- the next session opens Tue 1 Dec, 19:00" in text
    for internal in ("remind —", "open —", "rsvp-remind", "nudge —"):
        assert internal not in text


async def test_status_counts_one_response_and_one_member_in_the_singular(
    harness: Harness,
) -> None:
    await harness.advance_to(OPENS + timedelta(minutes=1))
    await harness.command("respond 1 hello", member=BEA)
    text = await harness.command("status", member=ANA)
    assert "1 response from 1 member" in text
    assert "Members: 1 (0 get reminders)" in text
    assert "1 responses" not in text and "1 members" not in text
    assert "the session closes Mon 7 Dec, 19:00" in text
