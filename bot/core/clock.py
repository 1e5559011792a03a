"""Where the core gets the time from, so tests and the demo can move it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """A source of aware UTC datetimes, and how far away a moment is in real seconds."""

    def now(self) -> datetime: ...

    def real_seconds_until(self, moment: datetime) -> float: ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def real_seconds_until(self, moment: datetime) -> float:
        return max(0.0, (moment - self.now()).total_seconds())


class ScaledClock:
    """A clock that runs `factor` times faster than real time from `start` (the demo's clock)."""

    def __init__(self, start: datetime, factor: float, *, since: float | None = None) -> None:
        """`since`: the wall-clock UNIX time at which this clock read `start`, so that several
        processes started at different moments share one scaled time (tests of scale-out)."""
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        self._start = start
        self._factor = factor
        self._since = since
        self._real_start = time.monotonic()

    def now(self) -> datetime:
        if self._since is not None:
            elapsed = time.time() - self._since
        else:
            elapsed = time.monotonic() - self._real_start
        return self._start + timedelta(seconds=elapsed * self._factor)

    def real_seconds_until(self, moment: datetime) -> float:
        return max(0.0, (moment - self.now()).total_seconds() / self._factor)


class FakeClock:
    """A clock that only moves when a test moves it."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def real_seconds_until(self, moment: datetime) -> float:
        # A fake clock never waits for real; whoever drives it advances it.
        return 0.0 if moment <= self._now else 3600.0

    def set(self, moment: datetime) -> None:
        if moment < self._now:
            raise ValueError("a fake clock does not go backwards")
        self._now = moment

    def advance(self, delta: timedelta) -> datetime:
        self.set(self._now + delta)
        return self._now
