"""Per-member command rate limits: a token bucket each, and one notice when someone is slowed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass
class _Bucket:
    tokens: float
    updated: datetime
    warned: bool = False


class RateLimiter:
    """Allows `burst` commands at once, refilled at `burst` per `period`, per member key."""

    def __init__(self, burst: int, period: timedelta, max_members: int = 100_000) -> None:
        self.burst = burst
        self.rate = burst / period.total_seconds()
        self._buckets: dict[str, _Bucket] = {}
        self._max_members = max_members

    def check(self, key: str, now: datetime) -> str:
        """'ok' to go ahead, 'warn' for the first refusal (tell them once), 'drop' after that."""
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self._max_members:
                self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(tokens=float(self.burst), updated=now)
        # min() and max() written out: every command from every member passes here
        full = float(self.burst)
        if now > bucket.updated:
            tokens = bucket.tokens + (now - bucket.updated).total_seconds() * self.rate
            bucket.tokens = tokens if tokens < full else full
        elif bucket.tokens > full:
            bucket.tokens = full
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.warned = False
            return "ok"
        if bucket.warned:
            return "drop"
        bucket.warned = True
        return "warn"

    def _forget_full(self, now: datetime) -> None:
        # Members whose bucket has refilled carry no state worth keeping.
        full = [
            k
            for k, b in self._buckets.items()
            if b.tokens + (now - b.updated).total_seconds() * self.rate >= self.burst
        ]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= self._max_members:
            self._buckets.clear()
