"""The `privacy: minimal` preset: the keys it turns on, filled in where the file is silent."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from bot.core.durations import parse_duration

MINIMAL_EXPIRY = "14d"


def apply_privacy_preset(data: Any) -> tuple[Any, tuple[str, ...]]:
    """A group's raw mapping with the preset's keys added where it does not set them, and the
    names of the keys added. Anything but `privacy: minimal` passes through untouched."""
    if not isinstance(data, dict) or data.get("privacy") != "minimal":
        return data, ()
    out = dict(data)
    filled: list[str] = []
    if "anonymous" not in out:
        out["anonymous"] = True
        filled.append("anonymous")
    if "expire_after" not in out:
        out["expire_after"] = MINIMAL_EXPIRY
        filled.append("expire_after")
    if "retention_days" not in out:
        days = _days(out.get("expire_after"))
        if days is not None:
            out["retention_days"] = days
            filled.append("retention_days")
    return out, tuple(filled)


def _days(expiry: Any) -> int | None:
    """Whole days covering `expiry` (a duration as written), None when it is off or malformed
    (the key's own check then reports it)."""
    if isinstance(expiry, timedelta):
        delta = expiry
    elif isinstance(expiry, str):
        try:
            delta = parse_duration(expiry)
        except ValueError:
            return None
    else:
        return None
    return max(1, math.ceil(delta / timedelta(days=1)))
