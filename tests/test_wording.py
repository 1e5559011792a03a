"""Messages that read well: no pydantic wording, a time zone suggested, counts in the singular,
and a number out of range told what is allowed (issue 12, item 22)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config.load import ConfigError, load_config
from bot.core.messages import MessageKind
from bot.core.zones import closest_zone
from bot.testing import Harness, make_harness, member
from tests.conftest import BASE_CONFIG, START

ANA = member("Ana")  # the group's admin
BEA = member("Bea")
OPENS = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


def problems_of(write_config: Callable[[str], Path], text: str) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        load_config(write_config(text))
    return [p.message for p in raised.value.problems]


def test_a_mistyped_time_zone_in_the_config_gets_a_did_you_mean(
    write_config: Callable[[str], Path],
) -> None:
    [said] = problems_of(write_config, BASE_CONFIG.replace("Europe/Berlin", "America/LaPaz"))
    assert said.startswith("groups.0.timezone: unknown time zone 'America/LaPaz'")
    assert "did you mean America/La_Paz?" in said
    assert "Value error" not in said


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("Europe/Berlin", "Nowhere/Atlantis"), "use an IANA name like Europe/Berlin"),
        (("respond_for: 6d", "respond_for: 6d\n    breaks: [soon]"), "write a break as"),
        (("respond_for: 6d", "respond_for: 6d\n    expire_after: 5m"), "at least 1h"),
    ],
)
def test_no_config_problem_speaks_pydantic(
    write_config: Callable[[str], Path], change: tuple[str, str], expected: str
) -> None:
    said = problems_of(write_config, BASE_CONFIG.replace(*change))
    assert any(expected in s for s in said), said
    for sentence in said:
        assert "Value error" not in sentence and "Assertion failed" not in sentence


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("America/LaPaz", "America/La_Paz"),
        ("america/la paz", "America/La_Paz"),
        ("LaPaz", "America/La_Paz"),
        ("Europe/Berln", "Europe/Berlin"),
        ("Asia/Kolkatta", "Asia/Kolkata"),
    ],
)
def test_the_closest_zone_is_the_one_meant(typed: str, meant: str) -> None:
    assert closest_zone(typed) == meant


async def test_the_timezone_command_suggests_the_zone(harness: Harness) -> None:
    said = await harness.command("timezone America/LaPaz", member=BEA)
    assert "Did you mean America/La_Paz?" in said


@pytest.mark.parametrize("days", ["-1", "366", "two"])
async def test_snooze_out_of_range_says_what_is_allowed(harness: Harness, days: str) -> None:
    await harness.command("join", member=BEA)
    said = await harness.command(f"snooze {days}", member=BEA)
    assert f"DAYS must be a whole number from 0 to 365, not '{days}'" in said
    assert "must be a number," not in said
    assert await harness.storage.snoozes("readers") == []


async def test_a_prompt_number_of_zero_says_what_is_allowed(harness: Harness) -> None:
    said = await harness.command("respond 0 hello", member=BEA)
    assert "PROMPT must be a whole number from 1 to" in said


async def test_one_of_each_reads_in_the_singular(harness: Harness) -> None:
    h = harness
    await h.command("join", member=BEA)
    await h.advance_to(OPENS + timedelta(minutes=1))
    assert "Nudged 1 member by direct message." in await h.command("remind", member=ANA)
    await h.command("respond 1 only mine", member=BEA)
    await h.advance_to(OPENS + timedelta(days=6, minutes=2))  # the session has closed
    digest = next(
        s.message.body
        for s in h.platform.dms("ana")
        if (s.message.title or "").startswith("Digest")
    )
    assert "1 of 1 member responded (1 response)." in digest
    said = await h.command("forget-me", member=BEA)
    assert "with your 1 response, for good" in said
    for wrong in ("1 responses", "1 members", "member(s)", "response(s)"):
        assert wrong not in digest + said


async def test_one_anonymous_response_reads_in_the_singular(
    write_config: Callable[[str], Path],
) -> None:
    h = await make_harness(
        write_config(BASE_CONFIG.replace("admins: [ana]", "admins: [ana]\n    anonymous: true")),
        start=START,
    )
    try:
        await h.advance_to(OPENS + timedelta(minutes=1))
        await h.command("respond 1 only mine", member=BEA)
        await h.advance_to(OPENS + timedelta(days=6, minutes=2))  # the session has closed
        [summary] = h.platform.posts(MessageKind.SUMMARY)
        assert "1 anonymous response." in summary.message.body
        assert "response(s)" not in summary.message.body
    finally:
        await h.close()
