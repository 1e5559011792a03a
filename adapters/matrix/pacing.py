"""Pace sends to the homeserver's per-account message limit instead of bursting into 429s.

Synapse limits messages per account (by default 0.2 a second with a burst of 10) and says so
only by answering `M_LIMIT_EXCEEDED` with `retry_after_ms`. The pacer stays out of the way
until that first 429 (a homeserver that exempts the bot with `override_ratelimit` never
sends one), then spaces every later send by the limit, as a token bucket: one event per
`1 / per_second`, with up to `burst` saved up while idle. Should a 429 still come, the
assumed limit was too generous and the pacer slows down by a tenth each time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

SYNAPSE_PER_SECOND = 0.2  # Synapse's default rc_message
SYNAPSE_BURST = 10
# Run a little under the limit: requests reach the server with jitter, and a send that
# arrives a millisecond early against a bucket that is exactly empty is refused.
HEADROOM = 0.97


class Pacer:
    """A per-account token bucket, engaged by the first 429."""

    def __init__(
        self,
        *,
        per_second: float = SYNAPSE_PER_SECOND,
        burst: int = SYNAPSE_BURST,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.per_second = per_second * HEADROOM
        self.burst = burst
        self.engaged = False
        self.limited_times = 0
        self._clock = clock
        self._sleep = sleep
        self._tokens = 0.0
        self._updated = clock()
        self._turn = asyncio.Lock()  # one send at a time once paced, in the order they came

    async def wait_turn(self) -> None:
        """Return when one more event may be sent."""
        if not self.engaged:
            return
        async with self._turn:
            while True:
                self._refill()
                if self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return
                await self._sleep((1.0 - self._tokens) / self.per_second)

    def limited(self, retry_after_s: float) -> None:
        """The homeserver refused a send: its bucket is empty for `retry_after_s` seconds."""
        self.limited_times += 1
        if self.engaged:
            self.per_second *= 0.9  # still too fast: the assumed limit was too generous
            log.warning("still rate limited while paced; slowing to %.3g events/s", self.per_second)
        else:
            log.info("the homeserver limits this account; pacing sends at %.3g events/s",
                     self.per_second)  # fmt: skip
        self.engaged = True
        self._updated = self._clock()
        # Empty now, one event's worth once the server's wait is over (Synapse rounds the
        # wait down to whole milliseconds, so one more is added).
        self._tokens = 1.0 - (max(0.0, retry_after_s) + 0.001) * self.per_second

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(
            float(self.burst), self._tokens + (now - self._updated) * self.per_second
        )
        self._updated = now
