"""Time zone names as people type them: the IANA name meant, or the closest one to suggest."""

from __future__ import annotations

import difflib
from functools import cache
from zoneinfo import available_timezones


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def zone_named(name: str) -> str | None:
    """The IANA zone `name` means, whatever its case ("europe/berlin" is Europe/Berlin)."""
    zones = _zones()
    if name in zones:
        return name
    return {z.lower(): z for z in zones}.get(name.strip().lower())


def closest_zone(name: str) -> str | None:
    """The zone someone probably meant by `name`: "America/LaPaz" is America/La_Paz."""
    wanted = name.strip()
    if not wanted:
        return None
    zones = _zones()
    # compared without case, spaces or underscores, so "America/La Paz" and "LaPaz" both find it
    folded = {z.lower().replace("_", ""): z for z in zones}
    key = wanted.lower().replace(" ", "").replace("_", "")
    if key in folded:
        return folded[key]
    if "/" not in key:  # a city alone: "LaPaz", "berlin"
        cities = {z.rsplit("/", 1)[-1].lower().replace("_", ""): z for z in zones if "/" in z}
        close = difflib.get_close_matches(key, list(cities), n=1, cutoff=0.75)
        if close:
            return cities[close[0]]
    close = difflib.get_close_matches(key, list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None
