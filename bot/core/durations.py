"""Durations written by admins, like `24h`, `90m`, `6d` or `1d12h`."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.core.i18n import N_
from bot.core.said import Refusal

_PART = re.compile(r"(\d+)\s*([wdhms])")
_WHOLE = re.compile(r"^\s*(?:\d+\s*[wdhms]\s*)+$")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_duration(text: str) -> timedelta:
    """Parse `1d12h`-style text; raise ValueError with the allowed form otherwise."""
    if not _WHOLE.match(text):
        raise Refusal(
            N_("{text} is not a duration; write e.g. 30m, 24h, 6d or 1d12h"), text=repr(text)
        )
    total = timedelta()
    try:
        for amount, unit in _PART.findall(text):
            total += timedelta(**{_UNITS[unit]: int(amount)})
    except (OverflowError, ValueError):
        raise Refusal(
            N_("{text} is too long a duration; durations are at most 999999999 days"),
            text=repr(text[:40]),
        ) from None
    return total


def format_duration(delta: timedelta) -> str:
    """The shortest `1d12h`-style text for `delta` (whole seconds)."""
    seconds = int(delta.total_seconds())
    if seconds == 0:
        return "0m"
    out = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        amount, seconds = divmod(seconds, size)
        if amount:
            out.append(f"{amount}{unit}")
    return "".join(out)


def humanize(delta: timedelta) -> str:
    """Friendly wording for a positive interval: 'in 3 days', 'in 2 hours', 'in 5 minutes'."""
    seconds = int(delta.total_seconds())
    for size, word in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            n = round(seconds / size)
            return f"{n} {word}{'s' if n != 1 else ''}"
    return "less than a minute"
