"""Standard five-field cron lines, read into APScheduler triggers (weekdays as crontab numbers them)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.core.i18n import N_
from bot.core.said import Refusal

_CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def cron_trigger(expression: str, zone: ZoneInfo) -> CronTrigger:
    """A trigger for a standard five-field cron line (weekday 0 or 7 = Sunday, as in crontab).

    APScheduler numbers weekdays from Monday, so numeric weekdays are rewritten as names.
    """
    minute, hour, day, month, weekday = expression.split()
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=_weekday_names(weekday),
        timezone=zone,
    )


def _weekday_names(field: str) -> str:
    items = []
    for item in field.split(","):
        base, slash, step = item.partition("/")
        if "-" in base:
            first, last = base.split("-", 1)
            if first.isdigit() and last.isdigit():
                lo, hi = int(first), int(last)
                if lo > 7 or hi > 7:
                    raise Refusal(N_("weekday {day} is out of range 0-7"), day=repr(item))
                base = "*" if lo == 0 and hi >= 6 else f"{_CRON_DAYS[lo]}-{_CRON_DAYS[hi]}"
        elif base.isdigit():
            if int(base) > 7:
                raise Refusal(N_("weekday {day} is out of range 0-7"), day=repr(base))
            base = _CRON_DAYS[int(base)]
        items.append(base + (slash + step if slash else ""))
    return ",".join(items)
