"""When a group's sessions fall: its cadence in its own time zone, minus breaks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config.cron import cron_trigger
from bot.config.schema import WEEKDAYS, GroupSpec

# Far enough to cover any real reading plan; bounds every search so nothing loops forever.
HORIZON = timedelta(days=3 * 366)


def in_break(spec: GroupSpec, day: date) -> bool:
    return any(start <= day <= end for start, end in spec.breaks)


def next_slot(spec: GroupSpec, zone: ZoneInfo, after: datetime) -> datetime | None:
    """The first session time strictly after `after` (aware), or None within the horizon."""
    return next(slots(spec, zone, after), None)


def slots(spec: GroupSpec, zone: ZoneInfo, after: datetime) -> Iterator[datetime]:
    """Session times (UTC) strictly after `after`, on or after the start date, outside breaks."""
    return (moment for moment, resting in cadence_moments(spec, zone, after) if not resting)


def cadence_moments(
    spec: GroupSpec, zone: ZoneInfo, after: datetime
) -> Iterator[tuple[datetime, bool]]:
    """Every time (UTC) the cadence names strictly after `after`, on or after the start date,
    with whether it falls in a break (then no session is held)."""
    floor = datetime.combine(spec.start, datetime.min.time(), tzinfo=zone)
    origin = max(after, floor - timedelta(microseconds=1))
    limit = origin + HORIZON
    for moment in _raw(spec, zone, origin, limit):
        if moment <= after:
            continue
        yield moment.astimezone(UTC), in_break(spec, moment.astimezone(zone).date())


def _raw(spec: GroupSpec, zone: ZoneInfo, origin: datetime, limit: datetime) -> Iterator[datetime]:
    cadence = spec.cadence
    if cadence.cron is not None:
        trigger = cron_trigger(cadence.cron, zone)
        previous: datetime | None = None
        now = origin + timedelta(microseconds=1)
        while True:
            fire = trigger.get_next_fire_time(previous, now)
            if fire is None or fire > limit:
                return
            yield fire
            previous = fire
            now = fire + timedelta(seconds=1)
    assert cadence.at is not None
    if cadence.dates is not None:
        for day in sorted(cadence.dates):
            moment = _local(day, cadence.at.hour, cadence.at.minute, zone)
            if origin < moment <= limit:
                yield moment
        return
    assert cadence.weekly is not None
    days = {WEEKDAYS.index(d) for d in cadence.weekly}
    day = origin.astimezone(zone).date()
    while True:
        moment = _local(day, cadence.at.hour, cadence.at.minute, zone)
        if moment > limit:
            return
        if day.weekday() in days and moment > origin:
            yield moment
        day += timedelta(days=1)


def _local(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    # A wall time that falls in a DST gap moves forward by the gap (02:30 -> 03:30),
    # which is what a person means by "the usual time" on that night.
    naive = datetime(day.year, day.month, day.day, hour, minute)
    local = naive.replace(tzinfo=zone)
    roundtrip = local.astimezone(UTC).astimezone(zone)
    if roundtrip.replace(tzinfo=None) != naive:
        local = (naive + timedelta(hours=1)).replace(tzinfo=zone)
    return local
