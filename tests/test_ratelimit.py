"""The per-member token bucket: a burst at once, refilled at its rate, one notice, then silence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.runtime.ratelimit import RateLimiter

NOW = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)


def test_a_burst_then_one_warning_then_drops_until_the_bucket_refills() -> None:
    limiter = RateLimiter(3, timedelta(minutes=1))  # one token every 20 seconds
    assert [limiter.check("ana", NOW) for _ in range(5)] == ["ok", "ok", "ok", "warn", "drop"]
    assert limiter.check("bea", NOW) == "ok"  # each member has a bucket of their own
    assert limiter.check("ana", NOW + timedelta(seconds=19)) == "drop"
    assert limiter.check("ana", NOW + timedelta(seconds=21)) == "ok"  # 21 s: one token back
    assert limiter.check("ana", NOW + timedelta(seconds=22)) == "warn"  # told again, once


def test_a_long_pause_refills_no_more_than_the_burst_and_time_going_back_adds_nothing() -> None:
    limiter = RateLimiter(2, timedelta(minutes=1))
    assert limiter.check("ana", NOW) == "ok"
    later = NOW + timedelta(days=1)
    assert [limiter.check("ana", later) for _ in range(3)] == ["ok", "ok", "warn"]
    earlier = later - timedelta(hours=1)  # a clock set back: the bucket does not fill
    assert limiter.check("ana", earlier) == "drop"
    assert limiter.check("ana", earlier + timedelta(seconds=31)) == "ok"
