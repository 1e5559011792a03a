"""Streaks and silence as pure logic: what counts against a member, and what never does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.records import Session, Snooze
from bot.sessions.participation import standing

DAY = timedelta(days=1)
T0 = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
ME = 7


def session(number: int, *, is_open: bool = False) -> Session:
    opened = T0 + 7 * DAY * (number - 1)
    return Session(
        id=number,
        group_id="g",
        number=number,
        first_section=number - 1,
        section_count=1,
        opened_at=opened,
        closes_at=opened + 6 * DAY,
        closed_at=None if is_open else opened + 6 * DAY,
        thread=None,
        root_message=None,
    )


def history(*responded: bool, last_open: bool = False) -> list[tuple[Session, frozenset[int]]]:
    out = []
    for i, did in enumerate(responded, start=1):
        is_open = last_open and i == len(responded)
        out.append((session(i, is_open=is_open), frozenset({ME} if did else {99})))
    return out


def test_streak_and_silence() -> None:
    mine = standing(ME, T0 - DAY, history(True, False, True, True), [])
    assert (mine.streak, mine.silent, mine.took_part, mine.counted) == (2, 0, 3, 4)
    quiet = standing(ME, T0 - DAY, history(True, False, False), [])
    assert (quiet.streak, quiet.silent) == (0, 2)


def test_an_open_session_not_yet_answered_breaks_nothing() -> None:
    mine = standing(ME, T0 - DAY, history(True, True, False, last_open=True), [])
    assert mine.streak == 2 and mine.silent == 0 and mine.sessions == 3


def test_sessions_before_joining_do_not_count() -> None:
    joined = T0 + 14 * DAY  # after sessions 1 and 2 closed
    mine = standing(ME, joined, history(False, False, True), [])
    assert (mine.streak, mine.counted, mine.sessions) == (1, 1, 1)


def test_a_session_entirely_inside_a_snooze_is_skipped_a_partly_covered_one_is_not() -> None:
    whole = Snooze(member_id=ME, starts_at=T0 + 6 * DAY, ends_at=T0 + 14 * DAY)
    mine = standing(ME, T0 - DAY, history(True, False, True), [whole])
    assert mine.streak == 2 and mine.sessions == 2
    part = Snooze(member_id=ME, starts_at=T0 + 6 * DAY, ends_at=T0 + 10 * DAY)
    assert standing(ME, T0 - DAY, history(True, False, True), [part]).streak == 1
    someone_else = Snooze(member_id=99, starts_at=T0, ends_at=T0 + 30 * DAY)
    assert standing(ME, T0 - DAY, history(True, False, True), [someone_else]).streak == 1


def test_answering_during_a_snooze_still_counts() -> None:
    rest = Snooze(member_id=ME, starts_at=T0 - DAY, ends_at=T0 + 30 * DAY)
    mine = standing(ME, T0 - 2 * DAY, history(True, True, False), [rest])
    assert (mine.streak, mine.took_part, mine.silent) == (2, 2, 0)
