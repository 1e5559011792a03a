"""Session times in the group's own zone: DST, breaks, cron weekdays, given dates."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.config.schema import GroupSpec
from bot.core.durations import format_duration, parse_duration
from bot.schedule.cadence import slots


def spec(zone: str, cadence: dict[str, Any], **extra: Any) -> GroupSpec:
    return GroupSpec.model_validate(
        {
            "id": "g",
            "name": "G",
            "reading": "r",
            "start": date(2026, 1, 1),
            "timezone": zone,
            "cadence": cadence,
            **extra,
        }
    )


def local_times(group: GroupSpec, after: datetime, count: int) -> list[datetime]:
    zone = ZoneInfo(group.timezone)
    return [s.astimezone(zone) for s in itertools.islice(slots(group, zone, after), count)]


@pytest.mark.parametrize(
    ("zone", "after", "cadence"),
    [
        (
            "Europe/Berlin",
            datetime(2026, 3, 20, tzinfo=UTC),
            {"weekly": ["tue"], "at": "19:00"},
        ),  # spring forward 29 Mar
        (
            "Europe/Berlin",
            datetime(2026, 10, 15, tzinfo=UTC),
            {"weekly": ["tue"], "at": "19:00"},
        ),  # fall back 25 Oct
        ("America/New_York", datetime(2026, 3, 1, tzinfo=UTC), {"cron": "0 19 * * 2"}),  # 8 Mar
        ("America/New_York", datetime(2026, 10, 25, tzinfo=UTC), {"cron": "0 19 * * 2"}),  # 1 Nov
        (
            "Australia/Sydney",
            datetime(2026, 3, 25, tzinfo=UTC),
            {"weekly": ["tue"], "at": "19:00"},
        ),  # 5 Apr
    ],
)
def test_weekly_session_stays_at_local_time_across_dst(
    zone: str, after: datetime, cadence: dict[str, Any]
) -> None:
    times = local_times(spec(zone, cadence), after, 4)
    assert all(t.hour == 19 and t.minute == 0 and t.weekday() == 1 for t in times)
    offsets = {t.utcoffset() for t in times}
    assert len(offsets) == 2, "the four weeks straddle a DST change"
    gaps = {b - a for a, b in itertools.pairwise(t.astimezone(UTC) for t in times)}
    assert (
        timedelta(days=7) not in gaps or len(gaps) == 2
    )  # one week is an hour shorter or longer in UTC


def test_wall_time_in_a_dst_gap_moves_forward() -> None:
    group = spec("Europe/Berlin", {"dates": ["2026-03-29"], "at": "02:30"})
    (moment,) = local_times(group, datetime(2026, 3, 1, tzinfo=UTC), 1)
    assert (moment.hour, moment.minute) == (3, 30)


def test_breaks_skip_sessions() -> None:
    group = spec("UTC", {"weekly": ["tue"], "at": "19:00"}, breaks=["2026-12-22..2027-01-05"])
    times = local_times(group, datetime(2026, 12, 10, tzinfo=UTC), 3)
    assert [t.date() for t in times] == [date(2026, 12, 15), date(2027, 1, 12), date(2027, 1, 19)]


def test_no_session_before_start() -> None:
    group = GroupSpec.model_validate(
        {
            "id": "g",
            "name": "G",
            "reading": "r",
            "start": date(2026, 12, 1),
            "cadence": {"weekly": ["mon", "thu"], "at": "08:00"},
        }
    )
    times = local_times(group, datetime(2026, 11, 1, tzinfo=UTC), 2)
    assert [t.date() for t in times] == [date(2026, 12, 3), date(2026, 12, 7)]


def test_cron_weekdays_follow_crontab_numbering() -> None:
    for expression, weekday in (
        ("0 9 * * 0", 6),
        ("0 9 * * 7", 6),
        ("0 9 * * 1", 0),
        ("0 9 * * 5", 4),
    ):
        (moment,) = local_times(
            spec("UTC", {"cron": expression}), datetime(2026, 6, 1, tzinfo=UTC), 1
        )
        assert moment.weekday() == weekday, expression
    weekdays = {
        t.weekday()
        for t in local_times(
            spec("UTC", {"cron": "0 9 * * 1-5"}), datetime(2026, 6, 1, tzinfo=UTC), 10
        )
    }
    assert weekdays == {0, 1, 2, 3, 4}


def test_given_dates_in_order_and_then_none() -> None:
    group = spec("Asia/Kolkata", {"dates": ["2026-12-10", "2026-12-03"], "at": "18:00"})
    times = local_times(group, datetime(2026, 12, 1, tzinfo=UTC), 5)
    assert [t.day for t in times] == [3, 10]
    assert all(t.hour == 18 for t in times)


def test_durations() -> None:
    assert parse_duration("1d12h") == timedelta(days=1, hours=12)
    assert parse_duration("90m") == timedelta(minutes=90)
    assert format_duration(timedelta(hours=36)) == "1d12h"
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("soon")
